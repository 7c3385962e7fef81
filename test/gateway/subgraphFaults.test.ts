import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../gateway/index.js';
import { type RunningFaultProxy, startFaultProxy } from '../../subgraphs/kit/index.js';
import { type FixtureSubgraphs, postGraphQL, startFixtureSubgraphs } from './helpers.js';
import { parsePrometheusText, sampleValue } from './prometheus.js';

/**
 * How the gateway answers when a subgraph misbehaves: clean errors naming the subgraph (never its URL or its
 * body), retries of queries after transient failures, and a circuit breaker. The reviews subgraph sits behind
 * a fault proxy; the query asks products for names and reviews for stars.
 */

let fixtures: FixtureSubgraphs;
let proxy: RunningFaultProxy;
let supergraphPath: string;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
  proxy = await startFaultProxy(new URL(fixtures.reviews.url).origin);
  supergraphPath = join(fixtures.dir, 'proxied.graphql');
  writeFileSync(
    supergraphPath,
    readFileSync(fixtures.supergraphPath, 'utf8').replace(new URL(fixtures.reviews.url).origin, proxy.origin),
  );
});

afterAll(async () => {
  await proxy?.close();
  await fixtures?.close();
});

beforeEach(() => {
  proxy.clearFaults();
  proxy.resetCounts();
});

const QUERY = '{ topProducts(first: 2) { name reviews { stars } } }';

async function withGateway(
  options: Partial<GatewayOptions>,
  test: (gateway: RunningGateway) => Promise<void>,
) {
  const gateway = await startGateway({ supergraphPath, port: 0, ...options });
  try {
    await test(gateway);
  } finally {
    await gateway.close();
  }
}

interface Answer {
  data: unknown;
  errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
}

async function query(gateway: RunningGateway): Promise<{ answer: Answer; text: string }> {
  const { text } = await postGraphQL(gateway.url, { query: QUERY });
  return { answer: JSON.parse(text) as Answer, text };
}

describe('a subgraph answering an HTTP error', () => {
  it('is reported as SUBGRAPH_BAD_RESPONSE with its status, never its URL or body', async () => {
    await withGateway({}, async (gateway) => {
      proxy.injectFault({
        status: 500,
        rawBody:
          '<html>stack trace at http://10.1.2.3:8080/internal/debug with secret-internal-detail</html>',
        times: 10,
      });
      const { answer, text } = await query(gateway);
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.extensions).toEqual({
        code: 'SUBGRAPH_BAD_RESPONSE',
        subgraph: 'reviews',
        subgraphStatus: 500,
      });
      expect(answer.errors![0]!.message).toBe('subgraph "reviews" answered HTTP 500');
      expect(text).not.toContain(proxy.origin);
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain('secret-internal-detail');
      expect(text).not.toContain('"response"');
    });
  });

  it('reports a 200 answer that is not JSON as SUBGRAPH_BAD_RESPONSE without echoing it', async () => {
    await withGateway({}, async (gateway) => {
      proxy.injectFault({
        status: 200,
        rawBody: 'garbage <b>not json</b> secret-internal-detail',
        times: 10,
      });
      const { answer, text } = await query(gateway);
      expect(answer.errors![0]!.extensions).toMatchObject({
        code: 'SUBGRAPH_BAD_RESPONSE',
        subgraph: 'reviews',
      });
      expect(answer.errors![0]!.message).toBe('subgraph "reviews" answered with a body that is not JSON');
      expect(text).not.toContain('secret-internal-detail');
    });
  });
});

describe('retries', () => {
  it('retries a query once after a connection cut mid-body, and answers in full', async () => {
    await withGateway({}, async (gateway) => {
      proxy.injectFault({ resetMidBody: true, times: 1, pathIncludes: '/' });
      const { answer } = await query(gateway);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({
        topProducts: [
          { name: 'Table', reviews: [{ stars: 5 }] },
          { name: 'Couch', reviews: [{ stars: 2 }, { stars: 4 }] },
        ],
      });
      expect(proxy.totalRequests()).toBe(2);
    });
  });

  it('retries a 503 once, then reports it', async () => {
    await withGateway({ subgraphRetries: 1 }, async (gateway) => {
      proxy.injectFault({ status: 503, times: 2 });
      const { answer } = await query(gateway);
      expect(answer.errors![0]!.extensions).toMatchObject({
        code: 'SUBGRAPH_BAD_RESPONSE',
        subgraphStatus: 503,
      });
      expect(proxy.totalRequests()).toBe(2);
    });
  });

  it('reports a subgraph that is down as SUBGRAPH_UNAVAILABLE, naming it and not its address', async () => {
    await withGateway({}, async (gateway) => {
      await proxy.down();
      try {
        const { answer, text } = await query(gateway);
        expect(answer.errors![0]!.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews' });
        expect(answer.errors![0]!.message).toMatch(/^subgraph "reviews" did not answer: .*ECONNREFUSED/);
        expect(text).not.toContain(String(proxy.port));
      } finally {
        await proxy.up();
      }
    });
  });
});

describe('the circuit breaker', () => {
  it('stops calling a failing subgraph, fails fast meanwhile, then closes after a good trial', async () => {
    await withGateway(
      { subgraphRetries: 0, subgraphCircuitBreaker: { failureThreshold: 3, resetAfterMs: 400 } },
      async (gateway) => {
        proxy.injectFault({ status: 502, times: 1_000 });
        for (let i = 0; i < 3; i++) await query(gateway);
        expect(proxy.totalRequests()).toBe(3);

        const started = Date.now();
        const { answer } = await query(gateway);
        expect(Date.now() - started).toBeLessThan(200);
        expect(answer.errors![0]!.extensions).toMatchObject({
          code: 'SUBGRAPH_BAD_RESPONSE',
          subgraph: 'reviews',
          circuitOpen: true,
        });
        expect(answer.errors![0]!.message).toMatch(/circuit open/);
        expect(proxy.totalRequests()).toBe(3);
        let samples = parsePrometheusText(await (await fetch(new URL('/metrics', gateway.url))).text());
        expect(sampleValue(samples, 'credgraph_subgraph_circuit_state', { subgraph: 'reviews' })).toBe(2);
        expect(
          sampleValue(samples, 'credgraph_subgraph_requests_total', {
            subgraph: 'reviews',
            outcome: 'CIRCUIT_OPEN',
          }),
        ).toBe(1);

        proxy.clearFaults();
        await new Promise((resolve) => setTimeout(resolve, 450));
        const recovered = await query(gateway);
        expect(recovered.answer.errors).toBeUndefined();
        samples = parsePrometheusText(await (await fetch(new URL('/metrics', gateway.url))).text());
        expect(sampleValue(samples, 'credgraph_subgraph_circuit_state', { subgraph: 'reviews' })).toBe(0);
      },
    );
  });
});
