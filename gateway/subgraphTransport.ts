import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import type { CircuitBreaker } from './circuitBreaker.js';
import type { GatewayErrorCode } from './errors.js';

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

/** Counts and times subgraph fetches; the gateway's metrics implement it. */
export interface SubgraphObserver {
  /** A fetch ended: `ok`, a SUBGRAPH_* code, or CIRCUIT_OPEN. */
  fetched(subgraph: string, outcome: string, seconds: number): void;
  retried(subgraph: string): void;
}

export interface SubgraphTransportOptions {
  /** Subgraph name, used in errors and metrics. */
  name: string;
  url: string;
  dispatcher: Dispatcher;
  /** Deadline for the subgraph's response headers, and again for each gap in its body. */
  timeoutMs: number;
  /** Retries of a query (never a mutation) after a connection failure or a 502/503/504. */
  retries: number;
  /** Ask for gzip/brotli answers: pays across a network, costs CPU on loopback. */
  compression: boolean;
  breaker?: CircuitBreaker;
  observer?: SubgraphObserver;
}

/** A subgraph's answer as it came over the wire, body decoded to text. */
export interface SubgraphReply {
  status: number;
  /** Lower-cased header names, as undici gives them. */
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const decompressors: Record<string, (input: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * Sends GraphQL requests to one subgraph over undici on the gateway's keep-alive pool: `dispatcher.request`
 * with the body already serialised and plain-object headers, nothing else per call. It retries queries after
 * transient failures, breaks the circuit to a failing subgraph, reads whole bodies (so that a connection cut
 * mid-body is a retryable failure here rather than a broken stream later), and reports failures as clean
 * errors that name the subgraph, never its URL.
 */
export class SubgraphTransport {
  private readonly origin: string;
  private readonly path: string;

  constructor(private readonly options: SubgraphTransportOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.path = `${url.pathname}${url.search}`;
  }

  get name(): string {
    return this.options.name;
  }

  /** POSTs `body` (a serialised GraphQL request); `idempotent` requests are retried. */
  async send(body: string, headers: Record<string, string>, idempotent: boolean): Promise<SubgraphReply> {
    const { breaker, observer, name } = this.options;
    const started = performance.now();
    const done = (outcome: string) => observer?.fetched(name, outcome, (performance.now() - started) / 1000);
    if (breaker && !breaker.tryAcquire()) {
      done('CIRCUIT_OPEN');
      throw circuitOpenError(name, breaker);
    }
    if (this.options.compression) headers['accept-encoding'] = 'gzip, br';
    const attempts = idempotent ? this.options.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.options.dispatcher.request({
          origin: this.origin,
          path: this.path,
          method: 'POST',
          headers,
          body,
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        });
        const text = await readText(response);
        if (RETRYABLE_STATUSES.has(response.statusCode) && attempt < attempts) {
          observer?.retried(name);
          await backoff(attempt);
          continue;
        }
        if (response.statusCode >= 500 || response.statusCode === 429)
          breaker?.onFailure('SUBGRAPH_BAD_RESPONSE');
        else breaker?.onSuccess();
        done(response.statusCode < 300 ? 'ok' : 'SUBGRAPH_BAD_RESPONSE');
        return { status: response.statusCode, headers: response.headers, text };
      } catch (error) {
        const failure = subgraphFetchError(name, error);
        const code = String(failure.extensions.code);
        if (
          code !== 'SUBGRAPH_TIMEOUT' &&
          RETRYABLE_ERROR_CODES.has(errorCode(error)) &&
          attempt < attempts
        ) {
          observer?.retried(name);
          await backoff(attempt);
          continue;
        }
        breaker?.onFailure(code);
        done(code);
        throw failure;
      }
    }
  }
}

async function readText(response: Dispatcher.ResponseData): Promise<string> {
  const encoding = response.headers['content-encoding'];
  const decompress = typeof encoding === 'string' ? decompressors[encoding.trim().toLowerCase()] : undefined;
  if (!decompress) return response.body.text();
  const compressed = Buffer.from(await response.body.arrayBuffer());
  return (await decompress(compressed)).toString('utf8');
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

/** The error a client sees, in the gateway's `errors`, when a subgraph cannot be fetched at all. */
function subgraphFetchError(subgraph: string, error: unknown): GraphQLError {
  const code = errorCode(error);
  const gatewayCode: GatewayErrorCode = TIMEOUT_CODES.has(code) ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
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

/** Whether a subgraph host is this machine, where compressing answers only costs CPU. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
}
