import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProviders } from '../../cli/localProviders.js';
import { type RunningLocalCatalog, startLocalCatalog } from '../../cli/start.js';
import { graphql } from '../fixtures/http.js';

/**
 * A harvest is per provider: when one upstream answers garbage, is down or refuses our token, that provider's
 * harvest fails with a precise code and keeps its previous credentials, and every other provider's harvest
 * goes through untouched.
 */
let running: RunningLocalCatalog;

beforeAll(async () => {
  running = await startLocalCatalog({ env: { ...process.env }, ports: 'free', faultProxies: true });
});

afterAll(async () => {
  await running?.close();
});

interface ProviderStatus {
  id: string;
  harvest: { state: string; credentialCount: number; lastErrorCode: string | null; lastError: string | null };
}

async function providers(): Promise<Map<string, ProviderStatus>> {
  const result = await graphql<{ providers: ProviderStatus[] }>(
    running.gatewayUrl,
    '{ providers { id harvest { state credentialCount lastErrorCode lastError } } }',
  );
  expect(result.errors).toBeUndefined();
  return new Map(result.data!.providers.map((provider) => [provider.id, provider]));
}

async function harvestAll(): Promise<void> {
  const response = await fetch(new URL('/admin/harvest', running.subgraphUrls.catalog), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'FULL' }),
  });
  expect(response.status).toBe(200);
}

const faults = [
  ['answers garbage', { rawBody: '<html>maintenance</html>', times: 10_000 }, 'UPSTREAM_BAD_RESPONSE'],
  [
    'refuses our credentials',
    { status: 401, body: { message: 'no' }, times: 10_000 },
    'UPSTREAM_UNAUTHORIZED',
  ],
] as const;

describe.each(localProviders.map((local) => local.provider.info.id))('when %s', (failing) => {
  it.each(faults)(
    '%s, its harvest fails precisely and every other provider harvests as usual',
    async (_, fault, code) => {
      const before = await providers();
      running.upstreams[failing]!.injectFault(fault);
      try {
        await harvestAll();
      } finally {
        running.upstreams[failing]!.clearFaults();
      }
      const after = await providers();
      const broken = after.get(failing)!;
      expect(broken.harvest.state).toBe('FAILED');
      expect(broken.harvest.lastErrorCode).toBe(code);
      expect(broken.harvest.lastError).toContain(failing);
      expect(broken.harvest.credentialCount, 'the previous harvest is kept').toBe(
        before.get(failing)!.harvest.credentialCount,
      );
      for (const [id, status] of after) {
        if (id === failing) continue;
        expect(status.harvest, id).toMatchObject({ state: 'OK', lastError: null });
        expect(status.harvest.credentialCount, id).toBe(before.get(id)!.harvest.credentialCount);
      }
      await harvestAll();
      expect((await providers()).get(failing)!.harvest.state, 'it recovers on the next harvest').toBe('OK');
    },
  );
});
