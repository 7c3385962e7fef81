import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createJsonLogger,
  type GatewayOptions,
  type RunningGateway,
  startGateway,
} from '../../gateway/index.js';
import { parsePrometheusText, sampleValue } from '../gateway/prometheus.js';
import { ITEMS, ME, post, type RunningFixtures, startFixtures } from './fixtures.js';

/**
 * The whole-response cache over real HTTP: hits skip every subgraph, TTLs come from the subgraphs' hints, and a
 * PRIVATE answer is never served to anyone but its user (and not cached at all for anonymous requests).
 */

let fixtures: RunningFixtures;
let gateway: RunningGateway;

const start = (options: Partial<GatewayOptions> = {}) =>
  startGateway({
    supergraphSdl: fixtures.supergraphSdl,
    port: 0,
    rateLimit: false,
    logLevel: 'silent',
    cache: { versionPollMs: 0 },
    ...options,
  });

beforeAll(async () => {
  fixtures = await startFixtures();
});

afterAll(async () => {
  await fixtures?.close();
});

beforeEach(() => {
  fixtures.state.requests.shelf = 0;
  fixtures.state.requests.acme = 0;
  fixtures.state.itemsMaxAge = undefined;
});

afterEach(async () => {
  await gateway?.close();
});

describe('the response cache', () => {
  it('answers a repeated query from the cache, without asking any subgraph, until its TTL ends', async () => {
    gateway = await start();
    fixtures.state.itemsMaxAge = 1;
    const query = { query: ITEMS, variables: { ids: ['acme:1', 'other:1'] } };
    const first = await post(gateway.url, query);
    expect(first.headers.get('x-credgraph-cache')).toBe('miss');
    expect(first.body.data).toEqual({
      items: [
        { id: 'acme:1', name: 'Anvil', acme: { price: 100, served: expect.any(Number) } },
        { id: 'other:1', name: 'Teapot', acme: null },
      ],
    });
    const asked = { ...fixtures.state.requests };

    const second = await post(gateway.url, query);
    expect(second.headers.get('x-credgraph-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('cache-control')).toMatch(/^max-age=[01], public$/);
    expect(fixtures.state.requests).toEqual(asked);

    // The shelf said one second: after it, the answer is computed again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const third = await post(gateway.url, query);
    expect(third.headers.get('x-credgraph-cache')).toBe('miss');
    expect(fixtures.state.requests.shelf).toBe(asked.shelf + 1);
  });

  it('keys answers by variables and operation, and never caches one a subgraph marks no-store', async () => {
    gateway = await start();
    await post(gateway.url, { query: ITEMS, variables: { ids: ['acme:1'] } });
    const other = await post(gateway.url, { query: ITEMS, variables: { ids: ['acme:2'] } });
    expect(other.headers.get('x-credgraph-cache')).toBe('miss');
    expect(other.body.data).toMatchObject({ items: [{ id: 'acme:2', name: 'Rocket skates' }] });

    fixtures.state.itemsMaxAge = 0;
    const uncacheable = { query: ITEMS, variables: { ids: ['acme:3'] } };
    await post(gateway.url, uncacheable);
    const again = await post(gateway.url, uncacheable);
    expect(again.headers.get('x-credgraph-cache')).toBe('miss');
    expect(again.headers.get('cache-control')).toBe('no-store');
  });

  it('never caches an answer with errors, nor a mutation', async () => {
    gateway = await start();
    const broken = { query: '{ broken { id } }' };
    await post(gateway.url, broken);
    const again = await post(gateway.url, broken);
    expect(again.body.errors?.length).toBeGreaterThan(0);
    expect(again.headers.get('x-credgraph-cache')).toBe('miss');
    expect(fixtures.state.requests.shelf).toBe(2);

    const rename = { query: 'mutation { rename(id: "other:2", name: "Kettle") { name } }' };
    await post(gateway.url, rename);
    await post(gateway.url, rename);
    expect(fixtures.state.requests.shelf).toBe(4);
  });

  it('caches a PRIVATE answer per user only, and not at all for anonymous requests', async () => {
    gateway = await start();
    const alice = { authorization: 'Bearer alice' };
    const bob = { authorization: 'Bearer bob' };

    const aliceFirst = await post<{ me: { visits: number } }>(gateway.url, { query: ME }, alice);
    const aliceAgain = await post<{ me: { visits: number } }>(gateway.url, { query: ME }, alice);
    expect(aliceAgain.headers.get('x-credgraph-cache')).toBe('hit');
    expect(aliceAgain.body.data).toEqual(aliceFirst.body.data);
    expect(aliceAgain.headers.get('cache-control')).toMatch(/private$/);

    // Bob never sees Alice's answer: his is computed for him, then his own is what he gets again.
    const bobFirst = await post<{ me: { visits: number } }>(gateway.url, { query: ME }, bob);
    expect(bobFirst.headers.get('x-credgraph-cache')).toBe('miss');
    expect(bobFirst.body.data!.me.visits).toBeGreaterThan(aliceFirst.body.data!.me.visits);
    const bobAgain = await post<{ me: { visits: number } }>(gateway.url, { query: ME }, bob);
    expect(bobAgain.body.data).toEqual(bobFirst.body.data);

    // Anonymous requests share no session: a PRIVATE answer is never stored for them, nor served to them.
    const anonymous = await post<{ me: { visits: number } }>(gateway.url, { query: ME });
    const anonymousAgain = await post<{ me: { visits: number } }>(gateway.url, { query: ME });
    expect(anonymous.headers.get('x-credgraph-cache')).toBe('miss');
    expect(anonymousAgain.headers.get('x-credgraph-cache')).toBe('miss');
    expect(anonymousAgain.body.data!.me.visits).toBe(anonymous.body.data!.me.visits + 1);
    expect([aliceFirst, bobFirst].map((answer) => answer.body.data!.me.visits)).not.toContain(
      anonymous.body.data!.me.visits,
    );
  });

  it('reports what each cache did in extensions when asked, and answers hits with their age', async () => {
    gateway = await start();
    const query = { query: ITEMS, variables: { ids: ['acme:1', 'acme:2', 'other:2'] } };
    const debug = { 'x-credgraph-cache-debug': '1' };
    const computed = await post(gateway.url, query, debug);
    expect(computed.body.extensions?.credgraphCache).toMatchObject({
      response: 'MISS',
      policy: { maxAge: 60, scope: 'PUBLIC' },
      entities: { 'acme.Item': { hits: 0, misses: 2, skipped: 1 } },
    });
    // Debugging answers are not stored (they carry the report); a plain one is, and debugging then shows the hit.
    await post(gateway.url, query);
    const hit = await post(gateway.url, query, debug);
    expect(hit.headers.get('x-credgraph-cache')).toBe('hit');
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    expect(hit.body.extensions?.credgraphCache).toMatchObject({ response: 'HIT', age: expect.any(Number) });
    expect(hit.body.data).toEqual(computed.body.data);
  });

  it('lets an operator bypass every cache with the admin token, refreshing what the cache holds', async () => {
    gateway = await start({ adminToken: 'operator-secret' });
    const query = { query: ITEMS, variables: { ids: ['acme:1'] } };
    const cached = await post(gateway.url, query);
    fixtures.state.names.set('acme:1', 'Anvil (renamed)');

    for (const token of [{}, { 'x-credgraph-admin-token': 'guess' }] as Array<Record<string, string>>) {
      const refused = await post(gateway.url, query, { 'x-credgraph-cache': 'bypass', ...token });
      expect(refused.headers.get('x-credgraph-cache')).toBe('hit');
      expect(refused.body).toEqual(cached.body);
    }

    const acmeBefore = fixtures.state.requests.acme;
    const bypassed = await post(gateway.url, query, {
      'x-credgraph-cache': 'bypass',
      'x-credgraph-admin-token': 'operator-secret',
    });
    expect(bypassed.headers.get('x-credgraph-cache')).toBe('bypass');
    expect(bypassed.body.data).toMatchObject({ items: [{ name: 'Anvil (renamed)' }] });
    // The entity cache was skipped too: acme was asked again.
    expect(fixtures.state.requests.acme).toBe(acmeBefore + 1);
    // And the fresh answer replaced the stale one for everyone.
    const after = await post(gateway.url, query);
    expect(after.headers.get('x-credgraph-cache')).toBe('hit');
    expect(after.body.data).toMatchObject({ items: [{ name: 'Anvil (renamed)' }] });
    fixtures.state.names.set('acme:1', 'Anvil');
  });

  it('answers identical concurrent queries with one execution when deduplication is on', async () => {
    gateway = await start({ cache: false, dedupeRequests: true });
    const query = { query: ITEMS, variables: { ids: ['other:1'], delayMs: 300 } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(gateway.url, query)));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(fixtures.state.requests.shelf).toBe(1);
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).toMatch(/^credgraph_gateway_deduplicated_requests_total 4$/m);

    // A PRIVATE answer is shared within its user's session only: never with another user, nor among
    // anonymous requests.
    const slowMe = { query: '{ me(delayMs: 300) { visits } }' };
    const [alice1, alice2, bob, anonymous1, anonymous2] = await Promise.all([
      post(gateway.url, slowMe, { authorization: 'Bearer alice' }),
      post(gateway.url, slowMe, { authorization: 'Bearer alice' }),
      post(gateway.url, slowMe, { authorization: 'Bearer bob' }),
      post(gateway.url, slowMe),
      post(gateway.url, slowMe),
    ]);
    expect(alice2.body).toEqual(alice1.body);
    const visits = [alice1, bob, anonymous1, anonymous2].map((answer) => JSON.stringify(answer.body));
    expect(new Set(visits).size).toBe(4);
    expect(fixtures.state.requests.shelf).toBe(5);

    // Mutations run once per request, concurrent or not.
    const rename = { query: 'mutation { rename(id: "other:2", name: "Kettle") { name } }' };
    await Promise.all(Array.from({ length: 3 }, () => post(gateway.url, rename)));
    expect(fixtures.state.requests.shelf).toBe(8);
  });

  it('caches GET queries too, but never answers a GET that Apollo refuses as a possible CSRF', async () => {
    gateway = await start();
    const url = `${gateway.url}?${new URLSearchParams({ query: ITEMS, variables: JSON.stringify({ ids: ['acme:3'] }) })}`;
    const preflighted = { 'apollo-require-preflight': 'true' };
    const first = await fetch(url, { headers: preflighted });
    expect(first.status).toBe(200);
    await first.text();
    const second = await fetch(url, { headers: preflighted });
    expect(second.headers.get('x-credgraph-cache')).toBe('hit');
    await second.text();
    const simple = await fetch(url);
    expect(simple.status).toBe(400);
    expect(simple.headers.get('x-credgraph-cache')).not.toBe('hit');
    await simple.text();
  });

  it('answers a body from the cache only as it would answer it fresh: not when its bytes are not UTF-8', async () => {
    gateway = await start();
    const send = (body: Buffer) =>
      fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // The id holds U+FFFD, the character a lenient decoder puts in place of bytes that are not UTF-8.
    const text = JSON.stringify({ query: ITEMS, variables: { ids: ['acme:\uFFFD'] } });
    const valid = Buffer.from(text, 'utf8');
    const first = await send(valid);
    expect([first.status, first.headers.get('x-credgraph-cache')]).toEqual([200, 'miss']);
    await first.arrayBuffer();
    const again = await send(valid);
    expect([again.status, again.headers.get('x-credgraph-cache')]).toEqual([200, 'hit']);
    await again.arrayBuffer();

    const [before, after] = text.split('\uFFFD') as [string, string];
    const invalid = await send(Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      errors: [{ message: 'request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }],
    });
    // A byte order mark before the JSON is read past, as before the cache existed.
    const marked = await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid]));
    expect([marked.status, marked.headers.get('x-credgraph-cache')]).toEqual([200, 'hit']);
    expect(await marked.text()).toBe(await (await send(valid)).text());
  });

  it('gives each answer from the cache its own request id, metrics and access log line', async () => {
    const logged: string[] = [];
    gateway = await start({
      logger: createJsonLogger({
        level: 'info',
        destination: { write: (line: string) => logged.push(line) },
      }),
    });
    const query = { query: ITEMS, variables: { ids: ['acme:4'] } };
    const ids = ['cached-first', 'cached-second', 'cached-third'];
    const answers: unknown[] = [];
    for (const id of ids) {
      const answer = await post(gateway.url, query, { 'x-request-id': id });
      answers.push([
        answer.status,
        answer.headers.get('x-request-id'),
        answer.headers.get('x-credgraph-cache'),
      ]);
    }
    expect(answers).toEqual([
      [200, 'cached-first', 'miss'],
      [200, 'cached-second', 'hit'],
      [200, 'cached-third', 'hit'],
    ]);
    const samples = parsePrometheusText(await (await fetch(new URL('/metrics', gateway.url))).text());
    expect(
      sampleValue(samples, 'credgraph_gateway_http_requests_total', { route: 'graphql', status: '200' }),
    ).toBe(3);
    expect(
      sampleValue(samples, 'credgraph_gateway_http_request_duration_seconds_count', { route: 'graphql' }),
    ).toBe(3);
    const lines = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const id of ids) {
      expect(lines.filter((line) => line.requestId === id)).toEqual([
        expect.objectContaining({ msg: 'request', method: 'POST', path: '/graphql', status: 200 }),
      ]);
    }
  });

  it('counts answers from the cache against the rate limit, kept in memory or in Redis', async () => {
    const hour = 3_600_000;
    const limits = [
      { limit: 3, windowMs: hour },
      {
        limit: 3,
        windowMs: hour,
        redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        redisKeyPrefix: `credgraph-test:${randomUUID()}`,
      },
    ];
    for (const rateLimit of limits) {
      gateway = await start({ rateLimit });
      const seen: unknown[] = [];
      for (let sent = 0; sent < 4; sent++) {
        const answer = await post(gateway.url, { query: ITEMS, variables: { ids: ['acme:5'] } });
        seen.push([
          answer.status,
          answer.headers.get('x-credgraph-cache'),
          answer.headers.get('ratelimit-remaining'),
        ]);
      }
      await gateway.close();
      expect(seen).toEqual([
        [200, 'miss', '2'],
        [200, 'hit', '1'],
        [200, 'hit', '0'],
        [429, null, '0'],
      ]);
    }
  });

  it('is off for a gateway built without a cache option', async () => {
    gateway = await start({ cache: undefined });
    const query = { query: ITEMS, variables: { ids: ['acme:1'] } };
    await post(gateway.url, query);
    const again = await post(gateway.url, query);
    expect(again.headers.get('x-credgraph-cache')).toBeNull();
    expect(fixtures.state.requests.shelf).toBe(2);
  });
});

describe('automatic persisted queries', () => {
  it('are registered and served from the cache’s store', async () => {
    gateway = await start();
    const query = 'query Apq { item(id: "acme:2") { id name } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect((await post(gateway.url, { extensions })).body.errors?.[0]?.extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    await post(gateway.url, { query, extensions });
    const byHash = await post(gateway.url, { extensions });
    expect(byHash.body.data).toEqual({ item: { id: 'acme:2', name: 'Rocket skates' } });
    // The hash names the same answer as the text: one cache entry for both.
    expect(byHash.headers.get('x-credgraph-cache')).toBe('hit');
  });

  it('cannot register anything in trusted-documents mode, whose documents are still cached', async () => {
    const trustedQuery = 'query Trusted { item(id: "acme:1") { id name } }';
    gateway = await start({ trustedDocuments: { trusted: trustedQuery } });
    const untrusted = 'query Sneaky { item(id: "acme:2") { id name } }';
    const registration = await post(gateway.url, {
      query: untrusted,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(untrusted) } },
    });
    expect(registration.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    const replay = await post(gateway.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(untrusted) } },
    });
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    expect(fixtures.state.requests.shelf).toBe(0);

    const first = await post(gateway.url, { documentId: 'trusted' });
    const second = await post(gateway.url, { documentId: 'trusted' });
    expect(first.body.data).toEqual({ item: { id: 'acme:1', name: 'Anvil' } });
    expect(second.headers.get('x-credgraph-cache')).toBe('hit');
    expect(fixtures.state.requests.shelf).toBe(1);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
