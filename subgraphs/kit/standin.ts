import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { answeredByFault, delayFor, FaultQueue, sendPossiblyReset } from './faults.js';
import { listen, readBody, requestUrl } from './serve.js';

/**
 * The shared plumbing of upstream stand-ins: local HTTP servers that speak a provider's real API (paths,
 * envelopes, pagination, auth, error bodies) over bundled sample data, for the one-command demo and tests.
 */

export interface StandinRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON; undefined without a body. */
  body: unknown;
}

export interface StandinReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type StandinHandler = (request: StandinRequest) => StandinReply | Promise<StandinReply>;

/**
 * A misbehaviour to inject into a stand-in, so that tests can show how an adapter copes with a real upstream's
 * bad days: error statuses (with `Retry-After`), garbage bodies, slowness, connections reset mid-body.
 */
export interface StandinFault {
  /** Only requests whose path contains this string; every request when absent. */
  pathIncludes?: string;
  /** How many matching requests misbehave before the stand-in answers normally again (default 1). */
  times?: number;
  /** Answer with this status instead of the real answer. */
  status?: number;
  /** JSON body for `status`; default `{"message": "injected fault"}`. */
  body?: unknown;
  /** A raw body instead (e.g. text that is not JSON), sent with `status` or 200. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (the real answer, unless a status or body is also given). */
  delayMs?: number;
  /** Send the headers and part of the real body, then destroy the connection. */
  resetMidBody?: boolean;
}

export interface RunningStandin {
  /** The stand-in's origin, e.g. `http://127.0.0.1:4102`. */
  origin: string;
  port: number;
  /** Requests served, by `METHOD /path` (query excluded), so that tests can assert how often we call upstream. */
  readonly requestCounts: ReadonlyMap<string, number>;
  totalRequests(): number;
  resetCounts(): void;
  injectFault(fault: StandinFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface StartStandinOptions {
  port?: number;
  host?: string;
  /**
   * The `Cache-Control` of successful GET answers (e.g. `max-age=30, stale-while-revalidate=60,
   * stale-if-error=600`), sent with `Last-Modified` and an `ETag`, as a real upstream would. Default: the
   * `STANDIN_CACHE_CONTROL` environment variable, else none. A GET with `If-None-Match` gets an `ETag` either
   * way, and 304 when it matches.
   */
  cacheControl?: string;
}

export async function startStandin(
  handler: StandinHandler,
  options: StartStandinOptions = {},
): Promise<RunningStandin> {
  const counts = new Map<string, number>();
  const faults = new FaultQueue();
  const cacheControl = options.cacheControl ?? (process.env.STANDIN_CACHE_CONTROL?.trim() || undefined);
  const lastModified = new Date().toUTCString();
  const server = createServer(async (request, response) => {
    const url = requestUrl(request.url, `http://${request.headers.host ?? 'standin.invalid'}`);
    if (!url) {
      response.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      return void response.end(JSON.stringify({ message: 'the request target is not a path' }));
    }
    const key = `${request.method} ${url.pathname}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const fault = faults.take(`${url.pathname}${url.search}`);
    await delayFor(fault);
    if (answeredByFault(fault, response)) return;
    let reply: StandinReply;
    try {
      const text = await readBody(request, 1_000_000);
      let body: unknown;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      reply = await handler({ method: request.method ?? 'GET', url, headers: request.headers, body });
    } catch (error) {
      reply = { status: 500, body: { message: `stand-in failure: ${(error as Error).message}` } };
    }
    const text = JSON.stringify(reply.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      ...reply.headers,
    };
    // Validators cost a hash of every answer: sent only where caching can use them (a Cache-Control is set, or
    // the client revalidates).
    if (
      request.method === 'GET' &&
      reply.status === 200 &&
      (cacheControl || request.headers['if-none-match'])
    ) {
      const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 22)}"`;
      headers.etag = etag;
      if (cacheControl) {
        headers['cache-control'] = cacheControl;
        headers['last-modified'] = lastModified;
      }
      if (!fault && ifNoneMatch(request.headers['if-none-match'], etag)) {
        const { 'content-type': _type, ...notModified } = headers;
        response.writeHead(304, notModified);
        return void response.end();
      }
    }
    sendPossiblyReset(fault, response, reply.status, headers, text);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return {
    origin: `http://${host}:${port}`,
    port,
    requestCounts: counts,
    totalRequests: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    resetCounts: () => counts.clear(),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether an `If-None-Match` header names `etag` (or `*`). */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): StandinReply => ({
  status,
  body,
  headers,
});

/** The credential in an HTTP Basic header (`user:password`), or null. */
export function basicCredentials(headers: IncomingHttpHeaders): { user: string; password: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
