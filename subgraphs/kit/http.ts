import { Agent, cacheStores, type Dispatcher, interceptors } from 'undici';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  circuitStateValue,
} from './circuitBreaker.js';
import { UpstreamError, type UpstreamErrorCode } from './errors.js';
import { deepFreeze } from './frozen.js';
import {
  upstreamCalls,
  upstreamCircuitState,
  upstreamDuration,
  upstreamRetries,
  upstreamStaleServed,
} from './metrics.js';
import { currentRequestId, currentRequestWantsFresh, REQUEST_ID_HEADER } from './requestContext.js';
import { currentUpstreamPolicy } from './upstreamPolicy.js';

export interface UpstreamHttpOptions {
  /** Provider id, used in error messages. */
  provider: string;
  /** Base URL of the upstream API, ending in `/`; relative paths resolve beneath it. */
  baseUrl: string;
  /** Headers sent with every request, typically authentication. Never logged or echoed in errors. */
  headers?: Record<string, string>;
  /**
   * Credentials that change (an OAuth access token, say): the `Authorization` header of every request comes from
   * here, and a call the upstream answers 401 is made once more after `renew`. Never logged or echoed either.
   */
  authorization?: UpstreamAuthorization;
  /** The setting to check when the upstream refuses our credentials, named in that error (e.g. `CREDLY_API_TOKEN`). */
  credentialsSetting?: string;
  /** Per-attempt timeout for headers and for body progress. */
  timeoutMs?: number;
  /** Retries of idempotent requests after a transient failure (connection error, 429, 5xx). Default 2. */
  retries?: number;
  /** Keep-alive connections per upstream origin. */
  connections?: number;
  /** First retry's backoff; each further retry doubles it, up to `retryMaxDelayMs`, with jitter. Default 100 ms. */
  retryBaseDelayMs?: number;
  /**
   * Longest wait before a retry, also the longest `Retry-After` waited out within a call. A longer one fails the
   * call, and every call after it until then (up to 10 minutes) fails at once without reaching the upstream.
   * Default 2 s.
   */
  retryMaxDelayMs?: number;
  /** The circuit breaker for this upstream, or false for none. Default: opens after 5 consecutive failures for 30 s. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Whether to send the current request's `x-request-id` to the upstream, to correlate logs. Default true. */
  forwardRequestId?: boolean;
  /**
   * The upstream HTTP cache (RFC 9111, undici's cache interceptor, private to this client): GET answers are kept
   * as the upstream's Cache-Control allows, revalidated with ETag / Last-Modified, served stale while they
   * revalidate (`stale-while-revalidate`) and when the upstream fails (`stale-if-error`). Its size, or false
   * for none. Default: the policy's, else 32 MB.
   */
  httpCache?: { maxSizeBytes?: number } | false;
  /**
   * Serve-stale-on-error hook for a response cache: called when a call fails because the upstream is down, slow,
   * failing or rate-limiting us (or the circuit is open); a value it returns is answered instead of the error,
   * undefined lets the error through.
   */
  staleFallback?: (failed: FailedUpstreamCall) => unknown | Promise<unknown>;
}

/** A source of `Authorization` header values, for upstreams whose credentials expire or rotate. */
export interface UpstreamAuthorization {
  /** The header value to send now; a source caches it, and may fetch a new token when the old one expires. */
  header(): Promise<string>;
  /**
   * The upstream refused `rejected` (HTTP 401): make the next `header()` a new one, unless another caller has
   * already replaced it. A source that cannot get one rejects with the UpstreamError that says why.
   */
  renew(rejected: string): Promise<void>;
}

/** A call that failed for want of an available upstream, as handed to `staleFallback`. */
export interface FailedUpstreamCall {
  method: 'GET' | 'POST';
  url: URL;
  error: UpstreamError;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** Response headers as undici gives them: lower-case names, repeated headers as arrays. */
export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** An upstream's parsed JSON answer with its response headers (a `Link` to the next page, a total count). */
export interface UpstreamAnswer<T> {
  body: T;
  headers: UpstreamHeaders;
}

const NO_HEADERS: UpstreamHeaders = Object.freeze({});

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
const utf8 = new TextDecoder();
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
/** The longest an upstream's `Retry-After` keeps us from calling it: a bogus value must not silence it for days. */
const MAX_HOLD_OFF_MS = 10 * 60_000;
const AVAILABILITY_CODES = new Set<UpstreamErrorCode>([
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RATE_LIMITED',
]);

/**
 * The HTTP client every provider adapter uses for its upstream: one keep-alive undici Agent per upstream,
 * retries of idempotent requests with exponential backoff and jitter that honour `Retry-After`, timeouts, a
 * circuit breaker, and upstream failures mapped to `UpstreamError` with stable codes.
 */
export class UpstreamHttp {
  readonly baseUrl: URL;
  private readonly agent: Agent;
  /** The agent, behind the HTTP cache when there is one. */
  private readonly dispatcher: Dispatcher;
  private readonly cacheStore: InstanceType<typeof cacheStores.MemoryCacheStore> | null;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly breaker: CircuitBreaker;
  private readonly parsedEntries = new WeakMap<Buffer[], unknown>();
  /**
   * Until when the upstream asked us, with a `Retry-After` too long to wait out within a call, not to call it
   * again, and the failure that asked: calls before then fail at once (or are served stale) rather than add to
   * the load that got us refused.
   */
  private holdOff: { until: number; failure: UpstreamError } | null = null;

  constructor(private readonly options: UpstreamHttpOptions) {
    const policy = currentUpstreamPolicy();
    this.baseUrl = new URL(options.baseUrl);
    this.headers = { accept: 'application/json', ...options.headers };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? policy.retries ?? 2;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? policy.retryBaseDelayMs ?? 100;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? policy.retryMaxDelayMs ?? 2_000;
    this.agent = new Agent({
      connections: options.connections ?? 16,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const httpCache = options.httpCache ?? policy.httpCache ?? {};
    this.cacheStore =
      httpCache === false
        ? null
        : new cacheStores.MemoryCacheStore({
            maxSize: httpCache.maxSizeBytes ?? 32 * 1024 * 1024,
            maxEntrySize: 5 * 1024 * 1024,
            maxCount: 10_000,
          });
    // Private: each client holds one set of credentials, so answers to authenticated requests may be kept.
    this.dispatcher = this.cacheStore
      ? this.agent.compose(interceptors.cache({ store: this.cacheStore, type: 'private', methods: ['GET'] }))
      : this.agent;
    const breakerOptions = options.circuitBreaker ?? policy.circuitBreaker ?? {};
    const provider = options.provider;
    this.breaker = new CircuitBreaker({
      ...(breakerOptions === false ? { failureThreshold: 0 } : breakerOptions),
      onStateChange: (state) => {
        upstreamCircuitState.set({ provider }, circuitStateValue(state));
        if (breakerOptions !== false) breakerOptions.onStateChange?.(state);
      },
    });
    upstreamCircuitState.set({ provider }, 0);
  }

  /** The state of this upstream's circuit breaker. */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Resolves a path (or an absolute URL the upstream handed us) against the base URL, refusing other hosts. */
  resolve(pathOrUrl: string, query?: Query): URL {
    const url = new URL(pathOrUrl, this.baseUrl);
    if (url.origin !== this.baseUrl.origin) {
      // Following a link to another host would send our credentials there.
      throw this.error(
        'UPSTREAM_BAD_RESPONSE',
        `linked to another host (${url.origin}); refusing to follow it`,
      );
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url;
  }

  async getJson<T>(pathOrUrl: string, query?: Query): Promise<T> {
    return (await this.send<T>('GET', this.resolve(pathOrUrl, query))).body;
  }

  /**
   * `getJson` with the response headers, for APIs that page or count in headers (`Link`, `X-Total-Count`; see
   * `linkTargets`). An answer served from the upstream HTTP cache carries the headers it was stored with; one
   * served by `staleFallback` carries none.
   */
  async getAnswer<T>(pathOrUrl: string, query?: Query): Promise<UpstreamAnswer<T>> {
    return this.send<T>('GET', this.resolve(pathOrUrl, query));
  }

  /** POST with a JSON body. Not retried unless `idempotent` (a search endpoint that only reads, say). */
  async postJson<T>(pathOrUrl: string, body: unknown, { idempotent = false } = {}): Promise<T> {
    return (await this.send<T>('POST', this.resolve(pathOrUrl), JSON.stringify(body), idempotent)).body;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: URL,
    body?: string,
    idempotent = method === 'GET',
  ): Promise<UpstreamAnswer<T>> {
    const provider = this.options.provider;
    const stopTimer = upstreamDuration.startTimer({ provider });
    try {
      const value = await this.call<T>(method, url, body, idempotent);
      upstreamCalls.inc({ provider, outcome: 'ok' });
      return value;
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      upstreamCalls.inc({ provider, outcome: error.circuitOpen ? 'CIRCUIT_OPEN' : error.code });
      if (method === 'GET' && AVAILABILITY_CODES.has(error.code)) {
        const stale = this.staleIfError(url);
        if (stale !== undefined) {
          upstreamStaleServed.inc({ provider });
          return { body: this.parseOnce<T>(url, stale.chunks), headers: stale.headers };
        }
      }
      if (this.options.staleFallback && AVAILABILITY_CODES.has(error.code)) {
        const stale = await this.options.staleFallback({ method, url, error });
        if (stale !== undefined) return { body: stale as T, headers: NO_HEADERS };
      }
      throw error;
    } finally {
      stopTimer();
    }
  }

  /** One call: a fresh cached answer, or admitted by the circuit breaker, then its attempts within one deadline. */
  private async call<T>(
    method: 'GET' | 'POST',
    url: URL,
    body: string | undefined,
    idempotent: boolean,
  ): Promise<UpstreamAnswer<T>> {
    const headers = this.requestHeaders(body !== undefined, method === 'GET' && currentRequestWantsFresh());
    // A fresh cached answer needs no upstream, so neither the upstream's health nor its Retry-After stands in
    // its way, and serving it says nothing of that health either.
    const cached = method === 'GET' ? this.freshCacheEntry(url, headers) : undefined;
    if (cached !== undefined) return { body: this.parseOnce<T>(url, cached.chunks), headers: cached.headers };
    if (this.holdOff && Date.now() < this.holdOff.until) throw this.holdOffError(this.holdOff);
    if (!this.breaker.tryAcquire()) throw this.circuitOpenError();
    const source = this.options.authorization;
    if (!source) return this.attemptsWithinDeadline<T>(method, url, body, headers, idempotent);
    const authorization = await source.header();
    try {
      return await this.attemptsWithinDeadline<T>(
        method,
        url,
        body,
        { ...headers, authorization },
        idempotent,
      );
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.code !== 'UPSTREAM_UNAUTHORIZED') throw error;
    }
    // Refused credentials a source can renew: once more with new ones, and a second 401 is the answer.
    await source.renew(authorization);
    const renewed = { ...headers, authorization: await source.header() };
    return this.attemptsWithinDeadline<T>(method, url, body, renewed, idempotent);
  }

  /** The attempts of one call within one overall deadline. */
  private async attemptsWithinDeadline<T>(
    method: 'GET' | 'POST',
    url: URL,
    body: string | undefined,
    headers: Record<string, string>,
    idempotent: boolean,
  ): Promise<UpstreamAnswer<T>> {
    const maxAttempts = idempotent ? this.retries + 1 : 1;
    // An overall deadline, so that retries (or a body that trickles in) cannot stretch one call past what a
    // client will wait for. One timer per call, cleared as soon as the call ends: AbortSignal.timeout would
    // leave a timer pending, and a signal for the collector to finalise, for the whole deadline of every call.
    const deadline = Date.now() + this.timeoutMs * maxAttempts + 1_000;
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException('the call outlived its deadline', 'TimeoutError')),
      deadline - Date.now(),
    );
    try {
      return await this.attempts<T>(method, url, body, headers, maxAttempts, deadline, abort.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The attempts of one call, the breaker's accounting, and the answer parsed or mapped to an UpstreamError. */
  private async attempts<T>(
    method: 'GET' | 'POST',
    url: URL,
    body: string | undefined,
    headers: Record<string, string>,
    maxAttempts: number,
    deadline: number,
    signal: AbortSignal,
  ): Promise<UpstreamAnswer<T>> {
    for (let attempt = 1; ; attempt++) {
      let failure: UpstreamError;
      let retryable: boolean;
      let retryAfterMs: number | null = null;
      try {
        const response = await this.dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method,
          headers,
          body,
          signal,
        });
        const text = await response.body.text();
        if (response.statusCode < 400) {
          this.breaker.onSuccess();
          return { body: this.parse<T>(url, text), headers: response.headers };
        }
        failure = this.statusError(response.statusCode, text);
        retryable = RETRYABLE_STATUSES.has(response.statusCode);
        retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        if (!retryable) {
          // The upstream is up and answering; a refusal of this one request says nothing about its health.
          this.breaker.onSuccess();
          throw failure;
        }
      } catch (error) {
        if (error instanceof UpstreamError) throw error;
        failure = this.transportError(error);
        retryable = failure.code !== 'UPSTREAM_TIMEOUT' && RETRYABLE_ERROR_CODES.has(errorCode(error));
      }
      const delay = retryable && attempt < maxAttempts ? this.retryDelay(attempt, retryAfterMs) : null;
      if (delay === null || Date.now() + delay >= deadline) {
        this.breaker.onFailure(failure.code);
        if (retryAfterMs !== null && retryAfterMs > 0) {
          this.holdOff = { until: Date.now() + Math.min(retryAfterMs, MAX_HOLD_OFF_MS), failure };
        }
        throw failure;
      }
      upstreamRetries.inc({ provider: this.options.provider });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private requestHeaders(hasBody: boolean, fresh: boolean): Record<string, string> {
    const requestId = this.options.forwardRequestId === false ? null : currentRequestId();
    if (!hasBody && requestId === null && !fresh) return this.headers;
    return {
      ...this.headers,
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...(requestId === null ? {} : { [REQUEST_ID_HEADER]: requestId }),
      // Revalidate with the upstream (a 304 still spares the body) rather than trust what the cache holds.
      ...(fresh ? { 'cache-control': 'no-cache' } : {}),
    };
  }

  /**
   * The body of a GET answer the upstream HTTP cache holds fresh, read straight from its store. The cache
   * interceptor serves the same entry, but through a whole dispatch (a stream over the stored chunks, its
   * handlers, an abort signal and a deadline timer), which cost more than the rest of a details lookup. Only
   * what the interceptor would serve as it is comes from here (RFC 9111: fresh, no `no-cache` directive, a
   * request that does not ask for revalidation, and a success status, as the dispatch path wants); anything
   * else (stale, to revalidate, an error answer) still goes through the interceptor.
   */
  private freshCacheEntry(
    url: URL,
    headers: Record<string, string>,
  ): { chunks: Buffer[]; headers: UpstreamHeaders } | undefined {
    if (headers['cache-control'] !== undefined) return undefined;
    const found = this.storedAnswer(url, headers);
    if (!found || found.statusCode >= 400 || Date.now() > found.staleAt) return undefined;
    // An unqualified `no-cache` means revalidate every time (a list of field names does not).
    if (found.cacheControlDirectives?.['no-cache'] === true) return undefined;
    const chunks = found.body as unknown;
    return Array.isArray(chunks) ? { chunks: chunks as Buffer[], headers: found.headers } : undefined;
  }

  /**
   * The parsed body of a cache entry (fresh, or served stale), parsed once per entry (the store hands out the
   * same chunks until the entry is replaced): a popular upstream answer is read on every request. Deep-frozen,
   * since every caller shares it.
   */
  private parseOnce<T>(url: URL, chunks: Buffer[]): T {
    if (this.parsedEntries.has(chunks)) return this.parsedEntries.get(chunks) as T;
    // As undici's body.text() decodes: UTF-8, a byte-order mark dropped.
    const text = utf8.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const value = deepFreeze(this.parse<T>(url, text));
    this.parsedEntries.set(chunks, value);
    return value;
  }

  /**
   * The body of a cached GET answer the upstream allowed to be served when it fails (`stale-if-error`), for
   * failures the cache interceptor does not cover itself (it covers 5xx answers, not a refused connection or a
   * timeout).
   */
  private staleIfError(url: URL): { chunks: Buffer[]; headers: UpstreamHeaders } | undefined {
    const found = this.storedAnswer(url, this.headers);
    const window = found?.cacheControlDirectives?.['stale-if-error'];
    if (!found || window === undefined || Date.now() > found.staleAt + window * 1000) return undefined;
    const chunks = found.body as unknown;
    return Array.isArray(chunks) ? { chunks: chunks as Buffer[], headers: found.headers } : undefined;
  }

  /** What the upstream HTTP cache holds for a GET of `url`, fresh or not. */
  private storedAnswer(url: URL, headers: Record<string, string>) {
    // The memory store answers synchronously (only other stores return promises).
    return this.cacheStore?.get({
      origin: url.origin,
      method: 'GET',
      path: `${url.pathname}${url.search}`,
      headers,
    }) as Exclude<ReturnType<InstanceType<typeof cacheStores.MemoryCacheStore>['get']>, Promise<unknown>>;
  }

  private parse<T>(url: URL, text: string): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw this.error('UPSTREAM_BAD_RESPONSE', `answered ${url.pathname} with a body that is not JSON`);
    }
  }

  /**
   * The wait before retry number `attempt`: the upstream's `Retry-After` when it gives one (null, meaning give
   * up, when that is longer than `retryMaxDelayMs`), else exponential backoff with jitter, so that clients that
   * failed together do not retry together.
   */
  private retryDelay(attempt: number, retryAfterMs: number | null): number | null {
    if (retryAfterMs !== null) return retryAfterMs <= this.retryMaxDelayMs ? retryAfterMs : null;
    const ceiling = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private holdOffError(holdOff: { until: number; failure: UpstreamError }): UpstreamError {
    const seconds = Math.ceil((holdOff.until - Date.now()) / 1000);
    return new UpstreamError(
      holdOff.failure.code,
      this.options.provider,
      `${this.options.provider}: the upstream asked us to wait (Retry-After after HTTP ${holdOff.failure.upstreamStatus}); not calling it for ${seconds} s`,
      holdOff.failure.upstreamStatus,
    );
  }

  private circuitOpenError(): UpstreamError {
    const code = (this.breaker.lastFailureCode ?? 'UPSTREAM_UNAVAILABLE') as UpstreamErrorCode;
    const seconds = Math.ceil(this.breaker.retryInMs() / 1000);
    return new UpstreamError(
      code,
      this.options.provider,
      `${this.options.provider}: the upstream keeps failing (${code}); not calling it for ${seconds} s (circuit open)`,
      null,
      true,
    );
  }

  private error(code: UpstreamErrorCode, detail: string, status: number | null = null): UpstreamError {
    return new UpstreamError(code, this.options.provider, `${this.options.provider}: ${detail}`, status);
  }

  private statusError(status: number, body: string): UpstreamError {
    const said = upstreamMessage(body);
    const suffix = said ? `: ${said}` : '';
    if (status === 401) {
      const hint = this.options.credentialsSetting ? ` (check ${this.options.credentialsSetting})` : '';
      return this.error(
        'UPSTREAM_UNAUTHORIZED',
        `the upstream refused our credentials (HTTP 401)${hint}${suffix}`,
        status,
      );
    }
    if (status === 403)
      return this.error('UPSTREAM_FORBIDDEN', `the upstream denied access (HTTP 403)${suffix}`, status);
    if (status === 404 || status === 410)
      return this.error(
        'UPSTREAM_NOT_FOUND',
        `the upstream has no such resource (HTTP ${status})${suffix}`,
        status,
      );
    if (status === 429)
      return this.error(
        'UPSTREAM_RATE_LIMITED',
        `the upstream is rate-limiting us (HTTP 429)${suffix}`,
        status,
      );
    if (status >= 500)
      return this.error('UPSTREAM_UNAVAILABLE', `the upstream is failing (HTTP ${status})${suffix}`, status);
    return this.error(
      'UPSTREAM_BAD_REQUEST',
      `the upstream rejected the request (HTTP ${status})${suffix}`,
      status,
    );
  }

  private transportError(error: unknown): UpstreamError {
    const code = (error as { code?: string; name?: string })?.code ?? '';
    const name = (error as { name?: string })?.name ?? '';
    if (name === 'TimeoutError' || code.includes('TIMEOUT')) {
      return this.error('UPSTREAM_TIMEOUT', `the upstream did not answer within ${this.timeoutMs} ms`);
    }
    const reason = code || name || 'connection failed';
    return this.error(
      'UPSTREAM_UNAVAILABLE',
      `cannot reach the upstream at ${this.baseUrl.origin} (${reason})`,
    );
  }
}

/** The human message inside an upstream error body, in the envelopes the provider APIs use, shortened. */
function upstreamMessage(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const candidates = [
    dig(parsed, 'data', 'message'),
    dig(parsed, 'detail'),
    dig(parsed, 'message'),
    dig(parsed, 'error', 'message'),
    dig(parsed, 'error'),
    dig(parsed, 'status', 'description'),
    dig(parsed, 'imsx_description'),
    dig(parsed, 'errorCode'),
  ];
  const message = candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
  return message ? message.slice(0, 200) : null;
}

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), or null when absent or unreadable. */
function parseRetryAfter(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const causeCode = (
    (error as { cause?: { code?: unknown } } | null)?.cause as { code?: unknown } | undefined
  )?.code;
  return typeof causeCode === 'string' ? causeCode : '';
}

function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
