import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, type RunningServer, startProviderSubgraph } from '../../subgraphs/kit/index.js';
import { fixtureProvider, fixtureRecords } from '../fixtures/fixtureProvider.js';
import { graphql } from '../fixtures/http.js';
import { freePort } from '../gateway/helpers.js';

/**
 * The catalog killed outright (SIGKILL) in the middle of a harvest loses nothing and corrupts nothing: after a
 * restart the index passes SQLite's integrity check and still holds every credential of the last complete harvest.
 */
const dir = mkdtempSync(join(tmpdir(), 'credgraph-crash-'));
const databasePath = join(dir, 'catalog.sqlite');
const upstream = { records: fixtureRecords('crashy', 3_000) };
let feed: RunningServer;
let slowFrom = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  const provider = fixtureProvider('crashy', upstream);
  const pageOf = provider.feedPage.bind(provider);
  // Pages after `slowFrom` records crawl, so that a harvest is surely under way when the process is killed.
  provider.feedPage = async (client, request) => {
    const page = await pageOf(client, request);
    if (page.items.some((item) => Number(item.provenance.upstreamId) >= slowFrom)) {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return page;
  };
  feed = await startProviderSubgraph(provider, { env: {} });
});

afterAll(async () => {
  await feed?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startCatalog(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/subgraphs/catalog/main.js')], {
    env: {
      ...process.env,
      CATALOG_PORT: String(port),
      CATALOG_DATABASE_PATH: databasePath,
      CATALOG_PROVIDERS: `crashy=${feed.url.replace('/graphql', '/feed')}`,
      CATALOG_SKILLS_URL: 'http://127.0.0.1:9/normalize',
      CATALOG_HARVEST_INTERVAL_S: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`catalog exited with ${code}`)));
  });
  return child;
}

const count = async (port: number) =>
  (
    await graphql<{ credentials: { totalCount: number } }>(
      `http://127.0.0.1:${port}/graphql`,
      '{ credentials(first: 0) { totalCount } }',
    )
  ).data?.credentials.totalCount;

const harvestState = async (port: number) =>
  (
    await graphql<{ providers: Array<{ harvest: { state: string } }> }>(
      `http://127.0.0.1:${port}/graphql`,
      '{ providers { harvest { state } } }',
    )
  ).data?.providers[0]?.harvest.state;

describe('a catalog killed mid-harvest', () => {
  it('restarts with an intact index holding the last complete harvest, then harvests again', async () => {
    const port = await freePort();
    let catalog = await startCatalog(port);
    await expect.poll(() => harvestState(port), { timeout: 20_000 }).toBe('OK');
    expect(await count(port)).toBe(3_000);
    const firstIds = new Set(upstream.records.map((record) => record.id));

    // A new harvest rewrites every record and drops 500; the process is killed while it walks the feed.
    upstream.records = fixtureRecords('crashy', 2_500).map((record) => ({
      ...record,
      name: `${record.name} v2`,
    }));
    slowFrom = 0;
    void fetch(`http://127.0.0.1:${port}/admin/harvest`, { method: 'POST' }).catch(() => {});
    await expect.poll(() => harvestState(port), { timeout: 10_000 }).toBe('RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const exited = new Promise((resolve) => catalog.once('exit', resolve));
    catalog.kill('SIGKILL');
    await exited;

    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    slowFrom = Number.POSITIVE_INFINITY;
    catalog = await startCatalog(port);
    try {
      // Every credential of the last complete harvest is still there, whatever the killed one had written.
      const ids = new Set<string>();
      let after: string | null = null;
      do {
        const page: {
          data?: {
            credentials: {
              edges: Array<{ node: { id: string } }>;
              pageInfo: { endCursor: string | null; hasNextPage: boolean };
            };
          };
        } = await graphql(
          `http://127.0.0.1:${port}/graphql`,
          'query ($after: String) { credentials(first: 100, after: $after) { edges { node { id } } pageInfo { endCursor hasNextPage } } }',
          { after },
        );
        for (const edge of page.data!.credentials.edges) ids.add(edge.node.id);
        after = page.data!.credentials.pageInfo.hasNextPage
          ? page.data!.credentials.pageInfo.endCursor
          : null;
      } while (after);
      for (const id of firstIds) expect(ids.has(id), id).toBe(true);
      // A full harvest after the restart converges on the upstream as it now is (removals included).
      const full = await fetch(`http://127.0.0.1:${port}/admin/harvest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'FULL' }),
      });
      const outcome = await full.json();
      expect(full.status, JSON.stringify(outcome)).toBe(200);
      expect(await count(port), JSON.stringify(outcome)).toBe(2_500);
    } finally {
      catalog.kill('SIGTERM');
    }
  }, 60_000);
});
