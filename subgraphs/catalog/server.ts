import { createServer, type IncomingHttpHeaders } from 'node:http';
import { ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { listen, type RouteHandler, type RunningServer, readBody, sendJson } from '../kit/index.js';

const MAX_BODY_BYTES = 1_000_000;

export interface ServeCatalogOptions<TContext extends BaseContext> {
  schema: GraphQLSchema;
  /** Builds the per-request context from the request's headers (the admin token travels in one). */
  context: (headers: IncomingHttpHeaders) => Promise<TContext> | TContext;
  routes: Record<string, RouteHandler>;
  port?: number;
  host?: string;
  onClose: () => Promise<void>;
}

/**
 * Serves the catalog subgraph at `/graphql` (plus `/health` and extra routes). The kit's `serveSubgraph` does the
 * same for providers, but builds each request's context without the request, and the catalog's `refreshCatalog`
 * mutation needs the caller's admin token header; this stays until the kit hands the request to `context`.
 */
export async function serveCatalog<TContext extends BaseContext>(
  options: ServeCatalogOptions<TContext>,
): Promise<RunningServer> {
  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const routes: Record<string, RouteHandler> = {
    '/health': (_request, response) => sendJson(response, 200, { status: 'ok', subgraph: 'catalog' }),
    ...options.routes,
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://catalog.invalid');
    try {
      const route = routes[url.pathname];
      if (route) return await route(request, response, url);
      if (url.pathname !== '/graphql' && url.pathname !== '/') {
        return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown;
      if (request.method === 'POST') {
        const text = await readBody(request, MAX_BODY_BYTES);
        if (text === null)
          return sendJson(response, 413, { errors: [{ message: 'request body too large' }] });
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
        context: async () => options.context(request.headers),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
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
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async close() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await options.onClose();
    },
  };
}
