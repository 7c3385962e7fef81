import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ApolloServerPlugin,
  HeaderMap,
  type HTTPGraphQLResponse,
  type PersistedQueryOptions,
} from '@apollo/server';
import type { Dispatcher } from 'undici';
import type { GatewayContext } from '../dataSource.js';
import type { GatewayLogger } from '../logging.js';
import type { GatewayMetrics } from '../metrics.js';
import { subgraphsOfSupergraph } from '../readiness.js';
import { KeyvKeyValueCache } from './apq.js';
import { cachePlugin } from './cachePlugin.js';
import { CatalogVersionWatcher } from './catalogVersion.js';
import { EntityCache } from './entityCache.js';
import { InFlightRequests, isQueryOperation, type SharedAnswer } from './inflight.js';
import { KnownBodies } from './knownBodies.js';
import { CACHE_DEBUG_HEADER, CACHE_HEADER, type ResolvedCacheOptions } from './options.js';
import { answerKey, type KeyableRequest, keyableRequest, sessionOf } from './requestKey.js';
import type { CacheReport, RequestCacheState } from './requestState.js';
import { type HotAnswer, ResponseCache, remainingMs } from './responseCache.js';
import { CacheStores } from './stores.js';

export interface GatewayCacheOptions {
  /** The caches, or null for none (in-flight sharing and APQ may still be on). */
  cache: ResolvedCacheOptions | null;
  /** Share identical concurrent client requests. */
  dedupeRequests: boolean;
  /** Automatic persisted queries (never in trusted-documents mode). */
  persistedQueries: boolean;
  /** The token an operator sends (`x-credgraph-admin-token`) with `x-credgraph-cache: bypass`; without one, only local callers may bypass. */
  adminToken?: string;
  dispatcher: Dispatcher;
  logger: GatewayLogger;
  metrics: GatewayMetrics;
}

/** What the caches make of one client request, decided before Apollo sees it. */
export interface CachePlan {
  request: KeyableRequest | null;
  answerKey: string | null;
  session: string | null;
  /** The request's cache state, handed to Apollo in its context. */
  state: RequestCacheState;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const EMPTY_PARAMS = new URLSearchParams();
const DEFAULT_SESSION_HEADERS = ['authorization'];
// Bodies remembered for `recall`: enough for every operation a catalog's clients send, none of them large.
const RECALLED_LIMITS = { entries: 1_000, bodyBytes: 8_192, perBucket: 8 };

/**
 * Everything the gateway caches, in one place the server calls at three points: `plan` once a request's body
 * is read, `serveHit` before Apollo (a hit skips parsing, validation, planning and every subgraph), and
 * `execute` around Apollo (in-flight sharing, then storing what is cacheable). The data sources use
 * `entityCache`; Apollo gets `plugin` and `persistedQueries`.
 */
export class GatewayCache {
  readonly entityCache: EntityCache | null;
  private readonly responseCache: ResponseCache | null;
  private readonly stores: CacheStores | null;
  private readonly inFlight: InFlightRequests | null;
  private readonly watcher: CatalogVersionWatcher | null;
  private schemaDigest = '';
  private lastGeneration = { digest: '', version: '', text: '.' };
  private catalogUrl: string | null = null;
  /** Raw POST bodies seen before, with what they ask for: a hit then needs no JSON parsing and no hashing. */
  private readonly recalled = new KnownBodies<{ request: KeyableRequest; keys: Map<string, string> }>(
    RECALLED_LIMITS,
  );

  constructor(private readonly options: GatewayCacheOptions) {
    const cache = options.cache;
    const { metrics } = options;
    this.stores =
      cache || options.persistedQueries
        ? new CacheStores({
            keyPrefix: cache?.keyPrefix ?? 'credgraph',
            memoryBytes: (cache?.memoryMB ?? 16) * 1024 * 1024,
            logger: options.logger,
            onStoreError: () => metrics.cacheStoreErrors.inc(),
            ...(cache?.redisUrl ? { redisUrl: cache.redisUrl } : {}),
          })
        : null;
    this.responseCache = cache?.responses && this.stores ? new ResponseCache(this.stores) : null;
    this.entityCache =
      cache?.entities && this.stores
        ? new EntityCache(this.stores.entities, (outcome, count) =>
            metrics.countCache('entity', outcome, count),
          )
        : null;
    this.inFlight = options.dedupeRequests ? new InFlightRequests() : null;
    this.watcher =
      cache && (cache.versionPollMs > 0 || cache.versionUrl)
        ? new CatalogVersionWatcher({
            catalogUrl: () => this.catalogUrl,
            ...(cache.versionUrl ? { versionUrl: cache.versionUrl } : {}),
            intervalMs: cache.versionPollMs,
            dispatcher: options.dispatcher,
            logger: options.logger,
            onChange: () => metrics.cacheInvalidations.inc(),
          })
        : null;
  }

  /** Whether there is anything to do per request at all. */
  get active(): boolean {
    return this.options.cache !== null || this.inFlight !== null;
  }

  /** The cache max-age of subgraph answers without Cache-Control (0 without caches: Apollo's default). */
  get defaultMaxAge(): number {
    return this.options.cache?.defaultMaxAgeSeconds ?? 0;
  }

  /** Apollo's `persistedQueries` option: APQ on the shared store, or off. */
  persistedQueriesOption(trustedOnly: boolean): PersistedQueryOptions | false {
    if (trustedOnly || !this.options.persistedQueries || !this.stores) return false;
    return { cache: new KeyvKeyValueCache(this.stores.persistedQueries), ttl: 86_400 };
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return cachePlugin({ afterMutation: () => this.watcher?.checkNow() ?? Promise.resolve() });
  }

  /** A supergraph was loaded: keys move to its digest, and the version comes from its catalog subgraph. */
  onSupergraph(supergraphSdl: string): void {
    this.schemaDigest = createHash('sha256').update(supergraphSdl).digest('base64url').slice(0, 12);
    const subgraph = this.options.cache?.versionSubgraph ?? 'catalog';
    this.catalogUrl = subgraphsOfSupergraph(supergraphSdl).get(subgraph) ?? null;
  }

  /** Reads the catalog's version once (so that the first keys carry it), then keeps watching. */
  async start(): Promise<void> {
    await this.stores?.ready();
    await this.watcher?.start();
  }

  async close(): Promise<void> {
    this.watcher?.close();
    await this.stores?.close();
  }

  /** The generation every key carries: the supergraph's digest and the catalog's version. */
  get generation(): string {
    const version = this.watcher?.current ?? '';
    // The same string object while nothing changes: keys made from it are then found without hashing it anew.
    if (this.schemaDigest !== this.lastGeneration.digest || version !== this.lastGeneration.version) {
      this.lastGeneration = { digest: this.schemaDigest, version, text: `${this.schemaDigest}.${version}` };
    }
    return this.lastGeneration.text;
  }

  /**
   * Reads what the caches need from a request whose body is parsed (and, for trusted documents, resolved).
   * `rawBody`, the bytes of a POST's JSON, is remembered with what it asks for (see {@link recall}).
   */
  plan(
    request: IncomingMessage,
    method: string,
    body: unknown,
    search: string,
    adminToken: string | undefined,
    rawBody?: Buffer,
  ): CachePlan {
    // A GET that Apollo's CSRF prevention would refuse gets no answer from the cache either.
    const keyable =
      method === 'GET' && !passesCsrfCheck(request)
        ? null
        : keyableRequest(method, body, method === 'POST' ? EMPTY_PARAMS : new URLSearchParams(search));
    const accept = headerText(request.headers.accept) ?? '';
    const key = keyable ? answerKey(keyable, accept) : null;
    if (rawBody !== undefined && keyable && key) this.remember(rawBody, keyable, accept, key);
    return this.planFor(request, keyable, key, adminToken);
  }

  /**
   * The plan of a POST whose exact JSON bytes were planned before (with the same `accept`), or null. Planning
   * again would decode and parse the same JSON and hash the same document to the same key; a hit found this
   * way costs a lookup and a comparison of bytes. The bytes were accepted then (as UTF-8 JSON, not a batch,
   * trusted where only trusted documents run), and what decided that does not change while the gateway runs.
   */
  recall(request: IncomingMessage, rawBody: Buffer, adminToken: string | undefined): CachePlan | null {
    const known = this.recalled.get(rawBody);
    const key = known?.keys.get(headerText(request.headers.accept) ?? '');
    return known && key ? this.planFor(request, known.request, key, adminToken) : null;
  }

  private remember(rawBody: Buffer, request: KeyableRequest, accept: string, key: string): void {
    const known = this.recalled.getOrAdd(rawBody, () => ({ request, keys: new Map() }));
    if (known && known.keys.size < 16) known.keys.set(accept, key);
  }

  private planFor(
    request: IncomingMessage,
    keyable: KeyableRequest | null,
    key: string | null,
    adminToken: string | undefined,
  ): CachePlan {
    const cache = this.options.cache;
    const headers = request.headers;
    // Sessions matter to in-flight sharing too: it must never hand one user's answer to another.
    const session = sessionOf(headers, cache?.sessionHeaders ?? DEFAULT_SESSION_HEADERS);
    const debug = cache !== null && headers[CACHE_DEBUG_HEADER] === '1';
    const bypass =
      cache !== null && headers[CACHE_HEADER] === 'bypass' && this.mayBypass(request, adminToken);
    const generation = this.generation;
    const report: CacheReport | null = debug
      ? {
          response: this.responseCache ? (bypass ? 'BYPASS' : 'MISS') : 'OFF',
          policy: null,
          entities: {},
          generation,
        }
      : null;
    return {
      request: keyable,
      answerKey: key,
      session,
      state: {
        generation,
        session,
        bypass,
        entities: this.entityCache !== null,
        report,
        storable: null,
        private: false,
      },
    };
  }

  /**
   * Answers from the response cache when it holds the answer, with `headers` besides its own: true once sent.
   * Synchronous unless the answer must come from Redis.
   */
  serveHit(
    plan: CachePlan,
    response: ServerResponse,
    headers?: Record<string, string>,
  ): boolean | Promise<boolean> {
    const state = plan.state;
    if (!this.responseCache || !plan.answerKey || !state || state.bypass) return false;
    const held = this.responseCache.peek(state.generation, plan.answerKey, plan.session);
    if (held) return this.sendHit(held, state, response, headers);
    if (!this.responseCache.shared) return this.miss();
    return this.responseCache
      .fetchShared(state.generation, plan.answerKey, plan.session)
      .then((shared) => (shared ? this.sendHit(shared, state, response, headers) : this.miss()));
  }

  /**
   * Runs Apollo for a request the cache could not answer: joining an identical request in flight when
   * sharing is on, and storing the answer when it is cacheable.
   */
  async execute(plan: CachePlan, run: () => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse> {
    const state = plan.state;
    const shareKey =
      this.inFlight &&
      plan.request &&
      plan.answerKey &&
      !state?.report &&
      !state?.bypass &&
      isQueryOperation(plan.request.documentHash, plan.request.query, plan.request.operationName)
        ? `${this.generation}|${plan.answerKey}|${plan.session ?? ''}`
        : null;
    let result: HTTPGraphQLResponse;
    if (shareKey && this.inFlight) {
      const running = this.inFlight.join(shareKey);
      const shared = running ? await running : null;
      if (shared) {
        this.options.metrics.deduplicatedRequests.inc();
        return fromShared(shared);
      }
      // A PRIVATE answer is shared only within its session: never among anonymous requests.
      result = await this.inFlight.lead(shareKey, run, (done) =>
        state?.private && !plan.session ? null : toShared(done),
      );
    } else {
      result = await run();
    }
    if (state) this.storeAnswer(plan, state, result);
    return result;
  }

  private storeAnswer(plan: CachePlan, state: RequestCacheState, result: HTTPGraphQLResponse): void {
    if (!this.responseCache) return;
    result.headers.set(CACHE_HEADER, state.bypass ? 'bypass' : 'miss');
    const storable = state.storable;
    if (
      !storable ||
      !plan.answerKey ||
      state.report ||
      (result.status ?? 200) !== 200 ||
      result.body.kind !== 'complete'
    ) {
      return;
    }
    this.responseCache.store(state.generation, plan.answerKey, plan.session, {
      body: result.body.string,
      contentType: result.headers.get('content-type') ?? 'application/json; charset=utf-8',
      maxAge: storable.maxAge,
      scope: storable.scope,
    });
    this.options.metrics.countCache('response', 'store');
  }

  private sendHit(
    answer: HotAnswer,
    state: RequestCacheState,
    response: ServerResponse,
    headers: Record<string, string> | undefined,
  ): true {
    this.options.metrics.countCache('response', 'hit');
    const now = Date.now();
    const maxAge = Math.max(0, Math.floor(remainingMs(answer, now) / 1000));
    const age = Math.max(0, Math.floor((now - answer.storedAt) / 1000));
    let body = answer.body;
    if (state.report) {
      const report: CacheReport = {
        ...state.report,
        response: 'HIT',
        policy: { maxAge, scope: answer.scope },
        age,
      };
      const parsed = JSON.parse(body.toString('utf8')) as { extensions?: Record<string, unknown> };
      parsed.extensions = { ...parsed.extensions, credgraphCache: report };
      body = Buffer.from(JSON.stringify(parsed), 'utf8');
    }
    const head: Record<string, string | number> = {
      'content-type': answer.contentType,
      'content-length': body.length,
      'cache-control': `max-age=${maxAge}, ${answer.scope === 'PRIVATE' ? 'private' : 'public'}`,
      age: String(age),
      [CACHE_HEADER]: 'hit',
    };
    // Added one by one: spreading them into the literal above took a slow path (7 % of a hit's CPU).
    for (const name in headers) head[name] = headers[name]!;
    response.writeHead(200, head);
    response.end(body);
    return true;
  }

  private miss(): false {
    this.options.metrics.countCache('response', 'miss');
    return false;
  }

  private mayBypass(request: IncomingMessage, adminToken: string | undefined): boolean {
    const expected = this.options.adminToken;
    if (!expected) return LOOPBACK.has(request.socket.remoteAddress ?? '');
    return (
      adminToken !== undefined &&
      adminToken.length === expected.length &&
      timingSafeEqual(Buffer.from(adminToken), Buffer.from(expected))
    );
  }
}

const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/**
 * Apollo's CSRF rule: a request may run if its content type is one a browser preflights, or it carries a
 * non-empty `x-apollo-operation-name` or `apollo-require-preflight` header. (Apollo's own check still runs for
 * every request the cache does not answer.)
 */
function passesCsrfCheck(request: IncomingMessage): boolean {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined) {
    const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
    if (!SIMPLE_CONTENT_TYPES.has(essence)) return true;
  }
  const headers = request.headers;
  return Boolean(headers['x-apollo-operation-name'] || headers['apollo-require-preflight']);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function toShared(result: HTTPGraphQLResponse): SharedAnswer | null {
  if (result.body.kind !== 'complete') return null;
  return { status: result.status ?? 200, headers: [...result.headers], body: result.body.string };
}

function fromShared(shared: SharedAnswer): HTTPGraphQLResponse {
  return {
    status: shared.status,
    headers: new HeaderMap(shared.headers),
    body: { kind: 'complete', string: shared.body },
  };
}
