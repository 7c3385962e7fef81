import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger, type RunningGateway, startGateway } from '../../gateway/index.js';
import { type RunningFaultProxy, startFaultProxy } from '../../subgraphs/kit/index.js';
import { type FixtureSubgraphs, postGraphQL, startFixtureSubgraphs } from './helpers.js';
import { parsePrometheusText, sampleValue } from './prometheus.js';

/**
 * Health, readiness, metrics, structured logs and request ids, against a gateway over real fixture subgraphs,
 * with a fault proxy in front of one of them to see exactly what reaches it.
 */

const SECRETS = {
  bearer: 'Bearer s3cret-bearer-token',
  apiKey: 'k3y-that-must-not-leak',
  cookie: 'session=c00kie-that-must-not-leak',
  adminToken: 'adm1n-token-for-the-catalog',
};

let fixtures: FixtureSubgraphs;
let proxy: RunningFaultProxy;
let gateway: RunningGateway;
let origin: string;
const logLines: string[] = [];

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
  proxy = await startFaultProxy(new URL(fixtures.reviews.url).origin);
  const viaProxy = readFileSync(fixtures.supergraphPath, 'utf8').replace(
    new URL(fixtures.reviews.url).origin,
    proxy.origin,
  );
  writeFileSync(join(fixtures.dir, 'proxied.graphql'), viaProxy);
  gateway = await startGateway({
    supergraphPath: join(fixtures.dir, 'proxied.graphql'),
    port: 0,
    readyCacheMs: 0,
    logger: createJsonLogger({
      level: 'info',
      destination: { write: (line: string) => logLines.push(line) },
    }),
  });
  origin = new URL(gateway.url).origin;
});

afterAll(async () => {
  await gateway?.close();
  await proxy?.close();
  await fixtures?.close();
});

const JOIN_QUERY = '{ topProducts(first: 2) { name reviews { stars } } }';

describe('health and readiness', () => {
  it('is alive', async () => {
    const response = await fetch(`${origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when every subgraph answers, and says which one does not', async () => {
    const ready = await fetch(`${origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      subgraphs: { products: 'reachable', reviews: 'reachable' },
    });
    await proxy.down();
    try {
      const degraded = await fetch(`${origin}/ready`);
      expect(degraded.status).toBe(503);
      expect(await degraded.json()).toEqual({
        status: 'degraded',
        subgraphs: { products: 'reachable', reviews: 'unreachable' },
      });
    } finally {
      await proxy.up();
    }
  });
});

describe('request ids and forwarded headers', () => {
  it('echoes the client’s x-request-id and sends it, and nothing else of the client’s, to subgraphs', async () => {
    proxy.resetCounts();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'client-chosen-id-42',
        authorization: SECRETS.bearer,
        'x-api-key': SECRETS.apiKey,
        cookie: SECRETS.cookie,
        'x-credgraph-admin-token': SECRETS.adminToken,
      },
      body: JSON.stringify({ query: JOIN_QUERY }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-chosen-id-42');
    await response.json();
    const seen = proxy.requests.find((request) => request.method === 'POST');
    expect(seen?.headers['x-request-id']).toBe('client-chosen-id-42');
    // The admin token goes with mutations only (the catalog's refreshCatalog); test/cache/invalidation.test.ts.
    expect(seen?.headers['x-credgraph-admin-token']).toBeUndefined();
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.headers['x-api-key']).toBeUndefined();
    expect(seen?.headers.cookie).toBeUndefined();
  });

  it('makes up a request id when the client sends none, or a malformed one', async () => {
    const none = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces and {braces}' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  it('serves valid Prometheus text with requests, latency, errors, subgraph calls and circuit state', async () => {
    await postGraphQL(gateway.url, { query: JOIN_QUERY });
    await postGraphQL(gateway.url, { query: '{ nope }' });
    const response = await fetch(`${origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const samples = parsePrometheusText(text);
    expect(
      sampleValue(samples, 'credgraph_gateway_http_requests_total', { route: 'graphql', status: '200' }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(samples, 'credgraph_gateway_http_request_duration_seconds_count', { route: 'graphql' }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(samples, 'credgraph_gateway_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(samples, 'credgraph_subgraph_requests_total', { subgraph: 'reviews', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(sampleValue(samples, 'credgraph_subgraph_circuit_state', { subgraph: 'reviews' })).toBe(0);
    expect(sampleValue(samples, 'credgraph_gateway_supergraph_loaded')).toBe(1);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });

  it('counts every request and its latency between scrapes, in cumulative buckets that end at the count', async () => {
    const scrape = async () => parsePrometheusText(await (await fetch(`${origin}/metrics`)).text());
    const requests = (samples: ReturnType<typeof parsePrometheusText>) =>
      sampleValue(samples, 'credgraph_gateway_http_requests_total', { route: 'graphql', status: '200' }) ?? 0;
    const timed = (samples: ReturnType<typeof parsePrometheusText>) =>
      sampleValue(samples, 'credgraph_gateway_http_request_duration_seconds_count', { route: 'graphql' }) ??
      0;
    const before = await scrape();
    for (let sent = 0; sent < 5; sent++) await postGraphQL(gateway.url, { query: JOIN_QUERY });
    const after = await scrape();
    expect(requests(after) - requests(before)).toBe(5);
    expect(timed(after) - timed(before)).toBe(5);
    const buckets = after.filter(
      (sample) =>
        sample.name === 'credgraph_gateway_http_request_duration_seconds_bucket' &&
        sample.labels.route === 'graphql',
    );
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '30',
      '+Inf',
    ]);
    for (let index = 1; index < buckets.length; index++) {
      expect(buckets[index]!.value).toBeGreaterThanOrEqual(buckets[index - 1]!.value);
    }
    expect(buckets.at(-1)!.value).toBe(timed(after));
    expect(
      sampleValue(after, 'credgraph_gateway_http_request_duration_seconds_sum', { route: 'graphql' }),
    ).toBeGreaterThan(0);
  });
});

describe('logs', () => {
  it('writes one JSON line per GraphQL request, with its request id, status and error codes', async () => {
    await postGraphQL(gateway.url, { query: '{ nope }' }, { 'x-request-id': 'log-me-please' });
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const line = lines.find((entry) => entry.requestId === 'log-me-please');
    expect(line).toMatchObject({
      msg: 'request',
      level: 30,
      method: 'POST',
      path: '/graphql',
      status: 400,
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
    });
    expect(typeof line!.durationMs).toBe('number');
    expect(typeof line!.time).toBe('string');
  });

  it('logs the codes of a partial answer’s errors, and of a request refused before it ran', async () => {
    await proxy.down();
    try {
      const partial = await postGraphQL(
        gateway.url,
        { query: JOIN_QUERY },
        { 'x-request-id': 'log-partial' },
      );
      expect(partial.status).toBe(200);
    } finally {
      await proxy.up();
    }
    const refused = await postGraphQL(gateway.url, { variables: {} }, { 'x-request-id': 'log-refused' });
    expect(refused.status).toBe(400);
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const partialLine = lines.find((entry) => entry.requestId === 'log-partial');
    expect(partialLine).toMatchObject({ status: 200, errorCodes: ['SUBGRAPH_UNAVAILABLE'] });
    const refusedLine = lines.find((entry) => entry.requestId === 'log-refused');
    expect(refusedLine).toMatchObject({ status: 400, errorCodes: ['BAD_REQUEST'] });
  });

  it('never writes tokens, API keys, cookies or variables', async () => {
    await postGraphQL(
      gateway.url,
      {
        query: 'query ($n: Int) { topProducts(first: $n) { name } }',
        variables: { n: 1, token: SECRETS.apiKey },
      },
      {
        authorization: SECRETS.bearer,
        'x-api-key': SECRETS.apiKey,
        cookie: SECRETS.cookie,
        'x-credgraph-admin-token': SECRETS.adminToken,
      },
    );
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret.split(' ').at(-1));
  });
});
