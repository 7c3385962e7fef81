import { Agent, type Dispatcher, interceptors } from 'undici';
import { UpstreamError, type UpstreamErrorCode } from './errors.js';

export interface UpstreamHttpOptions {
  /** Provider id, used in error messages. */
  provider: string;
  /** Base URL of the upstream API, ending in `/`; relative paths resolve beneath it. */
  baseUrl: string;
  /** Headers sent with every request, typically authentication. Never logged or echoed in errors. */
  headers?: Record<string, string>;
  /** The setting to check when the upstream refuses our credentials, named in that error (e.g. `CREDLY_API_TOKEN`). */
  credentialsSetting?: string;
  /** Per-attempt timeout for headers and for body progress. */
  timeoutMs?: number;
  /** Retries of idempotent requests after a transient failure (connection error, 429, 5xx). */
  retries?: number;
  /** Keep-alive connections per upstream origin. */
  connections?: number;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/**
 * The HTTP client every provider adapter uses for its upstream: one keep-alive undici Agent per upstream,
 * retries with backoff that honour `Retry-After`, timeouts, and upstream failures mapped to `UpstreamError`
 * with stable codes.
 */
export class UpstreamHttp {
  readonly baseUrl: URL;
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(private readonly options: UpstreamHttpOptions) {
    this.baseUrl = new URL(options.baseUrl);
    this.headers = { accept: 'application/json', ...options.headers };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.agent = new Agent({
      connections: options.connections ?? 16,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    this.dispatcher = this.agent.compose(
      interceptors.retry({
        maxRetries: this.retries,
        minTimeout: 100,
        maxTimeout: 2_000,
        timeoutFactor: 2,
        // The final 429/5xx response is handed back so that it maps to a precise error below.
        throwOnError: false,
        // Only requests the caller declared idempotent reach this dispatcher, so a read-only POST (a search
        // endpoint) is retried like a GET; undici's default list would leave POST out.
        methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE', 'POST'],
      }),
    );
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
    return this.send<T>('GET', this.resolve(pathOrUrl, query));
  }

  /** POST with a JSON body. Not retried unless `idempotent` (a search endpoint that only reads, say). */
  async postJson<T>(pathOrUrl: string, body: unknown, { idempotent = false } = {}): Promise<T> {
    return this.send<T>('POST', this.resolve(pathOrUrl), JSON.stringify(body), idempotent);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: URL,
    body?: string,
    idempotent = method === 'GET',
  ): Promise<T> {
    const headers =
      body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' };
    let response: Dispatcher.ResponseData;
    try {
      response = await (idempotent ? this.dispatcher : this.agent).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        body,
        // An overall deadline, so that retries cannot stretch one call past what a client will wait for.
        signal: AbortSignal.timeout(this.timeoutMs * (idempotent ? this.retries + 1 : 1) + 1_000),
      });
    } catch (error) {
      throw this.transportError(error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.transportError(error);
    }
    if (response.statusCode >= 400) throw this.statusError(response.statusCode, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw this.error('UPSTREAM_BAD_RESPONSE', `answered ${url.pathname} with a body that is not JSON`);
    }
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

function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
