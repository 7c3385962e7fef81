import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { type RunningServer, startProviderSubgraph } from '../../subgraphs/kit/index.js';
import { fixtureProvider, fixtureRecords } from '../fixtures/fixtureProvider.js';

/** The index version the gateway's caches poll: it moves when a harvest changes the index, and only then. */
const upstream = { records: fixtureRecords('versioned', 20) };
let feed: RunningServer;
let catalog: RunningCatalog;

beforeAll(async () => {
  feed = await startProviderSubgraph(fixtureProvider('versioned', upstream), { env: {} });
  catalog = await startCatalogSubgraph({
    config: {
      databasePath: ':memory:',
      providers: [{ id: 'versioned', feedUrl: feed.url.replace('/graphql', '/feed') }],
      harvestIntervalSeconds: 0,
      adminToken: null,
    },
    awaitFirstHarvest: true,
  });
});

afterAll(async () => {
  await catalog?.close();
  await feed?.close();
});

const version = async () =>
  ((await (await fetch(catalog.url.replace('/graphql', '/version'))).json()) as { version: number }).version;

const harvest = () =>
  fetch(catalog.url.replace('/graphql', '/admin/harvest'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'FULL' }),
  });

describe('GET /version', () => {
  it('stays put when a harvest changes nothing and moves when it changes the index', async () => {
    const first = await version();
    expect(Number.isInteger(first)).toBe(true);
    await harvest();
    expect(await version()).toBe(first);
    upstream.records = upstream.records.map((record, i) =>
      i === 3 ? { ...record, name: `${record.name} (new)` } : record,
    );
    await harvest();
    expect(await version()).not.toBe(first);
  });
});
