import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createGraphQLHttpHandler } from './graphqlHttp.js';
import { prometheusText } from './metrics.js';
import { type RequestContext, requestIdFrom, runWithRequestContext, wantsFresh } from './requestContext.js';
import type { UpstreamPolicy } from './upstreamPolicy.js';

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void> | void;

export interface ServeSubgraphOptions<TContext> {
  name: string;
  schema: GraphQLSchema;
  /** Builds the per-request context (fresh DataLoaders, say), from the request's headers where it needs them. */
  context: (headers: IncomingHttpHeaders) => Promise<TContext> | TContext;
  /** Extra plain-HTTP routes by path, such as `/feed`. */
  routes?: Record<string, RouteHandler>;
  port?: number;
  host?: string;
  /** Called when the server stops, to release upstream clients and stores. */
  onClose?: () => Promise<void> | void;
  /** How long close() lets in-flight requests finish before cutting their connections. Default 10 s. */
  shutdownGraceMs?: number;
  /** The upstream policy in force while serving, for upstream clients that are built lazily (on a token renewal, say). */
  upstreamPolicy?: UpstreamPolicy;
  /**
   * How long (s) the answers may be cached, as `Cache-Control: max-age=…, public` (Apollo's `defaultMaxAge`:
   * fields with a `@cacheControl` hint or a dynamic hint say otherwise). The gateway's caches follow it; 0 sends
   * `no-store`. Default {@link DEFAULT_SUBGRAPH_MAX_AGE_S}.
   */
  cacheMaxAgeSeconds?: number;
  /** Whether `__schema` and `__type` may be queried. Default: unless NODE_ENV is production (as Apollo Server). */
  introspection?: boolean;
}

/** How long a subgraph's answers may be cached unless it says otherwise. */
export const DEFAULT_SUBGRAPH_MAX_AGE_S = 60;

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (within the grace period), then releases everything. */
  close(): Promise<void>;
  /** Cuts every connection at once and stops listening, as a crash would (for fault tests); close() still releases. */
  terminate?(): void;
}

const MAX_BODY_BYTES = 1_000_000;

/** Serves a subgraph schema at `/graphql` (plus `/health` and any extra routes) on node:http. */
export async function serveSubgraph<TContext>(
  options: ServeSubgraphOptions<TContext>,
): Promise<RunningServer> {
  const handleGraphQL = createGraphQLHttpHandler({
    schema: options.schema,
    context: options.context,
    defaultMaxAge: options.cacheMaxAgeSeconds ?? DEFAULT_SUBGRAPH_MAX_AGE_S,
    introspection: options.introspection ?? process.env.NODE_ENV !== 'production',
  });
  const routes: Record<string, RouteHandler> = {
    '/health': (_request, response) => sendJson(response, 200, { status: 'ok', subgraph: options.name }),
    '/metrics': async (_request, response) => {
      const { contentType, text } = await prometheusText();
      response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      response.end(text);
    },
    ...options.routes,
  };

  /** A GraphQL request: the POST body read and parsed here, the rest in graphqlHttp.ts. */
  const serveGraphQL = async (
    request: IncomingMessage,
    response: ServerResponse,
    search: string,
    context: RequestContext,
  ) => {
    let body: unknown;
    if (request.method === 'POST') {
      const text = await readBody(request, MAX_BODY_BYTES);
      if (text === null) return sendJson(response, 413, { errors: [{ message: 'request body too large' }] });
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return sendJson(response, 400, {
          errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
        });
      }
    }
    await handleGraphQL(request, response, body, search, context);
  };

  let closing = false;
  const server = createServer(async (request, response) => {
    if (closing) response.setHeader('connection', 'close');
    // A keep-alive connection whose request was in flight when close() began is released once it is answered.
    response.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    // The gateway's exact target skips URL parsing; anything else is parsed, and may be an extra route.
    const target = request.url ?? '';
    const graphql = (target === '/graphql' || target === '/') && !routes[target];
    const url = graphql ? null : requestUrl(target);
    if (!graphql && !url) {
      return sendJson(response, 400, {
        error: { code: 'BAD_REQUEST', message: 'the request target is not a path' },
      });
    }
    // The gateway's request id, so that upstream calls made for this request carry it too; and whether the
    // caller (an operator's cache bypass) wants upstream answers revalidated rather than cached.
    const context: RequestContext = {
      requestId: requestIdFrom(request.headers),
      fresh: wantsFresh(request.headers),
      ...(options.upstreamPolicy ? { upstreamPolicy: options.upstreamPolicy } : {}),
    };
    const serve = async () => {
      try {
        if (!url) return await serveGraphQL(request, response, '', context);
        const route = routes[url.pathname];
        if (route) return await route(request, response, url);
        if (url.pathname !== '/graphql' && url.pathname !== '/') {
          return sendJson(response, 404, {
            error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` },
          });
        }
        await serveGraphQL(request, response, url.search, context);
      } catch (error) {
        if (!response.headersSent) {
          sendJson(response, 500, {
            error: { code: 'INTERNAL_SERVER_ERROR', message: (error as Error).message },
          });
        } else {
          response.destroy();
        }
      }
    };
    await runWithRequestContext(context, serve);
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  let closed: Promise<void> | null = null;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        force.unref();
        await stopped;
        clearTimeout(force);
        await options.onClose?.();
      })();
      return closed;
    },
    terminate() {
      closing = true;
      server.close();
      server.closeAllConnections();
    },
  };
}

/** The request body as text, or null when it exceeds `limit` bytes (the rest of it is then read and dropped). */
export function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  // Events rather than `for await`: this runs for every request, and the async iterator's promises add up.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The request's URL, or null when its target does not parse as one (`GET //` does not, resolved naively, and
 * would otherwise throw out of the request handler): the path is appended to a placeholder origin.
 */
export function requestUrl(target: string | undefined, origin = 'http://request.invalid'): URL | null {
  try {
    return new URL(`${origin}${target?.startsWith('/') ? target : `/${target ?? ''}`}`);
  } catch {
    return null;
  }
}
