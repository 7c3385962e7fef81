import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type RunningGateway, startGateway } from '../../gateway/index.js';
import {
  errorBody,
  type FixtureSubgraphs,
  freePort,
  portIsFree,
  postGraphQL,
  startFixtureSubgraph,
  startFixtureSubgraphs,
} from './helpers.js';

let fixtures: FixtureSubgraphs;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
});

afterAll(async () => {
  await fixtures?.close();
});

describe('startGateway', () => {
  let gateway: RunningGateway;
  let origin: string;

  beforeAll(async () => {
    gateway = await startGateway({ supergraphPath: fixtures.supergraphPath, port: 0 });
    origin = new URL(gateway.url).origin;
  });

  afterAll(() => gateway?.close());

  it('listens on a free port and reports its endpoint', () => {
    expect(gateway.port).toBeGreaterThan(0);
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}/graphql`);
  });

  it('takes the supergraph as a string too', async () => {
    const fromString = await startGateway({
      supergraphSdl: readFileSync(fixtures.supergraphPath, 'utf8'),
      port: 0,
    });
    try {
      const result = await postGraphQL(fromString.url, { query: '{ topProducts(first: 1) { upc } }' });
      expect(JSON.parse(result.text)).toEqual({ data: { topProducts: [{ upc: '1' }] } });
    } finally {
      await fromString.close();
    }
  });

  it('refuses a body over the limit with 413 JSON', async () => {
    const small = await startGateway({
      supergraphPath: fixtures.supergraphPath,
      port: 0,
      maxBodyBytes: 1_000,
    });
    try {
      const result = await postGraphQL(small.url, { query: `{ __typename } # ${'x'.repeat(2_000)}` });
      expect(result.status).toBe(413);
      expect(JSON.parse(result.text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('refuses the 1 MB default limit with 413 JSON, even for a chunked body', async () => {
    const big = `{"query": "{ __typename }", "extensions": {"pad": "${'x'.repeat(1_100_000)}"}}`;
    const response = await request(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from([Buffer.from(big)]),
    });
    expect(response.statusCode).toBe(413);
    expect(((await response.body.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
      /larger than 1000000 bytes/,
    );
  });

  it('answers a CSRF-unsafe GET with JSON', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await errorBody(response)).errors[0]!.message).toMatch(/Cross-Site Request Forgery/);
  });

  it('answers a POST without a query with JSON', async () => {
    const result = await postGraphQL(gateway.url, { variables: {} });
    expect(result.status).toBe(400);
    expect(JSON.parse(result.text).errors[0].message).toMatch(/query/i);
  });

  it('answers a GET without a query from a non-browser with JSON', async () => {
    const response = await fetch(gateway.url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers other methods with JSON', async () => {
    const response = await fetch(gateway.url, { method: 'PUT', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect((await errorBody(response)).errors[0]!.message).toMatch(/use GET or POST/);
  });

  it('serves IDE assets with long cache, ETag and gzip', async () => {
    const page = await (await fetch(gateway.url, { headers: { accept: 'text/html' } })).text();
    const scriptPath = page.match(/src="(\/ide\/graphiql\.js\?v=[^"]+)"/)![1]!;
    const response = await request(`${origin}${scriptPath}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await response.body.dump();
    const etag = String(response.headers.etag);
    const again = await request(`${origin}${scriptPath}`, { headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    await again.body.dump();
    const unversioned = await fetch(`${origin}/ide/graphiql.js`);
    expect(unversioned.headers.get('cache-control')).toBe('no-cache');
    await unversioned.arrayBuffer();
  });

  it('reports an unreachable subgraph inside a GraphQL response', async () => {
    const down = await freePort();
    const sdl = readFileSync(fixtures.supergraphPath, 'utf8').replace(
      fixtures.reviews.url,
      `http://127.0.0.1:${down}/graphql`,
    );
    const broken = await startGateway({ supergraphSdl: sdl, port: 0 });
    try {
      const result = await postGraphQL(broken.url, {
        query: '{ topProducts(first: 1) { name reviews { stars } } }',
      });
      expect(result.contentType).toMatch(/^application\/json/);
      const body = JSON.parse(result.text);
      expect(body.errors[0].message).toMatch(/subgraph "reviews" did not answer: .*ECONNREFUSED/);
      expect(body.errors[0].extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews' });
      // reviews is non-null, so the failure nulls the whole answer: GraphQL's rule, kept by the gateway.
      expect(body.data).toBeNull();
    } finally {
      await broken.close();
    }
  });
});

describe('subgraph timeout', () => {
  it('gives up on a silent subgraph after subgraphTimeoutMs with SUBGRAPH_TIMEOUT', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/graphql`;
    const sdl = readFileSync(fixtures.supergraphPath, 'utf8').replace(fixtures.reviews.url, silentUrl);
    const gateway = await startGateway({ supergraphSdl: sdl, port: 0, subgraphTimeoutMs: 300 });
    try {
      const started = Date.now();
      const result = await postGraphQL(gateway.url, {
        query: '{ topProducts(first: 1) { reviews { stars } } }',
      });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(JSON.parse(result.text).errors[0].extensions).toEqual({
        code: 'SUBGRAPH_TIMEOUT',
        subgraph: 'reviews',
      });
    } finally {
      await gateway.close();
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('gateway lifecycle', () => {
  it('answers /ready 503 while the supergraph is composing, then 200; /health is 200 throughout', async () => {
    let release!: () => void;
    const held = new Promise<void>((done) => {
      release = done;
    });
    const slow = await startFixtureSubgraph('reviews', { holdIntrospection: held });
    const gateway = await createGateway({
      supergraphConfig: {
        subgraphs: [
          {
            name: 'products',
            routingUrl: fixtures.products.url,
            schema: { subgraphUrl: fixtures.products.url },
          },
          { name: 'reviews', routingUrl: slow.url, schema: { subgraphUrl: slow.url } },
        ],
      },
      port: 0,
    });
    try {
      const origin = new URL(gateway.url).origin;
      const alive = await fetch(`${origin}/health`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok' });
      const starting = await fetch(`${origin}/ready`);
      expect(starting.status).toBe(503);
      expect(await starting.json()).toEqual({ status: 'starting' });
      const early = await postGraphQL(gateway.url, { query: '{ __typename }' });
      expect(early.status).toBe(503);
      expect(JSON.parse(early.text).errors[0].extensions.code).toBe('GATEWAY_STARTING');

      release();
      await gateway.ready;
      const ready = await fetch(`${origin}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        subgraphs: { products: 'reachable', reviews: 'reachable' },
      });
    } finally {
      release();
      await gateway.close();
      await slow.stop();
    }
  });

  it('lets in-flight requests finish on close, then frees the port', async () => {
    const gateway = await startGateway({ supergraphPath: fixtures.supergraphPath, port: 0 });
    const inFlight = postGraphQL(gateway.url, { query: '{ topProducts(first: 1, delayMs: 400) { name } }' });
    await new Promise((done) => setTimeout(done, 100));
    const closed = gateway.close();
    const result = await inFlight;
    expect(JSON.parse(result.text)).toEqual({ data: { topProducts: [{ name: 'Table' }] } });
    await closed;
    expect(await portIsFree(gateway.port)).toBe(true);
  });

  it('closes promptly while still composing', async () => {
    const never = new Promise<void>(() => {});
    const stuck = await startFixtureSubgraph('reviews', { holdIntrospection: never });
    const gateway = await createGateway({
      supergraphConfig: {
        subgraphs: [{ name: 'reviews', routingUrl: stuck.url, schema: { subgraphUrl: stuck.url } }],
      },
      port: 0,
    });
    const started = Date.now();
    await gateway.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(gateway.ready).rejects.toThrow();
    expect(await portIsFree(gateway.port)).toBe(true);
    await stuck.stop().catch(() => {});
  });

  it('rejects startGateway with the reason and frees the port when the supergraph cannot load', async () => {
    const port = await freePort();
    await expect(startGateway({ supergraphSdl: 'type Query { x: Int }', port })).rejects.toThrow();
    expect(await portIsFree(port)).toBe(true);
  });

  it('rejects with the listen error when the port is taken', async () => {
    const first = await startGateway({ supergraphPath: fixtures.supergraphPath, port: 0 });
    try {
      await expect(
        createGateway({ supergraphPath: fixtures.supergraphPath, port: first.port }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('needs exactly one supergraph source', async () => {
    await expect(createGateway({ port: 0 })).rejects.toThrow(/exactly one of/);
    await expect(createGateway({ supergraphSdl: 'x', supergraphPath: 'y', port: 0 })).rejects.toThrow(
      /exactly one of/,
    );
  });
});
