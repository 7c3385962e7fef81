import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraphConfig, type RunningGateway, startGateway } from '../../gateway/index.js';
import type { CredentialRecord } from '../../schema/index.js';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { defineProvider, type RunningServer, startProviderSubgraph } from '../../subgraphs/kit/index.js';
import { fixtureRecords } from '../fixtures/fixtureProvider.js';
import { post } from './fixtures.js';

/**
 * A harvest that changes a credential must not leave it stale in any gateway cache, even well inside the TTL
 * the subgraphs gave (60 s): the catalog's version moves, and every key with it. Against the real catalog and
 * a provider whose upstream (and live details) the test rewrites.
 */

interface Upstream {
  records: CredentialRecord[];
  /** What the provider's live field answers, by upstream id. */
  details: Map<string, string>;
}

const upstream: Upstream = { records: fixtureRecords('delta', 6, 2), details: new Map() };

const deltaProvider = defineProvider({
  info: { id: 'delta', name: 'Delta', kind: 'OTHER', url: null },
  readConfig: () => ({}),
  createClient: () => ({ close: async () => {} }),
  async feedPage() {
    return { items: upstream.records, nextCursor: null };
  },
  async loadDetails(_client, refs) {
    return refs.map((ref) => ({ status: upstream.details.get(ref.upstreamId) ?? 'open' }));
  },
  details: { typeName: 'DeltaDetails', typeDefs: 'type DeltaDetails { status: String! }' },
});

let provider: RunningServer;
let catalog: RunningCatalog;
let gateway: RunningGateway;
const id = upstream.records[0]!.id;
const upstreamId = id.split(':').slice(2).join(':');
const QUERY = `query($id: ID!) { credential(id: $id) { id name delta { status } } }`;

type Answer = { credential: { id: string; name: string; delta: { status: string } | null } };

beforeAll(async () => {
  provider = await startProviderSubgraph(deltaProvider, { env: {} });
  catalog = await startCatalogSubgraph({
    config: {
      databasePath: ':memory:',
      providers: [{ id: 'delta', feedUrl: provider.url.replace('/graphql', '/feed') }],
      harvestIntervalSeconds: 0,
      adminToken: 'catalog-secret',
    },
    awaitFirstHarvest: true,
  });
  const supergraphSdl = await composeSupergraphConfig({
    subgraphs: [
      { name: 'catalog', routingUrl: catalog.url, schema: { subgraphUrl: catalog.url } },
      { name: 'delta', routingUrl: provider.url, schema: { subgraphUrl: provider.url } },
    ],
  });
  gateway = await startGateway({
    supergraphSdl,
    port: 0,
    rateLimit: false,
    logLevel: 'silent',
    cache: { versionPollMs: 50 },
  });
});

afterAll(async () => {
  await gateway?.close();
  await catalog?.close();
  await provider?.close();
});

/** Harvests, then waits for the gateway to have read the catalog's version twice (its poll is 50 ms). */
async function harvestAndSettle(): Promise<void> {
  const [outcome] = await catalog.harvester.harvest(['delta'], 'FULL');
  expect(outcome?.ok).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

describe('after a harvest changes a credential', () => {
  it('no cached answer or entity from before it is served', async () => {
    const before = await post<Answer>(gateway.url, { query: QUERY, variables: { id } });
    expect(before.body.data?.credential).toMatchObject({
      name: upstream.records[0]!.name,
      delta: { status: 'open' },
    });
    const cached = await post<Answer>(gateway.url, { query: QUERY, variables: { id } });
    expect(cached.headers.get('x-credgraph-cache')).toBe('hit');

    upstream.records = upstream.records.map((record, index) =>
      index === 0
        ? { ...record, name: 'Renamed in the upstream', updatedAt: new Date().toISOString() }
        : record,
    );
    upstream.details.set(upstreamId, 'closed');
    await harvestAndSettle();

    const after = await post<Answer>(gateway.url, { query: QUERY, variables: { id } });
    expect(after.headers.get('x-credgraph-cache')).toBe('miss');
    expect(after.body.data?.credential).toMatchObject({
      name: 'Renamed in the upstream',
      // The provider's live field came from the entity cache before; it is asked again too.
      delta: { status: 'closed' },
    });
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).toMatch(/^credgraph_gateway_cache_invalidations_total [1-9]/m);
  });

  it('a mutation through the gateway is followed at once by fresh answers', async () => {
    const first = await post<Answer>(gateway.url, { query: QUERY, variables: { id } });
    expect(first.body.data?.credential.name).toBe('Renamed in the upstream');
    upstream.records = upstream.records.map((record, index) =>
      index === 0 ? { ...record, name: 'Renamed again', updatedAt: new Date().toISOString() } : record,
    );
    // refreshCatalog harvests and answers when done; the gateway reads the new version before answering it.
    const refreshed = await post(
      gateway.url,
      { query: 'mutation { refreshCatalog(providers: ["delta"], full: true) { id } }' },
      { 'x-credgraph-admin-token': 'catalog-secret' },
    );
    expect(refreshed.body.errors).toBeUndefined();
    const after = await post<Answer>(gateway.url, { query: QUERY, variables: { id } });
    expect(after.body.data?.credential.name).toBe('Renamed again');
  });
});
