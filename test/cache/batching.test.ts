import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProviders } from '../../cli/localProviders.js';
import { type RunningLocalCatalog, startLocalCatalog } from '../../cli/start.js';
import { post } from './fixtures.js';

/**
 * The batching proof: a page of 50 credentials asking for every provider's live field costs each provider one
 * subgraph request (other providers' ids never reach it), and each provider at most one upstream request per
 * multi-get endpoint its upstream has; upstreams without one are asked once per credential of theirs on the
 * page, each record once. Counted at fault proxies in front of every stand-in, with no cache anywhere (the
 * gateway's are off by default in code, and the stand-ins send no Cache-Control).
 */

const PROVIDERS = localProviders.map((local) => local.provider.info.id);
const PAGE_QUERY = `{
  credentials(first: 50) {
    edges { node { id provider { id }
      credly { id } coursera { id } badgr { entityId } edx { __typename } openbadges { id } registry { ctid }
    } }
  }
}`;

/** Providers whose upstream answers many records in one request (`ids=`, `keys=`, `uuids=`). */
const MULTI_GET = new Set(['coursera', 'edx']);

let running: RunningLocalCatalog;

beforeAll(async () => {
  running = await startLocalCatalog({
    env: {
      ...process.env,
      CATALOG_HARVEST_INTERVAL_S: '0',
      CREDGRAPH_RATE_LIMIT: '0',
      STANDIN_CACHE_CONTROL: '',
    },
    ports: 'free',
    faultProxies: true,
    gateway: { logLevel: 'silent' },
  });
});

afterAll(async () => {
  await running?.close();
});

type Page = {
  credentials: { edges: Array<{ node: { id: string; provider: { id: string } } & Record<string, unknown> }> };
};

describe('a page of 50 credentials with every provider field', () => {
  it('costs one subgraph request per provider on the page and batched upstream requests', async () => {
    for (const proxy of Object.values(running.upstreams)) proxy.resetCounts();
    const subgraphBefore = await subgraphRequests(running.gatewayUrl);

    const answer = await post<Page>(running.gatewayUrl, { query: PAGE_QUERY });
    expect(answer.body.errors).toBeUndefined();
    const nodes = answer.body.data!.credentials.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(50);
    const onPage = new Map<string, number>();
    for (const node of nodes) {
      onPage.set(node.provider.id, (onPage.get(node.provider.id) ?? 0) + 1);
      // Each credential has its own provider's field, and null for every other.
      for (const provider of PROVIDERS) {
        if (provider === node.provider.id) expect(node[provider]).not.toBeNull();
        else expect(node[provider]).toBeNull();
      }
    }
    expect(onPage.size).toBeGreaterThanOrEqual(4);

    const subgraphAfter = await subgraphRequests(running.gatewayUrl);
    for (const provider of PROVIDERS) {
      const asked = (subgraphAfter.get(provider) ?? 0) - (subgraphBefore.get(provider) ?? 0);
      expect(asked, `${provider} subgraph requests`).toBe(onPage.has(provider) ? 1 : 0);
    }

    for (const provider of PROVIDERS) {
      const proxy = running.upstreams[provider]!;
      const requests = proxy.requests.filter((request) => request.method === 'GET');
      const own = onPage.get(provider) ?? 0;
      if (MULTI_GET.has(provider)) {
        // At most one request per endpoint, however many of the provider's credentials are on the page.
        const endpoints = requests.map((request) => request.path.split('?', 1)[0]!);
        expect(
          new Set(endpoints).size,
          `${provider}: an endpoint asked twice in ${endpoints.join(', ')}`,
        ).toBe(endpoints.length);
      } else {
        // One record per request: never more requests for the page's credentials than there are of them,
        // and no record asked twice.
        const paths = requests.map((request) => request.path);
        expect(new Set(paths).size, `${provider}: a record asked twice in ${paths.join(', ')}`).toBe(
          paths.length,
        );
        expect(proxy.totalRequests(), `${provider} upstream requests`).toBeLessThanOrEqual(own * 2);
      }
    }
  });
});

/** The gateway's count of requests to each subgraph, from its /metrics. */
async function subgraphRequests(gatewayUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  const counts = new Map<string, number>();
  for (const match of text.matchAll(
    /^credgraph_subgraph_requests_total\{subgraph="([^"]+)",outcome="ok"\} (\d+)$/gm,
  )) {
    counts.set(match[1]!, Number(match[2]));
  }
  return counts;
}
