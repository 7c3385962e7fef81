import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void> | void;

export interface ServeSubgraphOptions<TContext extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  /** Builds the per-request context (fresh DataLoaders, say). */
  context: () => Promise<TContext> | TContext;
  /** Extra plain-HTTP routes by path, such as `/feed`. */
  routes?: Record<string, RouteHandler>;
  port?: number;
  host?: string;
  /** Called when the server stops, to release upstream clients and stores. */
  onClose?: () => Promise<void> | void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

/** Serves a subgraph schema at `/graphql` (plus `/health` and any extra routes) on node:http. */
export async function serveSubgraph<TContext extends BaseContext>(
  options: ServeSubgraphOptions<TContext>,
): Promise<RunningServer> {
  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    // No inline traces: nobody here reports them, and they cost time on every request.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
    // Whoever runs the server owns the signals (runAsProcess, the launcher), so that close() runs once, in order.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const routes: Record<string, RouteHandler> = {
    '/health': (_request, response) => sendJson(response, 200, { status: 'ok', subgraph: options.name }),
    ...options.routes,
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://subgraph.invalid');
    try {
      const route = routes[url.pathname];
      if (route) return await route(request, response, url);
      if (url.pathname !== '/graphql' && url.pathname !== '/') {
        return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
      }
      await handleGraphQL(apollo, options.context, request, response, url);
    } catch (error) {
      if (!response.headersSent) {
        sendJson(response, 500, {
          error: { code: 'INTERNAL_SERVER_ERROR', message: (error as Error).message },
        });
      } else {
        response.destroy();
      }
    }
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    async close() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await options.onClose?.();
    },
  };
}

async function handleGraphQL<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: () => Promise<TContext> | TContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
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
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
    context: async () => context(),
  });
  for (const [key, value] of result.headers) response.setHeader(key, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** The request body as text, or null when it exceeds `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
