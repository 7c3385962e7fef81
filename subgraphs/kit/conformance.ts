import { type FieldDefinitionNode, Kind, parse } from 'graphql';
import { type CredentialRecord, credentialRecordProblems, parseCredentialId } from '../../schema/index.js';
import type { Env } from './config.js';
import type { AnyProvider } from './contract.js';
import type { FeedResponse } from './feed.js';
import { startProviderSubgraph } from './providerSubgraph.js';
import type { RunningServer } from './serve.js';
import type { RunningStandin } from './standin.js';

/**
 * The provider conformance suite: the checks every provider must pass, run with one call from its test file
 * (keyv's test-suite pattern). It talks to the provider only over real HTTP, through the kit's subgraph and feed
 * servers, against the provider's own stand-in, so it checks what the catalog and the gateway will see.
 */

/** One assertion, as vitest's and jest's `expect(actual)` offer it; only the matchers the suite uses. */
export interface ConformanceAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeNull(): void;
  toBeGreaterThan(expected: number): void;
  toBeGreaterThanOrEqual(expected: number): void;
  toContain(expected: unknown): void;
  toMatch(expected: RegExp | string): void;
  toHaveLength(expected: number): void;
  not: ConformanceAssertion;
}

/**
 * The test runner's functions, passed in so that the kit never imports a test framework: in a vitest file,
 * `{ describe, it, expect, beforeAll, afterAll }` from 'vitest'.
 */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
  expect(actual: unknown, message?: string): ConformanceAssertion;
  beforeAll(body: () => Promise<void>, timeoutMs?: number): void;
  afterAll(body: () => Promise<void>, timeoutMs?: number): void;
}

export interface ProviderConformanceOptions {
  provider: AnyProvider;
  /** The setting that holds the upstream base URL, e.g. `COURSERA_BASE_URL`: bad values must be refused naming it. */
  baseUrlSetting: string;
  /** Starts the provider's stand-in on a free port (the suite may start several, and stops them all). */
  startStandin(): Promise<RunningStandin>;
  /** The environment that points the provider at a running stand-in: base URL, credentials, page size. */
  envFor(standin: RunningStandin): Env;
  /** How many valid records the stand-in's sample data yields, when the test knows; checked when given. */
  expectedCount?: number;
  /** The `limit` the suite asks the feed for; small (default 7) so that the sample data spans several pages. */
  feedLimit?: number;
}

interface FeedWalk {
  records: CredentialRecord[];
  pages: number;
}

interface EntitiesAnswer {
  data?: { _entities: Array<Record<string, unknown> | null> } | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }>;
}

const FOREIGN_ID = 'conformance-other-provider:item:1';
/** Guards the feed walk against a provider whose cursors never end. */
const MAX_FEED_PAGES = 10_000;

/**
 * Registers the conformance suite for one provider: config validation, feed paging, the records' validity,
 * batched details (order, length, duplicates, unknown ids), `_entities` resolution through the subgraph,
 * error mapping (401, a 5xx that a retry cures, a body that is not JSON) and an upstream that is down.
 *
 * @example
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * providerConformanceSuite({ describe, it, expect, beforeAll, afterAll }, {
 *   provider: acmeProvider,
 *   baseUrlSetting: 'ACME_BASE_URL',
 *   startStandin: () => startAcmeStandin(),
 *   envFor: (standin) => ({ ACME_BASE_URL: `${standin.origin}/v1/` }),
 * });
 */
export function providerConformanceSuite(
  test: ConformanceTestApi,
  options: ProviderConformanceOptions,
): void {
  const { describe, it, expect, beforeAll, afterAll } = test;
  const { provider, baseUrlSetting } = options;
  const field = provider.info.id;
  const feedLimit = options.feedLimit ?? 7;
  const closers: Array<() => Promise<void>> = [];
  let standin: RunningStandin;
  let env: Env;
  let subgraph: RunningServer;
  let walked: Promise<FeedWalk> | null = null;

  const feedUrl = (server: RunningServer, query: Record<string, string> = {}) => {
    const url = new URL('/feed', server.url);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  };

  /** Walks the whole feed over HTTP, checking each page's envelope on the way. */
  async function walkFeed(limit: number): Promise<FeedWalk> {
    const records: CredentialRecord[] = [];
    const cursors = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await fetch(
        feedUrl(subgraph, { limit: String(limit), ...(cursor ? { cursor } : {}) }),
      );
      expect(response.status, `GET /feed page ${pages + 1}`).toBe(200);
      const page = (await response.json()) as FeedResponse;
      expect(page.provider, 'the feed names its provider').toEqual(provider.info);
      expect(page.rejected, 'records the mapping could not make valid').toEqual([]);
      records.push(...page.items);
      cursor = page.nextCursor;
      if (cursor !== null) {
        expect(cursors.has(cursor), `nextCursor ${cursor} came back twice`).toBe(false);
        cursors.add(cursor);
      }
      pages += 1;
    } while (cursor !== null && pages < MAX_FEED_PAGES);
    expect(cursor, `the feed still had a next page after ${MAX_FEED_PAGES} pages`).toBeNull();
    return { records, pages };
  }

  /** A fault test clears its faults however it ends, so that one failure cannot poison the tests after it. */
  const faultTest = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } finally {
      standin.clearFaults();
    }
  };

  const feed = () => {
    walked ??= walkFeed(feedLimit);
    return walked;
  };

  async function startSubgraph(withEnv: Env): Promise<RunningServer> {
    const server = await startProviderSubgraph(provider, { env: withEnv, port: 0 });
    closers.push(() => server.close());
    return server;
  }

  async function entities(server: RunningServer, ids: readonly string[]): Promise<EntitiesAnswer> {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Credential { id ${field} { __typename } } } }`,
        variables: { representations: ids.map((id) => ({ __typename: 'Credential', id })) },
      }),
    });
    expect(response.status, 'POST /graphql _entities').toBe(200);
    return (await response.json()) as EntitiesAnswer;
  }

  async function feedError(server: RunningServer): Promise<{ status: number; code: string | undefined }> {
    const response = await fetch(feedUrl(server, { limit: String(feedLimit) }));
    const body = (await response.json()) as { error?: { code?: string } };
    return { status: response.status, code: body.error?.code };
  }

  /** A few of the provider's own ids, spread over the feed, and an id of the same kind it cannot know. */
  async function sampleIds(): Promise<{ ids: string[]; unknown: string }> {
    const { records } = await feed();
    const picks = [records[0], records[Math.floor(records.length / 2)], records[records.length - 1]];
    const ids = [...new Set(picks.map((record) => record!.id))];
    const kind = parseCredentialId(ids[0]!)!.kind;
    return { ids, unknown: `${field}:${kind}:conformance-no-such-${Date.now()}` };
  }

  describe(`${field}: provider conformance`, () => {
    beforeAll(async () => {
      standin = await options.startStandin();
      closers.push(() => standin.close());
      env = options.envFor(standin);
      subgraph = await startSubgraph(env);
    });
    afterAll(async () => {
      for (const close of closers.reverse()) await close().catch(() => {});
    });

    describe('config', () => {
      it('reads its config from the environment that points at the stand-in', async () => {
        expect(catching(() => provider.readConfig(env))?.message ?? null, 'readConfig error').toBeNull();
      });

      it(`refuses a bad ${baseUrlSetting} with a ConfigError naming it`, async () => {
        for (const bad of ['not a url', 'ftp://example.org/feed/']) {
          const failure = catching(() => provider.readConfig({ ...env, [baseUrlSetting]: bad }));
          expect(failure?.name, `${baseUrlSetting}=${bad}`).toBe('ConfigError');
          expect(failure?.message).toContain(baseUrlSetting);
        }
      });
    });

    describe('feed', () => {
      it('walks every page to the end: each record once, valid in the common schema, of this provider', async () => {
        const { records, pages } = await feed();
        expect(records.length, 'records in the feed').toBeGreaterThan(0);
        if (options.expectedCount !== undefined) expect(records).toHaveLength(options.expectedCount);
        if (records.length > feedLimit) expect(pages, 'pages walked').toBeGreaterThan(1);
        const ids = records.map((record) => record.id);
        expect(new Set(ids).size, 'distinct ids').toBe(ids.length);
        for (const record of records) {
          expect(credentialRecordProblems(record), record.id).toEqual([]);
          expect(record.provider, record.id).toBe(field);
          expect(parseCredentialId(record.id)?.provider, record.id).toBe(field);
        }
      });

      it('yields the same records whatever page size the catalog asks for', async () => {
        const { records } = await feed();
        const large = await walkFeed(500);
        expect(large.records.map((record) => record.id).sort()).toEqual(
          records.map((record) => record.id).sort(),
        );
      });

      it('answers 400 to a cursor it did not issue', async () => {
        const response = await fetch(feedUrl(subgraph, { cursor: 'not-a-cursor-this-feed-issued' }));
        expect(response.status).toBe(400);
      });
    });

    describe('live details', () => {
      it('loadDetails keeps order and length, with duplicates, and answers null for unknown ids', async () => {
        const { ids, unknown } = await sampleIds();
        const refs = [...ids]
          .reverse()
          .concat(ids[0]!, unknown)
          .map((id) => parseCredentialId(id)!);
        const client = provider.createClient(provider.readConfig(env));
        try {
          const batch = await provider.loadDetails(client, refs);
          expect(batch, 'one result per ref').toHaveLength(refs.length);
          expect(batch[refs.length - 1], `unknown id ${unknown}`).toBeNull();
          expect(batch[refs.length - 2], 'a duplicate ref gets the same details').toEqual(
            batch[ids.length - 1],
          );
          for (const [index, ref] of refs.entries()) {
            const [alone] = await provider.loadDetails(client, [ref]);
            expect(batch[index], `result ${index} is the details of ref ${index}`).toEqual(alone);
            if (index < ids.length) {
              expect(batch[index], `details of ${ids[index]}`).not.toBeNull();
              expect(batch[index] instanceof Error, `details of ${ids[index]}`).toBe(false);
            }
          }
        } finally {
          await client.close();
        }
      });

      it(`resolves Credential.${field} through _entities: its own ids, null for unknown and foreign ids`, async () => {
        const { ids, unknown } = await sampleIds();
        const asked = [ids[0]!, FOREIGN_ID, unknown, ...ids.slice(1)];
        const answer = await entities(subgraph, asked);
        expect(answer.errors, 'GraphQL errors').toEqual(undefined);
        const resolved = (answer.data?._entities ?? []).map((entity) => ({
          id: entity?.id,
          // A union or interface details type resolves to one of its members; any object type will do.
          [field]: (entity?.[field] as { __typename?: string } | null) === null ? null : 'details',
        }));
        expect(resolved).toEqual(
          asked.map((id) => ({ id, [field]: id === FOREIGN_ID || id === unknown ? null : 'details' })),
        );
      });

      it(`declares Credential.${field} nullable, so that its outage never erases other providers' data`, async () => {
        const response = await fetch(subgraph.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ _service { sdl } }' }),
        });
        const { data } = (await response.json()) as { data: { _service: { sdl: string } } };
        const declared = credentialFields(data._service.sdl).find(
          (definition) => definition.name.value === field,
        );
        expect(declared?.type.kind, `Credential.${field}`).toBe(Kind.NAMED_TYPE);
      });
    });

    describe('upstream faults', () => {
      it(
        'maps a refused token (401) to UPSTREAM_UNAUTHORIZED: feed 502, field error',
        faultTest(async () => {
          const { ids } = await sampleIds();
          // Every request is refused, token requests included: an adapter may renew its token once on a 401.
          standin.injectFault({ status: 401, body: { message: 'injected: token refused' }, times: 1_000 });
          expect(await feedError(subgraph)).toEqual({ status: 502, code: 'UPSTREAM_UNAUTHORIZED' });
          const answer = await entities(subgraph, [ids[0]!]);
          expect(answer.data?._entities).toEqual([{ id: ids[0], [field]: null }]);
          expect(answer.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAUTHORIZED');
        }),
      );

      it(
        'retries a 5xx and answers as if nothing happened',
        faultTest(async () => {
          // The first call may renew a token; the second shows what one feed page costs upstream.
          for (const _ of [1, 2]) {
            standin.resetCounts();
            expect((await fetch(feedUrl(subgraph, { limit: String(feedLimit) }))).status).toBe(200);
          }
          const requestsWhenHealthy = standin.totalRequests();
          standin.resetCounts();
          standin.injectFault({ status: 500, body: { message: 'injected: upstream hiccup' } });
          const retried = await fetch(feedUrl(subgraph, { limit: String(feedLimit) }));
          expect(retried.status).toBe(200);
          expect(((await retried.json()) as FeedResponse).items.length).toBeGreaterThan(0);
          expect(standin.totalRequests(), 'upstream requests: the failed one and its retry').toBe(
            requestsWhenHealthy + 1,
          );
        }),
      );

      it(
        'waits out a 429 for its Retry-After, then answers as if nothing happened',
        faultTest(async () => {
          standin.injectFault({
            status: 429,
            headers: { 'retry-after': '1' },
            body: { message: 'injected: slow down' },
          });
          const started = Date.now();
          const answer = await fetch(feedUrl(subgraph, { limit: String(feedLimit) }));
          expect(answer.status).toBe(200);
          expect(((await answer.json()) as FeedResponse).items.length).toBeGreaterThan(0);
          expect(Date.now() - started, 'it waited for Retry-After').toBeGreaterThanOrEqual(900);
        }),
      );

      it(
        'maps a body that is not JSON to UPSTREAM_BAD_RESPONSE, which the feed answers with 502',
        faultTest(async () => {
          standin.injectFault({ rawBody: '<html>this is not the API</html>' });
          expect(await feedError(subgraph)).toEqual({ status: 502, code: 'UPSTREAM_BAD_RESPONSE' });
        }),
      );

      it('maps an upstream that is down to UPSTREAM_UNAVAILABLE: feed 502, field error', async () => {
        const { ids } = await sampleIds();
        const doomed = await options.startStandin();
        const orphan = await startSubgraph(options.envFor(doomed));
        await doomed.close();
        expect(await feedError(orphan)).toEqual({ status: 502, code: 'UPSTREAM_UNAVAILABLE' });
        const answer = await entities(orphan, [ids[0]!]);
        expect(answer.data?._entities).toEqual([{ id: ids[0], [field]: null }]);
        expect(answer.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      });
    });
  });
}

function catching(body: () => unknown): Error | null {
  try {
    body();
    return null;
  } catch (error) {
    return error as Error;
  }
}

/** The fields a subgraph SDL declares on `Credential`, in its definitions and extensions alike. */
function credentialFields(sdl: string): FieldDefinitionNode[] {
  const fields: FieldDefinitionNode[] = [];
  for (const definition of parse(sdl).definitions) {
    const isObject =
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION;
    if (isObject && definition.name.value === 'Credential') fields.push(...(definition.fields ?? []));
  }
  return fields;
}
