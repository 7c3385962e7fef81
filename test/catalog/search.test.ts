import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialRecord, durationToHours } from '../../schema/index.js';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { type RunningServer, startProviderSubgraph, UpstreamError } from '../../subgraphs/kit/index.js';
import { type FixtureUpstream, fixtureProvider, fixtureRecords } from '../fixtures/fixtureProvider.js';
import { type GraphQLResult, graphql } from '../fixtures/http.js';

const alpha: FixtureUpstream = { records: fixtureRecords('alpha', 130) };
const beta: FixtureUpstream = { records: fixtureRecords('beta', 57, 3) };
const all = () => [...alpha.records, ...beta.records];

let alphaServer: RunningServer;
let betaServer: RunningServer;
let catalog: RunningCatalog;

beforeAll(async () => {
  alphaServer = await startProviderSubgraph(fixtureProvider('alpha', alpha), { env: {} });
  betaServer = await startProviderSubgraph(fixtureProvider('beta', beta), { env: {} });
  catalog = await startCatalogSubgraph({
    config: {
      databasePath: ':memory:',
      providers: [
        { id: 'alpha', feedUrl: alphaServer.url.replace('/graphql', '/feed') },
        { id: 'beta', feedUrl: betaServer.url.replace('/graphql', '/feed') },
      ],
      harvestIntervalSeconds: 0,
      adminToken: 'test-admin-token',
    },
    awaitFirstHarvest: true,
  });
});

afterAll(async () => {
  await catalog?.close();
  await alphaServer?.close();
  await betaServer?.close();
});

const SEARCH = /* GraphQL */ `
  query Search($query: String, $filter: CredentialFilter, $sort: CredentialSort, $first: Int, $after: String) {
    credentials(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges { cursor node { id name estimatedHours cost { amount currency } updatedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface Page {
  credentials: {
    totalCount: number;
    edges: Array<{ cursor: string; node: { id: string; name: string; estimatedHours: number | null } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Walks every page and returns the ids in the order served, plus the totalCount each page reported. */
async function walk(variables: Record<string, unknown>, pageSize = 13) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const result: GraphQLResult<Page> = await graphql<Page>(catalog.url, SEARCH, {
      ...variables,
      first: pageSize,
      after,
    });
    expect(result.errors).toBeUndefined();
    const connection: Page['credentials'] = result.data!.credentials;
    totals.add(connection.totalCount);
    ids.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { ids, totals: [...totals] };
}

const hours = (record: CredentialRecord) =>
  record.estimatedDuration ? durationToHours(record.estimatedDuration) : null;

/** Filter cases, each with the predicate computed from the upstream data rather than from the catalog. */
const cases: Array<[string, Record<string, unknown>, (record: CredentialRecord) => boolean]> = [
  ['no filter', {}, () => true],
  ['one sector', { sectors: ['HEALTHCARE'] }, (r) => r.sectors.includes('HEALTHCARE')],
  [
    'sectors OR within',
    { sectors: ['HEALTHCARE', 'ADVANCED_MANUFACTURING'] },
    (r) => r.sectors.includes('HEALTHCARE') || r.sectors.includes('ADVANCED_MANUFACTURING'),
  ],
  ['credential type', { credentialTypes: ['CERTIFICATION'] }, (r) => r.credentialType === 'CERTIFICATION'],
  [
    'levels',
    { levels: ['ADVANCED', 'INTRODUCTORY'] },
    (r) => r.level === 'ADVANCED' || r.level === 'INTRODUCTORY',
  ],
  ['provider', { providers: ['beta'] }, (r) => r.provider === 'beta'],
  ['issuer', { issuers: ['alpha:org:2'] }, (r) => r.issuer.id === 'alpha:org:2'],
  [
    'skill by label',
    { skills: ['network security'] },
    (r) => r.skills.some((s) => s.label === 'Network Security'),
  ],
  ['skill by label key', { skills: ['label:icd-10'] }, (r) => r.skills.some((s) => s.label === 'ICD-10')],
  ['max duration', { maxDurationHours: 40 }, (r) => hours(r) !== null && hours(r)! <= 40],
  [
    'max cost in USD by default',
    { maxCost: 300 },
    (r) => r.cost !== null && r.cost.currency === 'USD' && r.cost.amount <= 300,
  ],
  [
    'max cost in EUR',
    { maxCost: 500, currency: 'EUR' },
    (r) => r.cost !== null && r.cost.currency === 'EUR' && r.cost.amount <= 500,
  ],
  ['free', { maxCost: 0 }, (r) => r.cost !== null && r.cost.currency === 'USD' && r.cost.amount === 0],
  ['delivery mode', { deliveryModes: ['IN_PERSON'] }, (r) => r.deliveryMode === 'IN_PERSON'],
  ['language', { languages: ['ES'] }, (r) => r.languages.includes('es')],
  [
    'updated since',
    { updatedSince: '2026-05-01T00:00:00Z' },
    (r) => r.updatedAt >= '2026-05-01T00:00:00.000Z',
  ],
  [
    'AND across fields',
    { sectors: ['TECHNOLOGY'], levels: ['INTERMEDIATE'], maxDurationHours: 80, providers: ['alpha'] },
    (r) =>
      r.sectors.includes('TECHNOLOGY') &&
      r.level === 'INTERMEDIATE' &&
      hours(r) !== null &&
      hours(r)! <= 80 &&
      r.provider === 'alpha',
  ],
];

describe('catalog search over harvested feeds', () => {
  it('harvests every record of every provider', async () => {
    const result = await graphql<Page>(catalog.url, SEARCH, { first: 0 });
    expect(result.data?.credentials.totalCount).toBe(all().length);
  });

  it.each(cases)('filter: %s — each match exactly once across pages', async (_name, filter, predicate) => {
    const expected = all()
      .filter(predicate)
      .map((r) => r.id)
      .sort();
    const { ids, totals } = await walk({ filter });
    expect(totals).toEqual([expected.length]);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(expected);
  });

  it.each([
    ['no filter', {}, () => true],
    [
      'technology security',
      { query: 'security', filter: { sectors: ['TECHNOLOGY'] } },
      (r: CredentialRecord) =>
        r.sectors.includes('TECHNOLOGY') &&
        /\bsecur/i.test(`${r.name} ${r.description} ${r.skills.map((s) => s.label).join(' ')}`),
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
        catalog.url,
        `query ($query: String, $filter: CredentialFilter) { credentials(query: $query, filter: $filter, first: 0) {
        totalCount facets { credentialTypes { value count } levels { value count } providers { value label count }
          deliveryModes { value count } sectors { value count } durations { value count } costs { value count }
          issuers(first: 100) { value label count } skills(first: 3) { value label count } } } }`,
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
      expect(Object.fromEntries(facets.levels!.map((f) => [f.value, f.count]))).toEqual(
        countBy((r) => r.level ?? 'UNKNOWN'),
      );
      expect(Object.fromEntries(facets.providers!.map((f) => [f.value, f.count]))).toEqual(
        countBy((r) => r.provider),
      );
      const sectorCounts = facets.sectors!.map((f) => [f.value, f.count]);
      for (const [sector, count] of sectorCounts) {
        expect(count).toBe(matches.filter((r) => r.sectors.includes(sector as never)).length);
      }
      const free = facets.costs!.find((f) => f.value === 'FREE')!.count;
      expect(free).toBe(matches.filter((r) => r.cost?.currency === 'USD' && r.cost.amount === 0).length);
      expect(facets.issuers!.every((f) => f.label?.startsWith('Issuer '))).toBe(true);
      expect(facets.skills!.length).toBeLessThanOrEqual(3);
      const topSkill = facets.skills![0]!;
      expect(topSkill.count).toBe(
        matches.filter((r) => r.skills.some((s) => s.label === topSkill.label)).length,
      );
    },
  );

  it('orders by name, then id, with exact cursors', async () => {
    const { ids } = await walk({ sort: { field: 'NAME' } }, 17);
    const expected = [...all()]
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.id < b.id ? -1 : 1))
      .map((r) => r.id);
    // SQLite compares names bytewise; the fixture names are ASCII, where that equals localeCompare on lower case.
    expect(ids).toEqual(expected);
  });

  it('orders by cost descending with unpriced credentials last', async () => {
    const { ids } = await walk({ sort: { field: 'COST', direction: 'DESC' } }, 11);
    const byId = new Map(all().map((r) => [r.id, r]));
    const costs = ids.map((id) => byId.get(id)!.cost?.amount ?? null);
    const priced = costs.filter((c) => c !== null) as number[];
    expect(costs.slice(0, priced.length)).toEqual(priced);
    expect(priced).toEqual([...priced].sort((a, b) => b - a));
    expect(costs.slice(priced.length).every((c) => c === null)).toBe(true);
  });

  it('matches free text by word and prefix, ranked, from both providers', async () => {
    const expected = all()
      .filter((r) => /\bsecur/i.test(`${r.name} ${r.description} ${r.skills.map((s) => s.label).join(' ')}`))
      .map((r) => r.id)
      .sort();
    const { ids } = await walk({ query: 'security' });
    expect([...ids].sort()).toEqual(expected);
    expect(new Set(ids.map((id) => id.split(':')[0]))).toEqual(new Set(['alpha', 'beta']));
    const prefix = await walk({ query: 'phleb' });
    expect(prefix.ids.length).toBe(all().filter((r) => r.name.includes('Phlebotomy')).length);
  });

  it('treats query syntax as plain words', async () => {
    const result = await graphql<Page>(catalog.url, SEARCH, { query: 'security AND (NOT "' });
    expect(result.errors).toBeUndefined();
  });

  it('rejects a foreign cursor, a cursor from another sort and an oversized page with BAD_USER_INPUT', async () => {
    const first = await graphql<Page>(catalog.url, SEARCH, { first: 2 });
    const cursor = first.data!.credentials.pageInfo.endCursor;
    for (const variables of [
      { after: 'not-a-cursor' },
      { after: cursor, sort: { field: 'COST' } },
      { first: 101 },
      { filter: { maxCost: -1 } },
    ]) {
      const result = await graphql(catalog.url, SEARCH, variables);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('resolves credentials, issuers and providers with their harvest status', async () => {
    const result = await graphql<{
      credential: { name: string; issuer: { id: string; credentials: { totalCount: number } } };
      providers: Array<{ id: string; name: string; harvest: { state: string; credentialCount: number } }>;
    }>(
      catalog.url,
      `{ credential(id: "beta:item:0003") { name issuer { id credentials { totalCount } } }
         providers { id name harvest { state credentialCount } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.credential.name).toBe(beta.records[3]!.name);
    expect(result.data!.credential.issuer.credentials.totalCount).toBe(
      beta.records.filter((r) => r.issuer.id === beta.records[3]!.issuer.id).length,
    );
    expect(result.data!.providers).toEqual([
      { id: 'alpha', name: 'Fixture alpha', harvest: { state: 'OK', credentialCount: 130 } },
      { id: 'beta', name: 'Fixture beta', harvest: { state: 'OK', credentialCount: 57 } },
    ]);
  });
});

describe('harvesting on demand', () => {
  it('removes credentials a provider no longer lists, and keeps the index when a harvest fails', async () => {
    const admin = catalog.url.replace('/graphql', '/admin/harvest');
    const unauthorized = await fetch(admin, { method: 'POST', headers: { authorization: 'Bearer wrong' } });
    expect(unauthorized.status).toBe(401);

    const removedIds = beta.records.slice(50).map((r) => r.id);
    beta.records = beta.records.slice(0, 50);
    const refreshed = await fetch(admin, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ providers: ['beta'] }),
    });
    expect(refreshed.status).toBe(200);
    const gone = await graphql<{ credential: unknown }>(
      catalog.url,
      `{ credential(id: "${removedIds[0]}") { id } }`,
    );
    expect(gone.data?.credential).toBeNull();

    beta.failWith = new UpstreamError(
      'UPSTREAM_UNAUTHORIZED',
      'beta',
      'beta: the upstream refused our credentials',
      401,
    );
    await fetch(admin, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token' },
      body: JSON.stringify({ providers: ['beta'] }),
    });
    const status = await graphql<{
      providers: Array<{
        id: string;
        harvest: { state: string; lastErrorCode: string; lastError: string; credentialCount: number };
      }>;
    }>(catalog.url, '{ providers { id harvest { state lastErrorCode lastError credentialCount } } }');
    const betaStatus = status.data!.providers.find((p) => p.id === 'beta')!;
    expect(betaStatus.harvest).toEqual({
      state: 'FAILED',
      lastErrorCode: 'UPSTREAM_UNAUTHORIZED',
      lastError: 'beta: the upstream refused our credentials',
      credentialCount: 50,
    });
    beta.failWith = undefined;
  });

  it('reports an unreachable feed in plain words', async () => {
    const lonely = await startCatalogSubgraph({
      config: {
        databasePath: ':memory:',
        providers: [{ id: 'ghost', feedUrl: 'http://127.0.0.1:9/feed' }],
        harvestIntervalSeconds: 0,
        adminToken: null,
      },
      awaitFirstHarvest: true,
    });
    try {
      const result = await graphql<{ providers: Array<{ harvest: { state: string; lastError: string } }> }>(
        lonely.url,
        '{ providers { harvest { state lastError } } }',
      );
      expect(result.data!.providers[0]!.harvest.state).toBe('FAILED');
      expect(result.data!.providers[0]!.harvest.lastError).toMatch(/ghost: cannot reach its feed/);
    } finally {
      await lonely.close();
    }
  });
});
