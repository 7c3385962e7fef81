import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../schema/index.js';
import { syntheticCatalog } from '../../subgraphs/catalog/bench/generate.js';
import { parseCurrencyRates } from '../../subgraphs/catalog/currency.js';
import { openCatalogStore } from '../../subgraphs/catalog/openStore.js';
import { type CredentialFilter, normalizeFilter } from '../../subgraphs/catalog/search.js';
import type { SqlCatalogStore } from '../../subgraphs/catalog/sqlStore.js';
import type { PageRequest, SortDirection, SortField, SortKeys } from '../../subgraphs/catalog/store.js';
import { parseTextQuery } from '../../subgraphs/catalog/text.js';
import { fixtureRecords } from '../fixtures/fixtureProvider.js';
import { BACKENDS, type BackendLocation, backendLocation } from './backends.js';

/**
 * Pages are picked in memory (memoryPage.ts); the keyset SQL of searchSql.pageSql is the reference they must equal,
 * row for row and key for key, at every cursor — also while writes rewrite, add and remove credentials between
 * pages (and SQLite hands the rowids of removed credentials to new ones). Counts, from the memory index's
 * bitsets, postings and sort orders, must equal the SQL's count all along too.
 */
const rates = parseCurrencyRates(null);

const base = fixtureRecords('delta', 150, 6).map((record, i) => ({
  ...record,
  // Names that tie, so that order falls to the id; and a name beyond the Basic Multilingual Plane, whose UTF-8
  // order differs from JavaScript's UTF-16 order.
  name: i % 10 === 3 ? 'Shared Name' : i === 7 ? 'Zz 𝒜 astral' : i === 8 ? 'Zz ｶ halfwidth' : record.name,
}));
const churn = fixtureRecords('delta', 190, 6)
  .slice(150)
  .map((record) => ({ ...record, name: `${record.name} (churn)` }));
const round = (n: number): CredentialRecord[] => [
  ...base.map((record) => ({ ...record, description: `${record.description} Revision ${n}.` })),
  ...(n % 2 === 1 ? churn : []),
];

interface Case {
  name: string;
  query?: string;
  filter?: CredentialFilter;
  sort: { field: SortField; direction: SortDirection };
}

const sorts: Array<Case['sort']> = (['RELEVANCE', 'NAME', 'COST', 'DURATION', 'UPDATED_AT'] as const).flatMap<
  Case['sort']
>((field) =>
  field === 'RELEVANCE'
    ? [{ field, direction: 'ASC' as const }]
    : (['ASC', 'DESC'] as const).map((direction) => ({ field, direction })),
);
const matches: Array<Omit<Case, 'sort'>> = [
  { name: 'everything' },
  { name: 'a filter', filter: { sectors: ['HEALTHCARE'], maxCost: 600 } },
  { name: 'types and sectors', filter: { credentialTypes: ['BADGE', 'COURSE'], sectors: ['TECHNOLOGY'] } },
  { name: 'issuers and a level', filter: { issuers: ['delta:org:1', 'delta:org:4'], levels: ['ADVANCED'] } },
  { name: 'a skill and a language', filter: { skills: ['Firewalls', 'AWS'], languages: ['en'] } },
  { name: 'ranges', filter: { maxDurationHours: 60, updatedSince: '2026-02-01T00:00:00Z', maxCost: 400 } },
  {
    name: 'a price in euros',
    filter: { maxCost: 300, currency: 'EUR', deliveryModes: ['ONLINE', 'BLENDED'] },
  },
  { name: 'a text query', query: 'security' },
  { name: 'two words, one typed in part', query: 'cloud archit' },
  { name: 'text matching issuers', query: 'issuer 2 of delta' },
  { name: 'text and a filter', query: 'network', filter: { levels: ['ADVANCED', 'INTRODUCTORY'] } },
];
const cases: Case[] = matches.flatMap((match) =>
  sorts.map((sort) => ({ ...match, name: `${match.name}, ${sort.field} ${sort.direction}`, sort })),
);

describe.each(BACKENDS)('pages picked in memory (%s)', (backend) => {
  let location: BackendLocation;
  let store: SqlCatalogStore;

  beforeAll(async () => {
    location = backendLocation(backend);
    store = (await openCatalogStore(location.config, rates)) as SqlCatalogStore;
  });

  afterAll(async () => {
    await store?.close();
    await location?.dispose();
  });

  it.each(cases)('$name: equal the SQL at every cursor while writes land', async (testCase) => {
    await store.writeCredentials(round(0));
    const match = { text: parseTextQuery(testCase.query), filter: normalizeFilter(testCase.filter) };
    let after: SortKeys | null = null;
    let pages = 0;
    for (let n = 1; ; n++) {
      const request: PageRequest = { match, sort: testCase.sort, after, limit: 6 };
      const fromMemory = await store.searchPage(request);
      expect(fromMemory).toEqual(await store.pageInSql(request));
      expect(await store.countMatches(match)).toBe(await store.countInSql(match));
      pages += 1;
      if (fromMemory.length < 6) break;
      after = fromMemory[4]!.keys;
      // Every other page: rewrite everything and add the churn, or take the churn away.
      if (n % 2 === 1) await store.writeCredentials(round(n));
      else await store.removeCredentials(churn.map((record) => record.id));
    }
    expect(pages).toBeGreaterThan(1);
  });

  it('starts from cursors that point between, before and after every credential', async () => {
    await store.writeCredentials(round(0));
    const match = { text: parseTextQuery('security'), filter: normalizeFilter({}) };
    const cursors: SortKeys[] = [
      [0, '', ''],
      [2, 'network security', 'delta:item:0050'],
      [4, 'shared name', 'delta:item:0000'],
      [7, '\uffff', '\uffff'],
    ];
    // A typed word that begins no term matches nothing.
    const nothing = { text: parseTextQuery('network zzqx'), filter: normalizeFilter({}) };
    expect(await store.countMatches(nothing)).toBe(0);
    expect(await store.countInSql(nothing)).toBe(0);
    for (const after of cursors) {
      const request: PageRequest = {
        match,
        sort: { field: 'RELEVANCE', direction: 'ASC' },
        after,
        limit: 10,
      };
      expect(await store.searchPage(request)).toEqual(await store.pageInSql(request));
    }
    for (const direction of ['ASC', 'DESC'] as const) {
      for (const after of [
        [-1, ''],
        [250.5, 'delta:item:0100'],
        [1e308, 'delta:item:0004'],
        [-1e308, 'delta:item:0004'],
      ] as SortKeys[]) {
        const request: PageRequest = {
          match: { text: null, filter: normalizeFilter({}) },
          sort: { field: 'COST', direction },
          after,
          limit: 10,
        };
        expect(await store.searchPage(request)).toEqual(await store.pageInSql(request));
      }
    }
  });
});

describe.each(BACKENDS)('pages by relevance over a larger catalog (%s)', (backend) => {
  let location: BackendLocation;
  let store: SqlCatalogStore;

  beforeAll(async () => {
    location = backendLocation(backend);
    store = (await openCatalogStore(location.config, rates)) as SqlCatalogStore;
    for (const batch of syntheticCatalog(7, 3000, 1000)) await store.writeCredentials(batch);
  });

  afterAll(async () => {
    await store?.close();
    await location?.dispose();
  });

  // Matches many (the page is picked walking name order, stopping early) and few (every match is scored).
  it.each([
    'security',
    'python',
    'data analytics',
    'cloud secu',
    'welding inspection',
    'issuer',
    'data',
    'management',
    'nursing',
    'care',
    'safety',
    'learning',
    'analyst',
    'essentials',
    'professional',
    'college',
    'institute',
  ])('"%s": every page equals the SQL', async (query) => {
    for (const filter of [{}, { levels: ['ADVANCED', 'INTERMEDIATE'] }]) {
      const match = { text: parseTextQuery(query), filter: normalizeFilter(filter) };
      let after: SortKeys | null = null;
      for (let page = 0; page < 100; page++) {
        const request: PageRequest = {
          match,
          sort: { field: 'RELEVANCE', direction: 'ASC' },
          after,
          limit: 20,
        };
        const fromMemory = await store.searchPage(request);
        expect(fromMemory).toEqual(await store.pageInSql(request));
        if (fromMemory.length < 20) break;
        after = fromMemory.at(-1)!.keys;
      }
    }
  });
});
