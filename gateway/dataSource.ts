import { STATUS_CODES } from 'node:http';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher, request } from 'undici';
import type { CircuitBreaker } from './circuitBreaker.js';
import type { GatewayErrorCode } from './errors.js';

// Derived from the gateway's own types so that we do not import its transitive @apollo/utils.fetcher package.
type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

export interface SubgraphAgentOptions {
  /** Keep-alive connections per subgraph origin. */
  connectionsPerSubgraph?: number;
  /** How long an idle connection is kept (undici shortens it to what the subgraph's Keep-Alive header allows). */
  keepAliveTimeoutMs?: number;
}

/** The one keep-alive pool the gateway uses for every subgraph: bounded connections per origin. */
export function createSubgraphAgent(options: SubgraphAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connectionsPerSubgraph ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    pipelining: 1,
  });
}

/** What the gateway knows about the client request a subgraph fetch serves (Apollo's per-request context). */
export interface GatewayContext {
  /** The request id, sent to subgraphs as `x-request-id`. */
  requestId?: string;
  /** The client's `x-credgraph-admin-token`, forwarded to subgraphs (the catalog's admin mutations read it). */
  adminToken?: string;
}

/** The headers the gateway forwards from a client to subgraphs: these two, and no others. */
export const REQUEST_ID_HEADER = 'x-request-id';
export const ADMIN_TOKEN_HEADER = 'x-credgraph-admin-token';

/** Counts and times subgraph fetches; the gateway's metrics implement it. */
export interface SubgraphObserver {
  /** A fetch ended: `ok`, a SUBGRAPH_* code, or CIRCUIT_OPEN. */
  fetched(subgraph: string, outcome: string, seconds: number): void;
  retried(subgraph: string): void;
}

export interface UndiciDataSourceOptions {
  /** Subgraph name, used in error messages. */
  name: string;
  url: string;
  dispatcher: Dispatcher;
  /** Deadline for the subgraph's response headers, and again for each gap in its body. */
  timeoutMs?: number;
  /** Retries of a query (never a mutation) after a connection failure or a 502/503/504. Default 1. */
  retries?: number;
  /** The subgraph's circuit breaker, shared by every data source of that subgraph. */
  breaker?: CircuitBreaker;
  observer?: SubgraphObserver;
}

/**
 * Sends subgraph fetches over undici on a shared keep-alive agent instead of Apollo's default
 * make-fetch-happen client, which opens sockets without bound and adds an HTTP cache layer we do not use.
 * It retries queries after transient failures, breaks the circuit to a failing subgraph, forwards only the
 * request id and the admin token, and reports failures as clean errors that name the subgraph and never its
 * URL or response body.
 */
export class UndiciDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly subgraph: string;

  constructor(options: UndiciDataSourceOptions) {
    super({ url: options.url });
    this.subgraph = options.name;
    this.fetcher = createUndiciFetcher(options.name, options.dispatcher, options.timeoutMs ?? 30_000, {
      retries: options.retries ?? 1,
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
    });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    const context = options.context as GatewayContext | undefined;
    if (!headers || !context) return;
    if (context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.adminToken) headers.set(ADMIN_TOKEN_HEADER, context.adminToken);
  }

  /** A non-2xx answer: its status and the subgraph's own first message, never its URL or raw body. */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const text = await response.text().catch(() => '');
    let said = '';
    try {
      const message = (JSON.parse(text) as { errors?: Array<{ message?: unknown }> }).errors?.[0]?.message;
      if (typeof message === 'string') said = `: ${message.slice(0, 200)}`;
    } catch {
      // Not a GraphQL answer; the status says it all.
    }
    return new GraphQLError(`subgraph "${this.subgraph}" answered HTTP ${response.status}${said}`, {
      extensions: { code: 'SUBGRAPH_BAD_RESPONSE', subgraph: this.subgraph, subgraphStatus: response.status },
    });
  }

  /** The body as a GraphQL response object; anything else is SUBGRAPH_BAD_RESPONSE, without echoing the body. */
  override async parseBody(response: FetcherResponse): Promise<object | string> {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.badResponse(response.status, 'a body that is not JSON');
    }
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      !('data' in body || 'errors' in body)
    ) {
      throw this.badResponse(response.status, 'JSON that is not a GraphQL response');
    }
    return body;
  }

  private badResponse(status: number, what: string): GraphQLError {
    return new GraphQLError(`subgraph "${this.subgraph}" answered with ${what}`, {
      extensions: { code: 'SUBGRAPH_BAD_RESPONSE', subgraph: this.subgraph, subgraphStatus: status },
    });
  }
}

export interface FetcherResilience {
  retries?: number;
  breaker?: CircuitBreaker;
  observer?: SubgraphObserver;
}

const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
// The data source serialises `{query, …}` with the query first; only a query (never a mutation) is retried.
const QUERY_BODY = /^\{"query":"(?:query\b|\{)/;

/**
 * A `Fetcher` (the interface RemoteGraphQLDataSource calls) over `undici.request`. It reads the whole body, so
 * that a connection cut mid-body is a retryable failure here rather than a broken stream later.
 */
export function createUndiciFetcher(
  subgraph: string,
  dispatcher: Dispatcher,
  timeoutMs: number,
  resilience: FetcherResilience = {},
): Fetcher {
  const { breaker, observer } = resilience;
  const retries = resilience.retries ?? 0;
  return async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const started = performance.now();
    const done = (outcome: string) =>
      observer?.fetched(subgraph, outcome, (performance.now() - started) / 1000);
    if (breaker && !breaker.tryAcquire()) {
      done('CIRCUIT_OPEN');
      throw circuitOpenError(subgraph, breaker);
    }
    const idempotent = typeof init.body === 'string' && QUERY_BODY.test(init.body);
    const attempts = idempotent ? retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await request(url, {
          dispatcher,
          method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
          headers: init.headers,
          body: init.body ?? null,
          signal: init.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const text = await response.body.text();
        const failing = response.statusCode >= 500 || response.statusCode === 429;
        if (RETRYABLE_STATUSES.has(response.statusCode) && attempt < attempts) {
          observer?.retried(subgraph);
          await backoff(attempt);
          continue;
        }
        if (failing) breaker?.onFailure('SUBGRAPH_BAD_RESPONSE');
        else breaker?.onSuccess();
        done(response.statusCode < 300 ? 'ok' : 'SUBGRAPH_BAD_RESPONSE');
        return new UndiciFetcherResponse(url, response, text);
      } catch (error) {
        const failure = subgraphFetchError(subgraph, error);
        const code = String(failure.extensions.code);
        if (
          code !== 'SUBGRAPH_TIMEOUT' &&
          RETRYABLE_ERROR_CODES.has(errorCode(error)) &&
          attempt < attempts
        ) {
          observer?.retried(subgraph);
          await backoff(attempt);
          continue;
        }
        breaker?.onFailure(code);
        done(code);
        throw failure;
      }
    }
  };
}

/** Exponential backoff with jitter: about 50 ms, then 100 ms, … up to 1 s. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1_000, 50 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2));
}

function circuitOpenError(subgraph: string, breaker: CircuitBreaker): GraphQLError {
  const code = breaker.lastFailureCode ?? 'SUBGRAPH_UNAVAILABLE';
  const seconds = Math.ceil(breaker.retryInMs() / 1000);
  return new GraphQLError(
    `subgraph "${subgraph}" keeps failing (${code}); not calling it for ${seconds} s (circuit open)`,
    { extensions: { code, subgraph, circuitOpen: true } },
  );
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The error a client sees, in the gateway's `errors`, when a subgraph cannot be fetched at all. */
function subgraphFetchError(subgraph: string, error: unknown): GraphQLError {
  const code = errorCode(error);
  const timedOut = TIMEOUT_CODES.has(code);
  const gatewayCode: GatewayErrorCode = timedOut ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
  return new GraphQLError(`subgraph "${subgraph}" did not answer: ${describe(error)}`, {
    ...(error instanceof Error ? { originalError: error } : {}),
    extensions: { code: gatewayCode, subgraph },
  });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : '';
}

/** Why a fetch failed, by its error code where it has one: messages name addresses, which clients must not see. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return `${code}: no answer in time`;
  if (code === 'UND_ERR_SOCKET') return `${code}: the connection closed before the answer was complete`;
  return code || error.message;
}

type UndiciResponse = Dispatcher.ResponseData;

/** The response surface RemoteGraphQLDataSource reads, over a body already read in full. */
class UndiciFetcherResponse implements FetcherResponse {
  readonly redirected = false;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: FetcherHeaders;
  bodyUsed = false;

  constructor(
    readonly url: string,
    response: UndiciResponse,
    private readonly body: string,
  ) {
    this.status = response.statusCode;
    this.ok = response.statusCode >= 200 && response.statusCode < 300;
    this.statusText = STATUS_CODES[response.statusCode] ?? '';
    this.headers = new ResponseHeaders(response.headers);
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body;
  }

  async json(): Promise<unknown> {
    this.bodyUsed = true;
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    const bytes = Buffer.from(this.body);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    // The gateway never clones subgraph responses; buffering a second copy of every body would cost for nothing.
    throw new Error('UndiciFetcherResponse does not support clone()');
  }
}

/** Read-mostly headers over undici's lower-cased header record. */
class ResponseHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();

  constructor(raw: Record<string, string | string[] | undefined>) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }

  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  values(): IterableIterator<string> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
