import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localProviders } from '../../cli/localProviders.js';
import { type RunningLocalCatalog, startLocalCatalog } from '../../cli/start.js';
import { createJsonLogger } from '../../gateway/index.js';
import type { StandinFault } from '../../subgraphs/kit/index.js';
import { type GraphQLResult, graphql } from '../fixtures/http.js';
import { parsePrometheusText, sampleValue } from '../gateway/prometheus.js';

/**
 * Fault injection against the whole one-command catalog: for every local provider (cli/localProviders.ts, so
 * that a provider added there is covered without touching this file), its upstream goes down, slows past the
 * timeout, fails with 5xx, rate-limits, answers garbage or cuts the connection mid-body. One query reads a
 * page of every provider with every provider's live field: the faulted provider's field must be null with a
 * precise error (code, provider, path), and everything else intact. Last, a provider subgraph dies mid-query.
 */

const PROVIDERS = localProviders.map((local) => local.provider.info.id);
const TIMEOUT_MS = 400;
const PAGE = 3;

/** The settings that make faults quick to observe: short upstream timeouts, no breaker (its own test is below). */
const env: Record<string, string | undefined> = {
  ...process.env,
  ...Object.fromEntries(PROVIDERS.map((id) => [`${id.toUpperCase()}_TIMEOUT_MS`, String(TIMEOUT_MS)])),
  UPSTREAM_BREAKER_FAILURES: '0',
  CATALOG_HARVEST_INTERVAL_S: '0',
  CREDGRAPH_RATE_LIMIT: '0',
};

/** Every configured secret (tokens, keys, passwords) of every provider: none may reach a client or a log. */
const SECRETS = localProviders.flatMap((local) =>
  Object.entries(local.provider.readConfig(env) as Record<string, unknown>)
    .filter(([key, value]) => /token|key|password|secret/i.test(key) && typeof value === 'string' && value)
    .map(([, value]) => value as string),
);

const QUERY = `{ ${PROVIDERS.map(
  (id) => `p_${id}: credentials(filter: {providers: ["${id}"]}, first: ${PAGE}) {
    edges { node { id name provider { id } ${PROVIDERS.map((field) => `${field} { __typename }`).join(' ')} } } }`,
).join('\n')} }`;

type Node = { id: string; name: string; provider: { id: string } } & Record<string, unknown>;
type Answer = GraphQLResult<Record<string, { edges: Array<{ node: Node }> }>>;

let running: RunningLocalCatalog;
const logLines: string[] = [];

beforeAll(async () => {
  running = await startLocalCatalog({
    env,
    ports: 'free',
    faultProxies: true,
    gateway: {
      subgraphTimeoutMs: 5_000,
      logger: createJsonLogger({
        level: 'info',
        destination: { write: (line: string) => logLines.push(line) },
      }),
    },
  });
}, 120_000);

afterAll(async () => {
  await running?.close();
});

beforeEach(() => {
  for (const proxy of Object.values(running.upstreams)) proxy.clearFaults();
});

async function ask(): Promise<{ answer: Answer; text: string }> {
  const response = await fetch(running.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
  const text = await response.text();
  expect(response.status).toBe(200);
  return { answer: JSON.parse(text) as Answer, text };
}

/** Everything not from `faulted` is intact; `faulted`'s own field is null on each of its credentials. */
function expectIntactBut(answer: Answer, faulted: string | null): void {
  expect(answer.data).toBeTruthy();
  for (const id of PROVIDERS) {
    const edges = answer.data![`p_${id}`]!.edges;
    expect(edges, id).toHaveLength(PAGE);
    for (const { node } of edges) {
      expect(node.provider.id).toBe(id);
      expect(node.name).toBeTruthy();
      for (const field of PROVIDERS) {
        if (field !== id) expect(node[field], `${node.id}.${field}`).toBeNull();
        else if (field === faulted) expect(node[field], `${node.id}.${field}`).toBeNull();
        else expect(node[field], `${node.id}.${field}`).toEqual({ __typename: expect.any(String) });
      }
    }
  }
}

/** One error per credential of `faulted`, at its live field, with one of `codes` and the provider named. */
function expectPreciseErrors(answer: Answer, text: string, faulted: string, codes: string[]): void {
  const errors = answer.errors ?? [];
  expect(errors.length, JSON.stringify(errors)).toBe(PAGE);
  const paths = errors.map((error) => JSON.stringify(error.path));
  for (let index = 0; index < PAGE; index++) {
    expect(paths).toContain(JSON.stringify([`p_${faulted}`, 'edges', index, 'node', faulted]));
  }
  for (const error of errors) {
    expect(codes).toContain(error.extensions?.code);
    expect(error.extensions?.provider).toBe(faulted);
    expect(error.message).toMatch(new RegExp(`^${faulted}: `));
  }
  expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

const FAULTS: Array<{ name: string; codes: string[]; fault?: StandinFault; down?: true }> = [
  { name: 'down', codes: ['UPSTREAM_UNAVAILABLE'], down: true },
  { name: 'slow beyond its timeout', codes: ['UPSTREAM_TIMEOUT'], fault: { delayMs: TIMEOUT_MS * 3 } },
  { name: 'failing with 503', codes: ['UPSTREAM_UNAVAILABLE'], fault: { status: 503 } },
  {
    name: 'rate-limiting with 429',
    codes: ['UPSTREAM_RATE_LIMITED'],
    fault: { status: 429, headers: { 'retry-after': '0' } },
  },
  {
    name: 'answering garbage',
    codes: ['UPSTREAM_BAD_RESPONSE'],
    fault: { status: 200, rawBody: '<html>oops' },
  },
  {
    name: 'cutting the connection mid-body',
    codes: ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE'],
    fault: { resetMidBody: true },
  },
];

describe('with every upstream healthy', () => {
  it('answers every provider’s credentials and live fields without error', async () => {
    const { answer } = await ask();
    expect(answer.errors).toBeUndefined();
    expectIntactBut(answer, null);
  });

  it('runs a fault proxy in front of every local provider’s stand-in', () => {
    expect(Object.keys(running.upstreams).sort()).toEqual([...PROVIDERS].sort());
  });
});

describe.each(PROVIDERS)('when the %s upstream fails', (provider) => {
  it.each(FAULTS)('$name: the others are intact and the error is precise', async ({ codes, fault, down }) => {
    const upstream = running.upstreams[provider]!;
    if (down) await upstream.down();
    if (fault) upstream.injectFault({ ...fault, times: 1_000 });
    try {
      const { answer, text } = await ask();
      expectIntactBut(answer, provider);
      expectPreciseErrors(answer, text, provider, codes);
    } finally {
      upstream.clearFaults();
      if (down) await upstream.up();
    }
    // And it recovers as soon as the upstream does.
    const { answer } = await ask();
    expect(answer.errors).toBeUndefined();
  });
});

describe('observability under faults', () => {
  it('counts upstream failures by provider and code in /metrics, and leaks no secret there or in logs', async () => {
    const text = await (await fetch(new URL('/metrics', running.gatewayUrl))).text();
    const samples = parsePrometheusText(text);
    for (const provider of PROVIDERS) {
      expect(
        sampleValue(samples, 'credgraph_upstream_requests_total', { provider, outcome: 'UPSTREAM_TIMEOUT' }),
        provider,
      ).toBeGreaterThan(0);
      expect(
        sampleValue(samples, 'credgraph_upstream_requests_total', { provider, outcome: 'ok' }),
        provider,
      ).toBeGreaterThan(0);
    }
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(logLines.join('')).not.toContain(secret);
    }
  });

  it('sends the client’s request id through the gateway and the provider subgraph to the upstream', async () => {
    const upstream = running.upstreams[PROVIDERS[0]!]!;
    upstream.resetCounts();
    await fetch(running.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-to-the-upstream' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(
      upstream.requests.some((request) => request.headers['x-request-id'] === 'trace-me-to-the-upstream'),
    ).toBe(true);
  });
});

describe('a search while one provider’s stand-in is stopped', () => {
  it('still returns the other providers’ credentials, with an error naming the stopped provider', async () => {
    const search = `{ credentials(query: "security", first: 100) { edges { node { id provider { id }
      ${PROVIDERS.map((field) => `${field} { __typename }`).join(' ')} } } } }`;
    type Search = { credentials: { edges: Array<{ node: Node }> } };
    const healthy = await graphql<Search>(running.gatewayUrl, search);
    const present = [...new Set(healthy.data!.credentials.edges.map(({ node }) => node.provider.id))];
    expect(present.length).toBeGreaterThan(1);
    const stopped = present[1]!;
    await running.upstreams[stopped]!.down();
    try {
      const result = await graphql<Search>(running.gatewayUrl, search);
      const nodes = result.data!.credentials.edges.map(({ node }) => node);
      expect(nodes.map((node) => node.id)).toEqual(
        healthy.data!.credentials.edges.map(({ node }) => node.id),
      );
      for (const node of nodes) {
        const own = node.provider.id;
        if (own === stopped) expect(node[own]).toBeNull();
        else expect(node[own], node.id).toEqual({ __typename: expect.any(String) });
      }
      const stoppedCount = nodes.filter((node) => node.provider.id === stopped).length;
      expect(result.errors).toHaveLength(stoppedCount);
      for (const error of result.errors!) {
        expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: stopped });
        expect(error.message).toMatch(new RegExp(`^${stopped}: cannot reach the upstream`));
        expect(error.path?.at(-1)).toBe(stopped);
      }
    } finally {
      await running.upstreams[stopped]!.up();
    }
  });
});

describe('a provider subgraph that dies mid-query', () => {
  it('is reported as SUBGRAPH_UNAVAILABLE for its field, with every other provider’s data intact', async () => {
    const victim = PROVIDERS[0]!;
    // The upstream answers slowly (within its timeout), so that the subgraph is busy when it dies.
    running.upstreams[victim]!.injectFault({ delayMs: TIMEOUT_MS / 2, times: 1_000 });
    const pending = ask();
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 4));
    running.subgraphs[victim]!.terminate!();
    const { answer, text } = await pending;
    expectIntactBut(answer, victim);
    expect(answer.errors!.length).toBeGreaterThan(0);
    for (const error of answer.errors!) {
      expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: victim });
    }
    expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
  });
});
