import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../gateway/cache/redisStore.js';
import { ITEMS, post, type RunningFixtures, startFixtures } from './fixtures.js';

/**
 * Two gateway processes (the built `credgraph gateway` command) sharing the real Redis (REDIS_URL, default
 * 127.0.0.1:6379; `.ci/run` starts one): an answer, an entity or a persisted query stored through one is served
 * by the other. Every key this run writes carries a prefix of its own, and is deleted at the end.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `credgraph-test-${randomUUID()}`;
const BIN = resolve(import.meta.dirname, '../../dist/cli/credgraph.js');

let fixtures: RunningFixtures;
let dir: string;
const gateways: Array<{ child: ChildProcess; url: string }> = [];

function spawnGateway(supergraphPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'gateway', '--supergraph', supergraphPath, '--port', '0'], {
    env: {
      ...process.env,
      APOLLO_TELEMETRY_DISABLED: 'true',
      REDIS_URL,
      CREDGRAPH_CACHE_KEY_PREFIX: PREFIX,
      CREDGRAPH_RATE_LIMIT: '0',
      CREDGRAPH_LOG_LEVEL: 'warn',
      CREDGRAPH_RELOAD_INTERVAL_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    let errors = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(output);
      if (match) resolvePromise({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`the gateway exited (${code}) before it was ready: ${errors}`)),
    );
  });
}

beforeAll(async () => {
  fixtures = await startFixtures();
  dir = mkdtempSync(join(tmpdir(), 'credgraph-redis-test-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, fixtures.supergraphSdl);
  gateways.push(await spawnGateway(supergraphPath), await spawnGateway(supergraphPath));
});

afterAll(async () => {
  for (const { child } of gateways) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  await fixtures?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    await deleteByPrefix(client, `${PREFIX}:`);
    expect(await client.keys(`${PREFIX}:*`)).toEqual([]);
  } finally {
    await client.close();
  }
});

describe('two gateways sharing Redis', () => {
  it('serve each other’s cached answers and entities', async () => {
    const [first, second] = gateways;
    const query = { query: ITEMS, variables: { ids: ['acme:1', 'other:1', 'acme:2'] } };
    const computed = await post(first!.url, query);
    expect(computed.headers.get('x-credgraph-cache')).toBe('miss');
    const asked = { ...fixtures.state.requests };

    const shared = await post(second!.url, query);
    expect(shared.headers.get('x-credgraph-cache')).toBe('hit');
    expect(shared.body).toEqual(computed.body);
    expect(fixtures.state.requests).toEqual(asked);

    // Another root query over the same items: the shelf is asked, acme's entities come from Redis.
    const reordered = await post(second!.url, { query: ITEMS, variables: { ids: ['acme:2', 'acme:1'] } });
    expect(reordered.headers.get('x-credgraph-cache')).toBe('miss');
    expect(fixtures.state.requests).toEqual({ shelf: asked.shelf + 1, acme: asked.acme });
  });

  it('share automatic persisted queries', async () => {
    const [first, second] = gateways;
    const query = 'query Persisted { item(id: "acme:3") { id name } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };

    const unknown = await post(second!.url, { extensions });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(first!.url, { query, extensions });
    expect(registered.body.data).toEqual({ item: { id: 'acme:3', name: 'Giant magnet' } });
    const byHash = await post(second!.url, { extensions });
    expect(byHash.body.data).toEqual(registered.body.data);
  });
});
