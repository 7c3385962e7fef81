import { connect } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  json,
  prometheusText,
  type RunningFaultProxy,
  type RunningStandin,
  runWithRequestContext,
  serveSubgraph,
  startFaultProxy,
  startStandin,
  type UpstreamError,
  UpstreamHttp,
  upstreamPolicyFromEnv,
  withUpstreamPolicy,
} from '../index.js';

/** The kit's circuit breaker, retry policy, request-id forwarding and fault proxy, against real local servers. */

let standin: RunningStandin;
let proxy: RunningFaultProxy;

beforeAll(async () => {
  standin = await startStandin((request) =>
    json(200, { path: request.url.pathname, requestId: request.headers['x-request-id'] ?? null }),
  );
  proxy = await startFaultProxy(standin.origin);
});

afterAll(async () => {
  await proxy.close();
  await standin.close();
});

beforeEach(() => {
  proxy.clearFaults();
  proxy.resetCounts();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as UpstreamError,
  );

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, lets one trial through after the reset time, and closes on success', () => {
    let now = 0;
    const states: string[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 2,
      resetAfterMs: 1_000,
      now: () => now,
      onStateChange: (state) => states.push(state),
    });
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure('UPSTREAM_TIMEOUT');
    breaker.onSuccess();
    breaker.onFailure('UPSTREAM_TIMEOUT');
    expect(breaker.state).toBe('closed');
    breaker.onFailure('UPSTREAM_UNAVAILABLE');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.retryInMs()).toBe(1_000);
    now = 1_000;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onFailure('UPSTREAM_UNAVAILABLE');
    expect(breaker.state).toBe('open');
    now = 2_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('does nothing with a threshold of 0', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 0 });
    for (let i = 0; i < 10; i++) breaker.onFailure('UPSTREAM_UNAVAILABLE');
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('UpstreamHttp resilience', () => {
  it('fails fast while the circuit is open, naming the failure, then recovers', async () => {
    const http = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${proxy.origin}/api/`,
      retries: 0,
      circuitBreaker: { failureThreshold: 2, resetAfterMs: 300 },
    });
    try {
      proxy.injectFault({ status: 503, times: 100 });
      for (let i = 0; i < 2; i++)
        expect((await failure(http.getJson('x'))).code).toBe('UPSTREAM_UNAVAILABLE');
      expect(http.circuitState).toBe('open');
      const refused = await failure(http.getJson('x'));
      expect(refused.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(refused.circuitOpen).toBe(true);
      expect(refused.message).toMatch(
        /^demo: the upstream keeps failing \(UPSTREAM_UNAVAILABLE\); .*circuit open/,
      );
      expect(proxy.totalRequests()).toBe(2);
      const metrics = (await prometheusText()).text;
      expect(metrics).toMatch(/credgraph_upstream_circuit_state\{provider="demo"\} 2/);
      expect(metrics).toMatch(
        /credgraph_upstream_requests_total\{provider="demo",outcome="CIRCUIT_OPEN"\} 1/,
      );

      proxy.clearFaults();
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await http.getJson('x')).toMatchObject({ path: '/api/x' });
      expect(http.circuitState).toBe('closed');
    } finally {
      await http.close();
    }
  });

  it('does not count refusals of one request (404, 401) against the upstream’s health', async () => {
    const http = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${proxy.origin}/api/`,
      circuitBreaker: { failureThreshold: 1 },
    });
    try {
      proxy.injectFault({ status: 404, times: 3 });
      for (let i = 0; i < 3; i++)
        expect((await failure(http.getJson('gone'))).code).toBe('UPSTREAM_NOT_FOUND');
      expect(http.circuitState).toBe('closed');
    } finally {
      await http.close();
    }
  });

  it('backs off with jitter between retries, and never retries a POST that is not idempotent', async () => {
    const http = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${proxy.origin}/api/`,
      retries: 3,
      retryBaseDelayMs: 40,
      circuitBreaker: false,
    });
    try {
      proxy.injectFault({ status: 502, times: 3 });
      const started = Date.now();
      expect(await http.getJson('flaky')).toMatchObject({ path: '/api/flaky' });
      // Waits of 20–40, 40–80 and 80–160 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(proxy.totalRequests()).toBe(4);

      proxy.resetCounts();
      proxy.injectFault({ status: 502, times: 3 });
      expect((await failure(http.postJson('write', { a: 1 }))).code).toBe('UPSTREAM_UNAVAILABLE');
      expect(proxy.totalRequests()).toBe(1);
    } finally {
      await http.close();
    }
  });

  it('does not wait for a Retry-After longer than it would retry within', async () => {
    const http = new UpstreamHttp({ provider: 'demo', baseUrl: `${proxy.origin}/api/`, retries: 2 });
    try {
      proxy.injectFault({ status: 429, headers: { 'retry-after': '120' }, times: 3 });
      const started = Date.now();
      expect((await failure(http.getJson('limited'))).code).toBe('UPSTREAM_RATE_LIMITED');
      expect(Date.now() - started).toBeLessThan(500);
      expect(proxy.totalRequests()).toBe(1);
    } finally {
      await http.close();
    }
  });

  it('sends the current request id upstream', async () => {
    const http = new UpstreamHttp({ provider: 'demo', baseUrl: `${standin.origin}/api/` });
    try {
      const answer = await runWithRequestContext({ requestId: 'req-77' }, () =>
        http.getJson<{ requestId: string | null }>('x'),
      );
      expect(answer.requestId).toBe('req-77');
      expect((await http.getJson<{ requestId: string | null }>('x')).requestId).toBeNull();
    } finally {
      await http.close();
    }
  });

  it('takes retries and breaker settings from the policy in force where it is built', async () => {
    const policy = upstreamPolicyFromEnv(
      { UPSTREAM_RETRIES: '0', DEMO_BREAKER_FAILURES: '1', UPSTREAM_BREAKER_RESET_MS: '60000' },
      'demo',
    );
    expect(policy).toEqual({ retries: 0, circuitBreaker: { failureThreshold: 1, resetAfterMs: 60_000 } });
    const http = withUpstreamPolicy(
      policy,
      () => new UpstreamHttp({ provider: 'demo', baseUrl: `${proxy.origin}/api/` }),
    );
    try {
      proxy.injectFault({ status: 503, times: 5 });
      await failure(http.getJson('x'));
      expect(proxy.totalRequests()).toBe(1);
      expect(http.circuitState).toBe('open');
    } finally {
      await http.close();
    }
  });

  it('gives a client built while serving a request (a token renewal, say) the serving subgraph policy', async () => {
    const built: UpstreamHttp[] = [];
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { fetch: String }'),
      resolvers: {
        Query: {
          fetch: async () => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            const http = new UpstreamHttp({ provider: 'demo', baseUrl: `${proxy.origin}/api/` });
            built.push(http);
            await http.getJson('x');
            return 'fetched';
          },
        },
      },
    });
    const server = await serveSubgraph({
      name: 'lazy',
      schema,
      context: () => ({}),
      upstreamPolicy: { retries: 0, circuitBreaker: { failureThreshold: 1 } },
    });
    try {
      proxy.injectFault({ status: 503, times: 5 });
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ fetch }' }),
      });
      const body = (await response.json()) as { data: unknown; errors?: unknown[] };
      expect(body.data).toEqual({ fetch: null });
      expect(body.errors).toHaveLength(1);
      expect(proxy.totalRequests(), 'no retries: the policy says 0').toBe(1);
      expect(built[0]?.circuitState).toBe('open');
    } finally {
      await Promise.all(built.map((http) => http.close()));
      await server.close();
    }
  });

  it('hands availability failures to a stale fallback, which may answer instead', async () => {
    const http = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${proxy.origin}/api/`,
      retries: 0,
      staleFallback: ({ error }) => (error.code === 'UPSTREAM_UNAVAILABLE' ? { stale: true } : undefined),
    });
    try {
      proxy.injectFault({ status: 503 });
      expect(await http.getJson('x')).toEqual({ stale: true });
      proxy.injectFault({ status: 404 });
      expect((await failure(http.getJson('x'))).code).toBe('UPSTREAM_NOT_FOUND');
    } finally {
      await http.close();
    }
  });
});

describe('the fault proxy', () => {
  it('forwards requests, records them, and refuses connections while down', async () => {
    const http = new UpstreamHttp({ provider: 'demo', baseUrl: `${proxy.origin}/api/`, retries: 0 });
    try {
      expect(await http.getJson('through')).toMatchObject({ path: '/api/through' });
      expect(proxy.requestCounts.get('GET /api/through')).toBe(1);
      await proxy.down();
      const error = await failure(http.getJson('through'));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.message).toMatch(/ECONNREFUSED/);
      await proxy.up();
      expect(await http.getJson('through')).toMatchObject({ path: '/api/through' });
    } finally {
      await http.close();
    }
  });
});

describe('serveSubgraph lifecycle', () => {
  const schema = buildSubgraphSchema({
    typeDefs: parse('type Query { slow(ms: Int!): String }'),
    resolvers: {
      Query: {
        slow: async (_: unknown, { ms }: { ms: number }) =>
          new Promise((done) => setTimeout(() => done('done'), ms)),
      },
    },
  });
  const ask = (url: string, ms: number) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ slow(ms: ${ms}) }` }),
    });

  it('lets in-flight requests finish on close, then refuses new ones', async () => {
    const server = await serveSubgraph({ name: 'slow', schema, context: () => ({}), port: 0 });
    const inFlight = ask(server.url, 300);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close();
    expect(await (await inFlight).json()).toEqual({ data: { slow: 'done' } });
    await closed;
    await expect(ask(server.url, 0)).rejects.toThrow();
  });

  it('cuts in-flight requests at once on terminate, as a crash would', async () => {
    const server = await serveSubgraph({ name: 'slow', schema, context: () => ({}), port: 0 });
    const inFlight = ask(server.url, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.terminate!();
    await expect(inFlight).rejects.toThrow();
    await server.close();
  });

  it('answers an odd request target (`GET //`) with JSON, and keeps serving', async () => {
    const server = await serveSubgraph({ name: 'slow', schema, context: () => ({}), port: 0 });
    try {
      const { port } = new URL(server.url);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write('GET // HTTP/1.1\r\nHost: x\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
          if (text.includes('}')) socket.end();
        });
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 404 /);
      expect(await (await ask(server.url, 0)).json()).toEqual({ data: { slow: 'done' } });
    } finally {
      await server.close();
    }
  });

  it('serves Prometheus metrics beside the GraphQL endpoint', async () => {
    const server = await serveSubgraph({ name: 'slow', schema, context: () => ({}), port: 0 });
    try {
      const response = await fetch(new URL('/metrics', server.url));
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toMatch(/^process_resident_memory_bytes \d+/m);
    } finally {
      await server.close();
    }
  });
});
