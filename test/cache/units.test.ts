import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { hintFromCacheControl } from '../../gateway/cache/cachePolicy.js';
import { KnownBodies } from '../../gateway/cache/knownBodies.js';
import { MemoryKeyvStore } from '../../gateway/cache/memoryStore.js';
import { answerKey, keyableRequest, sessionOf } from '../../gateway/cache/requestKey.js';
import {
  createSubgraphAgent,
  GatewaySettingError,
  gatewayOptionsFromEnv,
  UndiciDataSource,
} from '../../gateway/index.js';
import { providerFieldsOfSupergraph } from '../../gateway/providerRouting.js';

describe('subgraph cache hints', () => {
  it.each([
    [undefined, 30, { maxAge: 30 }],
    ['max-age=60, public', 30, { maxAge: 60, scope: 'PUBLIC' }],
    ['max-age=60, private', 30, { maxAge: 60, scope: 'PRIVATE' }],
    ['public, s-maxage=10, max-age=600', 30, { maxAge: 10, scope: 'PUBLIC' }],
    ['no-store', 30, { maxAge: 0 }],
    ['no-cache, max-age=60', 30, { maxAge: 0 }],
    ['max-age=0', 30, { maxAge: 0 }],
    ['private', 30, { maxAge: 30, scope: 'PRIVATE' }],
  ] as const)('%s (default %i) → %o', (header, defaultMaxAge, hint) => {
    expect(hintFromCacheControl(header, defaultMaxAge)).toEqual(hint);
  });
});

describe('provider routing', () => {
  it('finds every provider subgraph of the committed supergraph, and nothing else', () => {
    const sdl = readFileSync(resolve(import.meta.dirname, '../../gateway/supergraph.graphql'), 'utf8');
    const providers = providerFieldsOfSupergraph(sdl);
    expect([...providers.keys()].sort()).toEqual([
      'badgr',
      'coursera',
      'credly',
      'edx',
      'openbadges',
      'registry',
    ]);
    expect(providers.get('credly')).toEqual({
      typeName: 'Credential',
      fieldName: 'credly',
      idPrefix: 'credly:',
    });
  });
});

describe('request keys', () => {
  const query = '{ items(ids: ["a"]) { id } }';

  it('read the operation from a POST or a GET alike', () => {
    const post = keyableRequest(
      'POST',
      { query, variables: { a: 1 }, operationName: null },
      new URLSearchParams(),
    );
    const get = keyableRequest(
      'GET',
      undefined,
      new URLSearchParams({ query, variables: JSON.stringify({ a: 1 }) }),
    );
    expect(post).toEqual(get);
    expect(post?.variables).toBe('{"a":1}');
  });

  it('take an APQ hash for its text, and refuse what they cannot key', () => {
    const text = keyableRequest('POST', { query }, new URLSearchParams())!;
    const hash = { persistedQuery: { version: 1, sha256Hash: text.documentHash } };
    expect(keyableRequest('POST', { extensions: hash }, new URLSearchParams())?.documentHash).toBe(
      text.documentHash,
    );
    const wrongHash = { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } };
    expect(keyableRequest('POST', { query, extensions: wrongHash }, new URLSearchParams())).toBeNull();
    expect(keyableRequest('POST', [{ query }], new URLSearchParams())).toBeNull();
    expect(keyableRequest('POST', { query, extensions: { other: true } }, new URLSearchParams())).toBeNull();
    expect(keyableRequest('POST', { query, variables: [1] }, new URLSearchParams())).toBeNull();
    expect(keyableRequest('PUT', { query }, new URLSearchParams())).toBeNull();
  });

  it('differ by variables, operation name and accepted media type', () => {
    const key = (body: Record<string, unknown>, accept?: string) =>
      answerKey(keyableRequest('POST', body, new URLSearchParams())!, accept);
    const base = key({ query });
    expect(key({ query })).toBe(base);
    expect(key({ query, variables: { a: 1 } })).not.toBe(base);
    expect(key({ query, operationName: 'Other' })).not.toBe(base);
    expect(key({ query }, 'application/graphql-response+json')).not.toBe(base);
  });

  it('tell sessions apart by a digest of their session headers, and anonymous requests have none', () => {
    const alice = sessionOf({ authorization: 'Bearer alice' }, ['authorization']);
    expect(alice).toMatch(/^[\w-]{32}$/);
    expect(alice).not.toContain('alice');
    expect(sessionOf({ authorization: 'Bearer bob' }, ['authorization'])).not.toBe(alice);
    expect(sessionOf({}, ['authorization'])).toBeNull();
  });
});

describe('the memory store', () => {
  it('drops the least recently used entries beyond its bound, and expired ones', async () => {
    const store = new MemoryKeyvStore(1_000);
    await store.set('a', 'x'.repeat(200));
    await store.set('b', 'x'.repeat(200));
    await store.get('a');
    await store.set('c', 'x'.repeat(200));
    await store.set('d', 'x'.repeat(200));
    await store.set('e', 'x'.repeat(200));
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(store.size).toBeLessThanOrEqual(1_000);
    await store.set('short', 'value', 1);
    await new Promise((done) => setTimeout(done, 5));
    expect(await store.get('short')).toBeUndefined();
    // Larger than a quarter of the bound: not kept at all rather than evicting everything else.
    expect(await store.set('huge', 'x'.repeat(400))).toBe(false);
  });
});

describe('known request bodies', () => {
  const body = (text: string) => Buffer.from(text, 'utf8');

  it('finds a body by its exact bytes only, and keeps a copy of them', () => {
    const known = new KnownBodies<string>({ entries: 10, bodyBytes: 1_024, perBucket: 8 });
    const bytes = body('{"query":"{ a }","variables":{"id":"1"}}');
    expect(known.getOrAdd(bytes, () => 'first')).toBe('first');
    expect(known.getOrAdd(body('{"query":"{ a }","variables":{"id":"1"}}'), () => 'again')).toBe('first');
    expect(known.get(body('{"query":"{ a }","variables":{"id":"2"}}'))).toBeUndefined();
    expect(known.get(body('{"query":"{ a }","variables":{"id":"1"}} '))).toBeUndefined();
    bytes.fill(0x20);
    expect(known.get(body('{"query":"{ a }","variables":{"id":"1"}}'))).toBe('first');
  });

  it('holds a bounded number of bodies, forgetting the oldest, and no large ones', () => {
    const known = new KnownBodies<number>({ entries: 3, bodyBytes: 64, perBucket: 8 });
    for (let index = 0; index < 4; index++) known.getOrAdd(body(`{"n":${index}}`), () => index);
    expect(known.get(body('{"n":0}'))).toBeUndefined();
    expect([1, 2, 3].map((index) => known.get(body(`{"n":${index}}`)))).toEqual([1, 2, 3]);
    expect(known.getOrAdd(body(`"${'x'.repeat(64)}"`), () => 9)).toBeUndefined();
    expect(known.get(body(`"${'x'.repeat(64)}"`))).toBeUndefined();
  });

  it('compares at most a few bodies whose samples collide', () => {
    const known = new KnownBodies<number>({ entries: 100, bodyBytes: 8_192, perBucket: 2 });
    // Same length, differing only between the sampled bytes (every 32nd of 1,024): one sampled hash.
    const colliding = (index: number) => {
      const bytes = Buffer.alloc(1_024, 0x61);
      bytes[1] = 0x30 + index;
      return bytes;
    };
    expect([0, 1, 2].map((index) => known.getOrAdd(colliding(index), () => index))).toEqual([
      0,
      1,
      undefined,
    ]);
    expect(known.get(colliding(1))).toBe(1);
    expect(known.get(colliding(2))).toBeUndefined();

    // The oldest body forgotten to make room shared the new one's sampled hash: the new one is still found.
    const full = new KnownBodies<number>({ entries: 1, bodyBytes: 8_192, perBucket: 2 });
    full.getOrAdd(colliding(0), () => 0);
    expect(full.getOrAdd(colliding(1), () => 1)).toBe(1);
    expect([full.get(colliding(0)), full.get(colliding(1))]).toEqual([undefined, 1]);
  });
});

describe('cache settings from the environment', () => {
  it('leave the caches to the caller unless told, and take every CREDGRAPH_CACHE_* setting', () => {
    expect(gatewayOptionsFromEnv({}).cache).toBeUndefined();
    expect(gatewayOptionsFromEnv({}, { cacheByDefault: true }).cache).toEqual({});
    expect(gatewayOptionsFromEnv({ CREDGRAPH_CACHE: 'off' }, { cacheByDefault: true }).cache).toBe(false);
    expect(
      gatewayOptionsFromEnv({
        CREDGRAPH_CACHE: 'on',
        CREDGRAPH_CACHE_RESPONSES: 'false',
        CREDGRAPH_CACHE_ENTITIES: 'true',
        CREDGRAPH_CACHE_DEFAULT_MAX_AGE_S: '5',
        CREDGRAPH_CACHE_MEMORY_MB: '8',
        CREDGRAPH_CACHE_KEY_PREFIX: 'edge',
        CREDGRAPH_CACHE_SESSION_HEADERS: 'authorization, x-api-key',
        CREDGRAPH_CACHE_VERSION_POLL_MS: '250',
        CREDGRAPH_CACHE_VERSION_URL: 'http://catalog:4001/version',
        REDIS_URL: 'redis://cache:6379/2',
      }).cache,
    ).toEqual({
      responses: false,
      entities: true,
      defaultMaxAgeSeconds: 5,
      memoryMB: 8,
      keyPrefix: 'edge',
      sessionHeaders: ['authorization', 'x-api-key'],
      versionPollMs: 250,
      versionUrl: 'http://catalog:4001/version',
      redisUrl: 'redis://cache:6379/2',
    });
  });

  it('read the transport and request-sharing settings', () => {
    expect(
      gatewayOptionsFromEnv({
        CREDGRAPH_SUBGRAPH_TIMEOUTS: 'catalog=5000, credly=1500',
        CREDGRAPH_SUBGRAPH_COMPRESSION: 'on',
        CREDGRAPH_PROVIDER_ROUTING: 'off',
        CREDGRAPH_SUBGRAPH_CONNECTIONS: '16',
        CREDGRAPH_DEDUPE_REQUESTS: 'true',
        CREDGRAPH_PERSISTED_QUERIES: 'false',
        CREDGRAPH_ADMIN_TOKEN: 'secret',
      }),
    ).toMatchObject({
      subgraphTimeouts: { catalog: 5_000, credly: 1_500 },
      subgraphCompression: true,
      providerRouting: false,
      connectionsPerSubgraph: 16,
      dedupeRequests: true,
      persistedQueries: false,
      adminToken: 'secret',
    });
  });

  it.each([
    ['CREDGRAPH_CACHE', 'sometimes'],
    ['CREDGRAPH_CACHE_DEFAULT_MAX_AGE_S', '-1'],
    ['CREDGRAPH_CACHE_VERSION_URL', 'catalog:4001'],
    ['CREDGRAPH_SUBGRAPH_TIMEOUTS', 'catalog'],
    ['CREDGRAPH_SUBGRAPH_COMPRESSION', 'gzip'],
  ])('refuse %s=%s, naming it', (name, value) => {
    expect(() => gatewayOptionsFromEnv({ CREDGRAPH_CACHE: 'on', [name]: value })).toThrow(
      GatewaySettingError,
    );
    expect(() => gatewayOptionsFromEnv({ CREDGRAPH_CACHE: 'on', [name]: value })).toThrow(name);
  });
});

describe('the subgraph data source', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = null;
  });

  /** A subgraph answering `{"data": {"n": <requests so far>}}` after 50 ms, gzipped when asked. */
  async function countingSubgraph(seen: Array<{ encoding: string | undefined }>): Promise<string> {
    server = createServer((request, response) => {
      request.resume();
      seen.push({ encoding: request.headers['accept-encoding'] });
      const body = Buffer.from(JSON.stringify({ data: { n: seen.length } }));
      setTimeout(() => {
        if (request.headers['accept-encoding']?.includes('gzip')) {
          response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          response.end(gzipSync(body));
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(body);
        }
      }, 50);
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const address = server.address() as { port: number };
    return `http://127.0.0.1:${address.port}/graphql`;
  }

  const incoming = (requestContext: object) =>
    ({
      kind: 'incoming operation',
      request: { query: '{ n }', variables: {} },
      incomingRequestContext: requestContext,
      context: {},
    }) as unknown as Parameters<UndiciDataSource['process']>[0];

  it('asks for compressed answers when told to, and reads them', async () => {
    const seen: Array<{ encoding: string | undefined }> = [];
    const url = await countingSubgraph(seen);
    const agent = createSubgraphAgent();
    try {
      const source = new UndiciDataSource({ name: 'counter', url, dispatcher: agent, compression: true });
      expect((await source.process(incoming({}))).data).toEqual({ n: 1 });
      expect(seen[0]?.encoding).toBe('gzip, br');
    } finally {
      await agent.close();
    }
  });

  it('sends identical fetches of one client request once, and those of different requests each', async () => {
    const seen: Array<{ encoding: string | undefined }> = [];
    const url = await countingSubgraph(seen);
    const agent = createSubgraphAgent();
    try {
      const source = new UndiciDataSource({ name: 'counter', url, dispatcher: agent });
      const oneRequest = {};
      const [a, b] = await Promise.all([
        source.process(incoming(oneRequest)),
        source.process(incoming(oneRequest)),
      ]);
      expect(a.data).toEqual({ n: 1 });
      expect(b.data).toEqual({ n: 1 });
      // Each consumer gets its own copy: the gateway writes into what it merges.
      expect(a.data).not.toBe(b.data);
      await source.process(incoming({}));
      expect(seen).toHaveLength(2);
      expect(seen[0]?.encoding).toBeUndefined();
    } finally {
      await agent.close();
    }
  });
});
