import { describe, expect, it } from 'vitest';
import type { ExemplarClient } from '../../subgraphs/_template/client.js';
import { exemplarProvider } from '../../subgraphs/_template/provider.js';
import { startExemplarStandin } from '../../subgraphs/_template/standin/server.js';
import {
  type AnyProvider,
  type ConformanceTestApi,
  defineProvider,
  type ProviderConformanceOptions,
  providerConformanceSuite,
} from '../../subgraphs/kit/index.js';

/**
 * The conformance suite fails the providers it should: each broken variant of the template provider below must
 * fail exactly the check that names its fault, and the unbroken one must pass them all. The suite runs here
 * through a small runner of its own, so that its failures become data instead of failing this file.
 */

type Hook = () => Promise<void>;

/** Runs the suite for a provider and answers each check's name with its failure message, or null. */
async function outcomes(provider: AnyProvider): Promise<Map<string, string | null>> {
  const tests: Array<{ name: string; body: Hook }> = [];
  const before: Hook[] = [];
  const after: Hook[] = [];
  const path: string[] = [];
  const runner: ConformanceTestApi = {
    describe(name, body) {
      path.push(name);
      body();
      path.pop();
    },
    it(name, body) {
      tests.push({ name: [...path.slice(1), name].join(' > '), body });
    },
    expect,
    beforeAll: (body) => void before.push(body),
    afterAll: (body) => void after.push(body),
  };
  const options: ProviderConformanceOptions = {
    provider,
    baseUrlSetting: 'EXEMPLAR_BASE_URL',
    startStandin: () => startExemplarStandin(),
    envFor: (standin) => ({ EXEMPLAR_BASE_URL: `${standin.origin}/v1/`, EXEMPLAR_PAGE_SIZE: '10' }),
  };
  providerConformanceSuite(runner, options);
  const results = new Map<string, string | null>();
  for (const hook of before) await hook();
  try {
    for (const test of tests) {
      try {
        await test.body();
        results.set(test.name, null);
      } catch (error) {
        results.set(test.name, (error as Error).message);
      }
    }
  } finally {
    for (const hook of after) await hook();
  }
  return results;
}

const failing = (results: Map<string, string | null>) =>
  [...results].filter(([, failure]) => failure !== null).map(([name]) => name);

const variant = (changes: Partial<typeof exemplarProvider>): AnyProvider =>
  defineProvider({ ...exemplarProvider, ...changes }) as AnyProvider;

describe('the provider conformance suite', () => {
  it('passes the template provider on every check', async () => {
    const results = await outcomes(exemplarProvider as AnyProvider);
    expect(results.size).toBeGreaterThanOrEqual(12);
    expect(failing(results)).toEqual([]);
  });

  it('fails a provider whose loadDetails loses the order of the batch', async () => {
    const results = await outcomes(
      variant({
        loadDetails: async (client: ExemplarClient, refs) => {
          const details = await exemplarProvider.loadDetails(client, refs);
          return refs.length > 1 ? [...details].reverse() : details;
        },
      }),
    );
    // The wrong details reach _entities too, where an unknown id gets details and a known one gets null.
    expect(failing(results)).toEqual([
      'live details > loadDetails keeps order and length, with duplicates, and answers null for unknown ids',
      'live details > resolves Credential.exemplar through _entities: its own ids, null for unknown and foreign ids',
    ]);
  });

  it('fails a provider whose feed serves a record twice', async () => {
    const results = await outcomes(
      variant({
        feedPage: async (client: ExemplarClient, request) => {
          const page = await exemplarProvider.feedPage(client, request);
          return { ...page, items: [...page.items, ...page.items.slice(0, 1)] };
        },
      }),
    );
    expect(failing(results)).toContain(
      'feed > walks every page to the end: each record once, valid in the common schema, of this provider',
    );
  });

  it('fails a provider whose feed maps records outside the common schema', async () => {
    const results = await outcomes(
      variant({
        feedPage: async (client: ExemplarClient, request) => {
          const page = await exemplarProvider.feedPage(client, request);
          return { ...page, items: page.items.map((item) => ({ ...item, level: 'GURU' as never })) };
        },
      }),
    );
    const walk =
      'feed > walks every page to the end: each record once, valid in the common schema, of this provider';
    expect(failing(results)).toContain(walk);
    expect(results.get(walk)).toContain('records the mapping could not make valid');
  });

  it('fails a provider that hides upstream errors behind its own', async () => {
    const results = await outcomes(
      variant({
        feedPage: async (client: ExemplarClient, request) =>
          exemplarProvider.feedPage(client, request).catch(() => {
            throw new Error('something went wrong');
          }),
      }),
    );
    // Its feed answers 500 where the catalog needs a 400 or a 502 with a code it can report.
    expect(failing(results)).toEqual([
      'feed > answers 400 to a cursor it did not issue',
      'upstream faults > maps a refused token (401) to UPSTREAM_UNAUTHORIZED: feed 502, field error',
      'upstream faults > maps a body that is not JSON to UPSTREAM_BAD_RESPONSE, which the feed answers with 502',
      'upstream faults > maps an upstream that is down to UPSTREAM_UNAVAILABLE: feed 502, field error',
    ]);
  });

  it('fails a provider that accepts a base URL it cannot use', async () => {
    const results = await outcomes(
      variant({
        readConfig: (env) => ({ ...exemplarProvider.readConfig({}), baseUrl: String(env.EXEMPLAR_BASE_URL) }),
      }),
    );
    expect(failing(results)).toContain(
      'config > refuses a bad EXEMPLAR_BASE_URL with a ConfigError naming it',
    );
  });
});
