import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../gateway/index.js';
import { type FixtureSubgraphs, startFixtureSubgraphs } from './helpers.js';
import { parsePrometheusText, sampleValue } from './prometheus.js';

/** Rate limiting per client, in memory and shared through the real Redis (REDIS_URL, or 127.0.0.1:6379). */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Windows are aligned to the clock; an hour-long one makes a test crossing a window's end vanishingly unlikely.
const HOUR = 3_600_000;

let fixtures: FixtureSubgraphs;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
});

afterAll(async () => {
  await fixtures?.close();
});

async function gatewayWith(options: Partial<GatewayOptions>): Promise<RunningGateway> {
  return startGateway({ supergraphPath: fixtures.supergraphPath, port: 0, ...options });
}

function ask(gateway: RunningGateway, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ topProducts(first: 1) { name } }' }),
  });
}

describe('rate limiting in memory', () => {
  it('answers 429 with Retry-After past the limit, per API key or else per IP', async () => {
    const gateway = await gatewayWith({ rateLimit: { limit: 3, windowMs: HOUR } });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await ask(gateway);
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit-remaining')).toBe(String(2 - i));
        await response.arrayBuffer();
      }
      const refused = await ask(gateway);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(3_600);
      const body = (await refused.json()) as {
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
      expect(body.errors[0]!.message).toMatch(/rate limit of 3 requests exceeded; retry in \d+ s/);

      const withKey = await ask(gateway, { 'x-api-key': 'client-with-its-own-key' });
      expect(withKey.status).toBe(200);
      await withKey.arrayBuffer();
      expect((await fetch(new URL('/health', gateway.url))).status).toBe(200);
      const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
      expect(sampleValue(parsePrometheusText(metrics), 'credgraph_gateway_rate_limited_total')).toBe(1);
      expect(metrics).not.toContain('client-with-its-own-key');
    } finally {
      await gateway.close();
    }
  });

  it('is off with a limit of 0', async () => {
    const gateway = await gatewayWith({ rateLimit: { limit: 0 } });
    try {
      for (let i = 0; i < 5; i++) {
        const response = await ask(gateway);
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit-limit')).toBeNull();
        await response.arrayBuffer();
      }
    } finally {
      await gateway.close();
    }
  });
});

describe('rate limiting through Redis', () => {
  it('shares one count between two gateway instances', async () => {
    const shared = {
      limit: 4,
      windowMs: HOUR,
      redisUrl: REDIS_URL,
      redisKeyPrefix: `credgraph-test:${randomUUID()}`,
    };
    const first = await gatewayWith({ rateLimit: shared });
    const second = await gatewayWith({ rateLimit: shared });
    try {
      const statuses: number[] = [];
      for (const gateway of [first, second, first, second, first, second]) {
        const response = await ask(gateway);
        statuses.push(response.status);
        await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('lets requests through, and counts it, when Redis cannot be reached', async () => {
    const gateway = await gatewayWith({
      rateLimit: { limit: 1, redisUrl: 'redis://127.0.0.1:1' },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await ask(gateway);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      const metrics = parsePrometheusText(await (await fetch(new URL('/metrics', gateway.url))).text());
      expect(sampleValue(metrics, 'credgraph_gateway_rate_limit_store_errors_total')).toBe(3);
    } finally {
      await gateway.close();
    }
  });
});
