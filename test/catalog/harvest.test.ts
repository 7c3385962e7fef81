import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { ADMIN_TOKEN_HEADER } from '../../subgraphs/catalog/resolvers.js';
import { type RunningServer, UpstreamError } from '../../subgraphs/kit/index.js';
import { fixtureRecords } from '../fixtures/fixtureProvider.js';
import { graphql } from '../fixtures/http.js';
import { BACKENDS, type BackendLocation, backendLocation, postgresCounts } from './backends.js';
import { type ChangingUpstream, changingUpstream, feedUrlOf, startChangingProvider } from './fixtureFeed.js';

const REFRESH = /* GraphQL */ `
  mutation ($providers: [ID!], $full: Boolean) {
    refreshCatalog(providers: $providers, full: $full) { id harvest { state mode credentialCount lastFullAt } }
  }
`;

const TOKEN = 'test-admin-token';
const admin = { [ADMIN_TOKEN_HEADER]: TOKEN };

describe.each(BACKENDS)('harvesting (%s)', (backend) => {
  let upstream: ChangingUpstream;
  let server: RunningServer;
  let catalog: RunningCatalog;
  let location: BackendLocation;
  const log: string[] = [];

  /** A catalog replica over the backend's index, harvesting `delta` once before it answers. */
  const startReplica = (logLine: (line: string) => void) =>
    startCatalogSubgraph({
      config: {
        ...location.config,
        providers: [{ id: 'delta', feedUrl: feedUrlOf(server) }],
        harvestIntervalSeconds: 0,
        adminToken: TOKEN,
      },
      awaitFirstHarvest: true,
      log: logLine,
      progressIntervalMs: 0,
    });

  beforeAll(async () => {
    upstream = changingUpstream(fixtureRecords('delta', 60, 4));
    server = await startChangingProvider('delta', upstream);
    location = backendLocation(backend);
    catalog = await startReplica((line) => log.push(line));
  });

  afterAll(async () => {
    await catalog?.close();
    await location?.dispose();
    await server?.close();
  });

  const count = async () =>
    (
      await graphql<{ credentials: { totalCount: number } }>(
        catalog.url,
        '{ credentials(first: 0) { totalCount } }',
      )
    ).data!.credentials.totalCount;
  const nameOf = async (id: string, url = catalog.url) =>
    (await graphql<{ credential: { name: string } | null }>(url, `{ credential(id: "${id}") { name } }`))
      .data!.credential?.name ?? null;

  it('starts with a full harvest and reports its progress on the console', async () => {
    expect(await count()).toBe(60);
    expect(upstream.requests[0]).toBeNull();
    expect(
      log.some((line) =>
        /^harvesting delta \(full\): [\d,]+ records, [\d,]+ pages, [\d,]+ records\/s/.test(line),
      ),
    ).toBe(true);
    expect(log.some((line) => /^harvested delta \(full\): 60 credentials/.test(line))).toBe(true);
  });

  it('refreshCatalog needs the admin token header', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { [ADMIN_TOKEN_HEADER]: 'wrong' },
      { authorization: `Bearer ${TOKEN}` },
    ];
    for (const headers of attempts) {
      const result = await graphql(catalog.url, REFRESH, {}, headers);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(headers)).toBe('UNAUTHENTICATED');
    }
    const unknown = await graphql(catalog.url, REFRESH, { providers: ['nope'] }, admin);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('incrementally asks the feed only for changes since the last harvest, and a full one removes the rest', async () => {
    // Read first, so that the catalog holds the record it must not serve once the harvest has changed it.
    expect(await nameOf(upstream.records[0]!.id)).toBe(upstream.records[0]!.name);
    const changed = upstream.records.slice(0, 3).map((record) => ({
      ...record,
      name: `${record.name} (revised)`,
      updatedAt: '2026-12-01T00:00:00.000Z',
    }));
    const removed = upstream.records.slice(50).map((record) => record.id);
    upstream.records = [...changed, ...upstream.records.slice(3, 50)];
    const served = upstream.served;
    upstream.requests = [];

    const incremental = await graphql<{
      refreshCatalog: Array<{ id: string; harvest: Record<string, unknown> }>;
    }>(catalog.url, REFRESH, { providers: ['delta'] }, admin);
    expect(incremental.errors).toBeUndefined();
    expect(incremental.data!.refreshCatalog[0]).toMatchObject({
      id: 'delta',
      harvest: { state: 'OK', mode: 'INCREMENTAL', credentialCount: 60 },
    });
    expect(upstream.requests.length).toBeGreaterThan(0);
    expect(upstream.requests.every((since) => since !== null)).toBe(true);
    expect(upstream.served - served).toBeLessThan(10);
    expect(await nameOf(changed[0]!.id)).toMatch(/\(revised\)$/);
    // An incremental harvest cannot see removals.
    expect(await nameOf(removed[0]!)).not.toBeNull();

    const full = await graphql<{ refreshCatalog: Array<{ harvest: Record<string, unknown> }> }>(
      catalog.url,
      REFRESH,
      { full: true },
      admin,
    );
    expect(full.data!.refreshCatalog[0]!.harvest).toMatchObject({
      state: 'OK',
      mode: 'FULL',
      credentialCount: 50,
    });
    expect(await nameOf(removed[0]!)).toBeNull();
    expect(await count()).toBe(50);
    if (backend === 'postgres') {
      // Rewritten and removed credentials leave no words behind for text matching to read.
      const [words, credentials] = await postgresCounts(location, ['credential_words', 'credentials']);
      expect(words).toBe(credentials);
      expect(credentials).toBe(50);
    }
  });

  // Replicas share an index on PostgreSQL (an in-memory SQLite index is each one's own).
  if (backend === 'postgres') {
    it('serves from another replica what a harvest by this one changed', async () => {
      const replica = await startReplica(() => {});
      try {
        const [first, ...rest] = upstream.records;
        expect(await nameOf(first!.id, replica.url)).toBe(first!.name);
        upstream.records = [
          { ...first!, name: `${first!.name} (renamed)`, updatedAt: '2026-12-02T00:00:00.000Z' },
          ...rest,
        ];
        const refreshed = await graphql(catalog.url, REFRESH, { providers: ['delta'] }, admin);
        expect(refreshed.errors).toBeUndefined();
        expect(await nameOf(first!.id)).toBe(`${first!.name} (renamed)`);
        expect(await nameOf(first!.id, replica.url)).toBe(`${first!.name} (renamed)`);
      } finally {
        await replica.close();
      }
    });
  }

  it('keeps the index and reports the error when a harvest fails', async () => {
    upstream.failWith = new UpstreamError(
      'UPSTREAM_UNAUTHORIZED',
      'delta',
      'delta: the upstream refused our credentials',
      401,
    );
    try {
      const result = await graphql<{ refreshCatalog: Array<{ harvest: Record<string, unknown> }> }>(
        catalog.url,
        REFRESH,
        { full: true },
        admin,
      );
      expect(result.data!.refreshCatalog[0]!.harvest).toMatchObject({ state: 'FAILED', credentialCount: 50 });
      const status = await graphql<{
        providers: Array<{ harvest: { lastErrorCode: string; lastError: string } }>;
      }>(catalog.url, '{ providers { harvest { lastErrorCode lastError } } }');
      expect(status.data!.providers[0]!.harvest).toEqual({
        lastErrorCode: 'UPSTREAM_UNAUTHORIZED',
        lastError: 'delta: the upstream refused our credentials',
      });
      expect(await count()).toBe(50);
    } finally {
      upstream.failWith = undefined;
    }
  });

  it('POST /admin/harvest still harvests for bearers of the token', async () => {
    const url = catalog.url.replace('/graphql', '/admin/harvest');
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ providers: ['delta'], mode: 'INCREMENTAL' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { outcomes: Array<{ ok: boolean; mode: string }> };
    expect(body.outcomes).toMatchObject([{ ok: true, mode: 'INCREMENTAL' }]);
  });
});

describe('refreshCatalog without a configured admin token', () => {
  let catalog: RunningCatalog;
  beforeAll(async () => {
    catalog = await startCatalogSubgraph({
      config: { databasePath: ':memory:', providers: [], harvestIntervalSeconds: 0, adminToken: null },
    });
  });
  afterAll(async () => {
    await catalog?.close();
  });

  it('is refused to everyone', async () => {
    const result = await graphql(catalog.url, REFRESH, {}, admin);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a provider that cannot be reached', () => {
  it('is reported in plain words', async () => {
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
