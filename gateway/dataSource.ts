import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher, request } from 'undici';
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

export interface UndiciDataSourceOptions {
  /** Subgraph name, used in error messages. */
  name: string;
  url: string;
  dispatcher: Dispatcher;
  /** Deadline for the subgraph's response headers, and again for each gap in its body. */
  timeoutMs?: number;
}

/**
 * Sends subgraph fetches over undici on a shared keep-alive agent instead of Apollo's default
 * make-fetch-happen client, which opens sockets without bound and adds an HTTP cache layer we do not use.
 */
export class UndiciDataSource extends RemoteGraphQLDataSource {
  constructor(options: UndiciDataSourceOptions) {
    super({ url: options.url });
    this.fetcher = createUndiciFetcher(options.name, options.dispatcher, options.timeoutMs ?? 30_000);
  }
}

/** A `Fetcher` (the interface RemoteGraphQLDataSource calls) over `undici.request`. */
export function createUndiciFetcher(subgraph: string, dispatcher: Dispatcher, timeoutMs: number): Fetcher {
  return async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
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
      return new UndiciFetcherResponse(url, response);
    } catch (error) {
      throw subgraphFetchError(subgraph, error);
    }
  };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The error a client sees, in the gateway's `errors`, when a subgraph cannot be fetched at all. */
function subgraphFetchError(subgraph: string, error: unknown): GraphQLError {
  const code = (error as { code?: unknown } | null)?.code;
  const timedOut = typeof code === 'string' && TIMEOUT_CODES.has(code);
  const gatewayCode: GatewayErrorCode = timedOut ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
  return new GraphQLError(`subgraph "${subgraph}" did not answer: ${describe(error)}`, {
    ...(error instanceof Error ? { originalError: error } : {}),
    extensions: { code: gatewayCode, subgraph },
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}

type UndiciResponse = Dispatcher.ResponseData;

/** The response surface RemoteGraphQLDataSource reads, backed by undici's body without copying it. */
class UndiciFetcherResponse implements FetcherResponse {
  readonly redirected = false;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: FetcherHeaders;
  private readonly body: UndiciResponse['body'];

  constructor(
    readonly url: string,
    response: UndiciResponse,
  ) {
    this.status = response.statusCode;
    this.ok = response.statusCode >= 200 && response.statusCode < 300;
    this.statusText = STATUS_CODES[response.statusCode] ?? '';
    this.headers = new ResponseHeaders(response.headers);
    this.body = response.body;
  }

  get bodyUsed(): boolean {
    return this.body.bodyUsed;
  }

  text(): Promise<string> {
    return this.body.text();
  }

  json(): Promise<unknown> {
    return this.body.json();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.arrayBuffer();
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
