import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../schema/index.js';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { parseCurrencyRates } from '../../subgraphs/catalog/currency.js';
import { type CredentialFilter, normalizeFilter } from '../../subgraphs/catalog/search.js';
import type { SqlCatalogStore } from '../../subgraphs/catalog/sqlStore.js';
import { parseTextQuery } from '../../subgraphs/catalog/text.js';
import { type RunningServer, startProviderSubgraph } from '../../subgraphs/kit/index.js';
import { type FixtureUpstream, fixtureProvider, fixtureRecords } from '../fixtures/fixtureProvider.js';
import { graphql } from '../fixtures/http.js';
import { BACKENDS, type Backend, type BackendLocation, backendLocation } from './backends.js';
import {
  baseCost,
  costsAtMost,
  expectedOrder,
  hours,
  matchesText,
  relevance,
  SEARCH,
  type TextTest,
  walk,
} from './helpers.js';

const rates = parseCurrencyRates('EUR=1.1,GBP=1.25');

const alpha: FixtureUpstream = { records: fixtureRecords('alpha', 130) };
const beta: FixtureUpstream = { records: fixtureRecords('beta', 57, 3) };
// Prices in a currency the rate table lacks: compared only when free.
beta.records[5]!.cost = { amount: 120, currency: 'GBP' };
beta.records[6]!.cost = { amount: 40_000, currency: 'XTS' };
beta.records[7]!.cost = { amount: 0, currency: 'XTS' };
beta.records[10]!.name = 'Security <Basics> & "Safety" I (beta 10)';
const all = () => [...alpha.records, ...beta.records];

let alphaServer: RunningServer;
let betaServer: RunningServer;
const catalogs = {} as Record<Backend, RunningCatalog>;
const locations: BackendLocation[] = [];

beforeAll(async () => {
  alphaServer = await startProviderSubgraph(fixtureProvider('alpha', alpha), { env: {} });
  betaServer = await startProviderSubgraph(fixtureProvider('beta', beta), { env: {} });
  for (const backend of BACKENDS) {
    const location = backendLocation(backend);
    locations.push(location);
    catalogs[backend] = await startCatalogSubgraph({
      config: {
        ...location.config,
        providers: [
          { id: 'alpha', feedUrl: alphaServer.url.replace('/graphql', '/feed') },
          { id: 'beta', feedUrl: betaServer.url.replace('/graphql', '/feed') },
        ],
        harvestIntervalSeconds: 0,
        adminToken: 'test-admin-token',
        currencyRates: rates,
      },
      awaitFirstHarvest: true,
    });
  }
});

afterAll(async () => {
  for (const backend of BACKENDS) await catalogs[backend]?.close();
  for (const location of locations) await location.dispose();
  await alphaServer?.close();
  await betaServer?.close();
});

interface Case {
  name: string;
  query?: string;
  /** Word-prefix tests standing for the query, written without the catalog's analyzer. */
  text?: TextTest;
  filter?: Record<string, unknown>;
  sort?: { field: string; direction?: string };
  predicate: (record: CredentialRecord) => boolean;
}

const sector = (name: string) => (r: CredentialRecord) => r.sectors.includes(name as never);

/** Filter, text and sort combinations, each with its expected matches computed from the upstream data. */
const cases: Case[] = [
  { name: 'no filter, by name', sort: { field: 'NAME' }, predicate: () => true },
  {
    name: 'one sector, by name descending',
    filter: { sectors: ['HEALTHCARE'] },
    sort: { field: 'NAME', direction: 'DESC' },
    predicate: sector('HEALTHCARE'),
  },
  {
    name: 'sectors OR within, by cost',
    filter: { sectors: ['HEALTHCARE', 'ADVANCED_MANUFACTURING'] },
    sort: { field: 'COST' },
    predicate: (r) => sector('HEALTHCARE')(r) || sector('ADVANCED_MANUFACTURING')(r),
  },
  {
    name: 'credential type, by duration descending',
    filter: { credentialTypes: ['CERTIFICATION'] },
    sort: { field: 'DURATION', direction: 'DESC' },
    predicate: (r) => r.credentialType === 'CERTIFICATION',
  },
  {
    name: 'levels, newest first',
    filter: { levels: ['ADVANCED', 'INTRODUCTORY'] },
    sort: { field: 'UPDATED_AT', direction: 'DESC' },
    predicate: (r) => r.level === 'ADVANCED' || r.level === 'INTRODUCTORY',
  },
  { name: 'provider', filter: { providers: ['beta'] }, predicate: (r) => r.provider === 'beta' },
  {
    name: 'issuer, by cost descending',
    filter: { issuers: ['alpha:org:2'] },
    sort: { field: 'COST', direction: 'DESC' },
    predicate: (r) => r.issuer.id === 'alpha:org:2',
  },
  {
    name: 'skill by label',
    filter: { skills: ['network security'] },
    predicate: (r) => r.skills.some((s) => s.label === 'Network Security'),
  },
  {
    name: 'skill by label key, by duration',
    filter: { skills: ['label:icd-10'] },
    sort: { field: 'DURATION' },
    predicate: (r) => r.skills.some((s) => s.label === 'ICD-10'),
  },
  {
    name: 'max duration',
    filter: { maxDurationHours: 40 },
    sort: { field: 'DURATION' },
    predicate: (r) => hours(r) !== null && hours(r)! <= 40,
  },
  {
    name: 'max cost in USD by default, converted from other currencies',
    filter: { maxCost: 300 },
    sort: { field: 'COST' },
    predicate: (r) => costsAtMost(r, 300, 'USD', rates),
  },
  {
    name: 'max cost in EUR, cheapest first',
    filter: { maxCost: 500, currency: 'EUR' },
    sort: { field: 'COST' },
    predicate: (r) => costsAtMost(r, 500, 'EUR', rates),
  },
  {
    name: 'free, in any currency',
    filter: { maxCost: 0 },
    predicate: (r) => r.cost !== null && r.cost.amount === 0,
  },
  {
    name: 'delivery mode',
    filter: { deliveryModes: ['IN_PERSON'] },
    predicate: (r) => r.deliveryMode === 'IN_PERSON',
  },
  {
    name: 'language',
    filter: { languages: ['ES'] },
    sort: { field: 'NAME' },
    predicate: (r) => r.languages.includes('es'),
  },
  {
    name: 'updated since, oldest first',
    filter: { updatedSince: '2026-05-01T00:00:00Z' },
    sort: { field: 'UPDATED_AT' },
    predicate: (r) => r.updatedAt >= '2026-05-01T00:00:00.000Z',
  },
  {
    name: 'AND across fields',
    filter: { sectors: ['HEALTHCARE'], levels: ['INTERMEDIATE'], maxDurationHours: 80, providers: ['alpha'] },
    predicate: (r) =>
      sector('HEALTHCARE')(r) &&
      r.level === 'INTERMEDIATE' &&
      hours(r) !== null &&
      hours(r)! <= 80 &&
      r.provider === 'alpha',
  },
  { name: 'text, by relevance', query: 'security', text: [/\bsecur/i], predicate: () => true },
  {
    name: 'text in one sector, cheapest first',
    query: 'security',
    text: [/\bsecur/i],
    filter: { sectors: ['TECHNOLOGY'] },
    sort: { field: 'COST' },
    predicate: sector('TECHNOLOGY'),
  },
  { name: 'text prefix while typing', query: 'phleb', text: [/\bphleb/i], predicate: () => true },
  {
    name: 'two words, by relevance',
    query: 'cloud architecture',
    text: [/\bcloud\b/i, /\barchitect/i],
    predicate: () => true,
  },
  {
    name: 'text with level and duration, by duration',
    query: 'welding',
    text: [/\bweld/i],
    filter: { levels: ['INTERMEDIATE', 'ADVANCED'], maxDurationHours: 100 },
    sort: { field: 'DURATION' },
    predicate: (r) =>
      (r.level === 'INTERMEDIATE' || r.level === 'ADVANCED') && hours(r) !== null && hours(r)! <= 100,
  },
  {
    name: 'text with provider, oldest first',
    query: 'data',
    text: [/\bdata/i],
    filter: { providers: ['alpha'] },
    sort: { field: 'UPDATED_AT' },
    predicate: (r) => r.provider === 'alpha',
  },
  {
    name: 'text matching issuers, by relevance',
    query: 'issuer 2 of beta',
    text: [/\bissuer\b/i, /\b2\b/, /\bbeta/i],
    predicate: () => true,
  },
  {
    name: 'stop words and stemming: "coding for medicine"',
    query: 'medical coding for',
    text: [/\bmedic/i, /\bcod(e|ing)/i],
    predicate: () => true,
  },
];

const variablesOf = (testCase: Case) => ({
  query: testCase.query,
  filter: testCase.filter,
  sort: testCase.sort,
});

const expectedOf = (testCase: Case) =>
  expectedOrder(
    all().filter((r) => testCase.predicate(r) && (!testCase.text || matchesText(r, testCase.text))),
    testCase.sort,
    testCase.text ?? null,
    rates,
  );

describe.each(BACKENDS)('catalog search over harvested feeds (%s)', (backend) => {
  const url = () => catalogs[backend].url;

  it('harvests every record of every provider', async () => {
    const result = await graphql<{ credentials: { totalCount: number } }>(url(), SEARCH, { first: 0 });
    expect(result.data?.credentials.totalCount).toBe(all().length);
  });

  it.each(cases)(
    '$name: matches from the upstream data, in the documented order, each once',
    async (testCase) => {
      const expected = expectedOf(testCase);
      expect(expected.length, 'the case should match something').toBeGreaterThan(0);
      const { ids, totals } = await walk(url(), variablesOf(testCase), 7);
      expect(new Set(totals)).toEqual(new Set([expected.length]));
      expect(ids).toEqual(expected);
    },
  );

  it('ranks credentials with every word in the name above those with it elsewhere', async () => {
    const { ids } = await walk(url(), { query: 'security' }, 50);
    const byId = new Map(all().map((r) => [r.id, r]));
    const scores = ids.map((id) => relevance(byId.get(id)!, [/\bsecur/i]));
    expect(scores[0]).toBeGreaterThanOrEqual(4);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it.each([
    ['no filter', {}, () => true],
    [
      'technology security',
      { query: 'security', filter: { sectors: ['TECHNOLOGY'] } },
      (r: CredentialRecord) => r.sectors.includes('TECHNOLOGY') && matchesText(r, [/\bsecur/i]),
    ],
    [
      'costs in EUR for beta',
      { filter: { providers: ['beta'], currency: 'EUR' } },
      (r: CredentialRecord) => r.provider === 'beta',
    ],
  ] as const)(
    'facets for %s partition totalCount and match the upstream data',
    async (_name, variables, predicate) => {
      const result = await graphql<{
        credentials: {
          totalCount: number;
          facets: Record<string, Array<{ value: string; label: string | null; count: number }>>;
        };
      }>(
        url(),
        `query ($query: String, $filter: CredentialFilter) { credentials(query: $query, filter: $filter, first: 0) {
        totalCount facets { credentialTypes { value count } levels { value count } providers { value label count }
          deliveryModes { value count } sectors { value count } languages { value count } durations { value count }
          costs { value count } issuers(first: 100) { value label count } skills(first: 3) { value label count } } } }`,
        variables as Record<string, unknown>,
      );
      expect(result.errors).toBeUndefined();
      const { totalCount, facets } = result.data!.credentials;
      const matches = all().filter(predicate);
      expect(totalCount).toBe(matches.length);
      const sum = (list: Array<{ count: number }>) => list.reduce((total, facet) => total + facet.count, 0);
      for (const partition of [
        'credentialTypes',
        'levels',
        'providers',
        'deliveryModes',
        'durations',
        'costs',
        'issuers',
      ]) {
        expect(sum(facets[partition]!), partition).toBe(totalCount);
      }
      const countBy = (key: (r: CredentialRecord) => string) => {
        const counts: Record<string, number> = {};
        for (const record of matches) counts[key(record)] = (counts[key(record)] ?? 0) + 1;
        return counts;
      };
      const asObject = (list: Array<{ value: string; count: number }>) =>
        Object.fromEntries(list.filter((f) => f.count > 0).map((f) => [f.value, f.count]));
      expect(asObject(facets.levels!)).toEqual(countBy((r) => r.level ?? 'UNKNOWN'));
      expect(asObject(facets.providers!)).toEqual(countBy((r) => r.provider));
      expect(asObject(facets.credentialTypes!)).toEqual(countBy((r) => r.credentialType));
      for (const { value, count } of facets.sectors!) {
        expect(count).toBe(matches.filter((r) => r.sectors.includes(value as never)).length);
      }
      const currency = (variables as { filter?: { currency?: string } }).filter?.currency ?? 'USD';
      const inCurrency = (r: CredentialRecord) => {
        if (!r.cost) return null;
        if (r.cost.currency === currency || r.cost.amount === 0) return r.cost.amount;
        const base = baseCost(r, rates);
        return base === null ? null : base / rates.rate(currency)!;
      };
      const bucket = (r: CredentialRecord) => {
        if (!r.cost) return 'UNKNOWN';
        const amount = inCurrency(r);
        if (amount === null) return 'OTHER_CURRENCY';
        if (amount === 0) return 'FREE';
        if (amount < 100) return 'UNDER_100';
        if (amount < 500) return '100_TO_500';
        return amount < 1000 ? '500_TO_1000' : '1000_OR_MORE';
      };
      expect(asObject(facets.costs!)).toEqual(countBy(bucket));
      expect(facets.issuers!.every((f) => f.label?.startsWith('Issuer '))).toBe(true);
      expect(facets.skills!.length).toBeLessThanOrEqual(3);
      const topSkill = facets.skills![0]!;
      expect(topSkill.count).toBe(
        matches.filter((r) => r.skills.some((s) => s.label === topSkill.label)).length,
      );
    },
  );

  it('highlights matches in the name and a description excerpt, HTML-escaped', async () => {
    const result = await graphql<{
      credentials: {
        edges: Array<{
          node: { id: string; name: string };
          highlights: { name: string; description: string };
        }>;
      };
    }>(
      url(),
      '{ credentials(query: "secur", filter: { providers: ["beta"] }, first: 100) { edges { node { id name } highlights { name description } } } }',
    );
    expect(result.errors).toBeUndefined();
    const edge = result.data!.credentials.edges.find((e) => e.node.id === beta.records[10]!.id)!;
    expect(edge.highlights.name).toBe(
      '<mark>Security</mark> &lt;Basics&gt; &amp; &quot;Safety&quot; I (beta 10)',
    );
    const coding = result.data!.credentials.edges.find((e) => /Secure Coding/.test(e.node.name))!;
    expect(coding.highlights.name).toMatch(/^<mark>Secure<\/mark> Coding Practices/);
    expect(coding.highlights.description).toContain('<mark>security</mark>');
    const plain = await graphql<{ credentials: { edges: Array<{ highlights: unknown }> } }>(
      url(),
      '{ credentials(first: 1) { edges { highlights { name } } } }',
    );
    expect(plain.data!.credentials.edges[0]!.highlights).toBeNull();
  });

  it('treats query syntax as plain words', async () => {
    for (const query of ['security AND (NOT "', "o'reilly:* & !x", '{name}: x*', '-- ;']) {
      const result = await graphql(url(), SEARCH, { query });
      expect(result.errors, query).toBeUndefined();
    }
  });

  it('rejects a foreign cursor, a cursor from another sort and an oversized page with BAD_USER_INPUT', async () => {
    const first = await graphql<{ credentials: { pageInfo: { endCursor: string } } }>(url(), SEARCH, {
      first: 2,
    });
    const cursor = first.data!.credentials.pageInfo.endCursor;
    for (const variables of [
      { after: 'not-a-cursor' },
      { after: cursor, sort: { field: 'COST' } },
      { after: cursor, query: 'security' },
      { first: 101 },
      { filter: { maxCost: -1 } },
      { filter: { maxDurationHours: -1 } },
    ]) {
      const result = await graphql(url(), SEARCH, variables);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
  });

  it('resolves credentials, issuers, skills and providers with their harvest status', async () => {
    const result = await graphql<{
      credential: { name: string; issuer: { id: string; credentials: { totalCount: number } } };
      providers: Array<{
        id: string;
        name: string;
        harvest: { state: string; credentialCount: number; mode: string };
      }>;
    }>(
      url(),
      `{ credential(id: "beta:item:0003") { name issuer { id credentials { totalCount } } }
         providers { id name harvest { state credentialCount mode } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.credential.name).toBe(beta.records[3]!.name);
    expect(result.data!.credential.issuer.credentials.totalCount).toBe(
      beta.records.filter((r) => r.issuer.id === beta.records[3]!.issuer.id).length,
    );
    expect(result.data!.providers).toEqual([
      { id: 'alpha', name: 'Fixture alpha', harvest: { state: 'OK', credentialCount: 130, mode: 'FULL' } },
      { id: 'beta', name: 'Fixture beta', harvest: { state: 'OK', credentialCount: 57, mode: 'FULL' } },
    ]);
    const skill = await graphql<{ _entities: Array<{ credentials: { totalCount: number } }> }>(
      url(),
      '{ _entities(representations: [{ __typename: "Skill", id: "label:icd-10" }]) { ... on Skill { credentials { totalCount } } } }',
    );
    expect(skill.errors).toBeUndefined();
    expect(skill.data!._entities[0]!.credentials.totalCount).toBe(
      all().filter((r) => r.skills.some((s) => s.label === 'ICD-10')).length,
    );
  });
});

describe.each(BACKENDS)('the in-memory counts (%s)', (backend) => {
  const facets = [
    'credentialTypes',
    'levels',
    'providers',
    'deliveryModes',
    'issuers',
    'sectors',
    'languages',
    'skills',
    'durations',
    'costs',
  ] as const;
  it.each(cases)("$name: counts and facets equal the database's own", async (testCase) => {
    const store = catalogs[backend].store as SqlCatalogStore;
    const match = {
      text: parseTextQuery(testCase.query),
      filter: normalizeFilter(testCase.filter as CredentialFilter),
    };
    expect(await store.countMatches(match)).toBe(await store.countInSql(match));
    for (const facet of facets) {
      for (const currency of ['USD', 'GBP', 'XTS']) {
        const request = {
          match,
          facet,
          currency,
          limit: facet === 'skills' || facet === 'issuers' ? 5 : undefined,
        };
        const fromSql = (await store.facetInSql(request)).filter((count) => count.count > 0);
        const fromMemory = (await store.facet(request)).filter((count) => count.count > 0);
        expect(fromMemory, `${facet} in ${currency}`).toEqual(fromSql);
      }
    }
  });
});

describe('SQLite and PostgreSQL', () => {
  it.each(cases)('$name: serve identical pages and cursors', async (testCase) => {
    const [sqlite, postgres] = await Promise.all(
      BACKENDS.map((backend) =>
        graphql(catalogs[backend].url, SEARCH, { ...variablesOf(testCase), first: 100 }),
      ),
    );
    expect(sqlite!.errors).toBeUndefined();
    expect(postgres).toEqual(sqlite);
  });

  it('count facets identically', async () => {
    const query = `{ credentials(query: "data", filter: { currency: "GBP" }, first: 0) { totalCount facets {
      credentialTypes { value count } levels { value count } providers { value label count } deliveryModes { value count }
      sectors { value count } languages { value count } durations { value count } costs { value count }
      issuers(first: 5) { value label count } skills(first: 5) { value label count } } } }`;
    const [sqlite, postgres] = await Promise.all(
      BACKENDS.map((backend) => graphql(catalogs[backend].url, query)),
    );
    expect(sqlite!.errors).toBeUndefined();
    expect(postgres).toEqual(sqlite);
  });
});
