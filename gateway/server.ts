import './telemetry.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Agent } from 'undici';
import { createSubgraphAgent, UndiciDataSource } from './dataSource.js';
import {
  BodyTooLargeError,
  graphQLErrorBody,
  listen,
  originFor,
  prefersHtml,
  readBody,
  sendJson,
} from './http.js';
import { sendIdePage, serveIdeAsset } from './ide.js';
import {
  loadSupergraphSdl,
  type SupergraphSource,
  type SupergraphSourceOptions,
  supergraphSourceOf,
} from './supergraphSource.js';

/** Where Apollo's and our own diagnostics go. Compatible with Apollo's `Logger`. */
export interface GatewayLogger {
  debug(message?: unknown): void;
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

export interface GatewayOptions extends SupergraphSourceOptions {
  /** 0 picks a free port. Default 4000. */
  port?: number;
  /** Default 127.0.0.1; `0.0.0.0` listens on every interface. */
  host?: string;
  /** Largest accepted request body; larger ones get 413. Default 1 MB. */
  maxBodyBytes?: number;
  /** Deadline for a subgraph's response headers, and again for each gap in its body. Default 30 s. */
  subgraphTimeoutMs?: number;
  /** Keep-alive connections per subgraph. Default 64. */
  connectionsPerSubgraph?: number;
  /** Deadline for each subgraph's introspection when composing from a supergraph config. Default 10 s. */
  introspectionTimeoutMs?: number;
  /** Whether clients (and the IDE) may introspect the API schema. Default true. */
  introspection?: boolean;
  /** How long close() lets in-flight requests finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
  /** Default: warnings and errors to stderr, nothing else. */
  logger?: GatewayLogger;
}

/** A gateway that is listening; `ready` settles once the supergraph is loaded (or failed to load). */
export interface RunningGateway {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  /** Resolves when queries can be served; rejects with the reason the supergraph could not be loaded. */
  ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish, stops Apollo and the subgraph pool, frees the port. */
  close(): Promise<void>;
}

type GatewayState = 'starting' | 'ready' | 'failed' | 'closing';

/** The GraphQL endpoint's path; the IDE is served there too. */
export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/health';

const quietLogger: GatewayLogger = {
  debug() {},
  info() {},
  warn: (message) => console.error(`credgraph gateway: ${String(message)}`),
  error: (message) => console.error(`credgraph gateway: ${String(message)}`),
};

/**
 * Listens at once and loads the supergraph in the background: `/health` answers 503 `starting` until it is
 * loaded, then 200 `ok`. Throws at once only for options that name no (or several) supergraph sources.
 */
export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const source = supergraphSourceOf(options);
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const logger = options.logger ?? quietLogger;
  const agent = createSubgraphAgent({ connectionsPerSubgraph: options.connectionsPerSubgraph ?? 64 });
  const abortLoading = new AbortController();

  let state: GatewayState = 'starting';
  let failure: Error | null = null;
  let apollo: ApolloServer<BaseContext> | null = null;

  const server = createServer((request, response) => {
    if (state === 'closing') response.setHeader('connection', 'close');
    // Connections whose request was in flight when close() began are released as soon as it is answered.
    response.once('finish', () => {
      if (state === 'closing') setImmediate(() => server.closeIdleConnections());
    });
    route(request, response).catch((error: unknown) => {
      logger.error(`request ${request.method} ${request.url} failed: ${(error as Error).stack ?? error}`);
      if (!response.headersSent) {
        sendJson(response, 500, graphQLErrorBody('internal gateway error', 'INTERNAL_SERVER_ERROR'));
      } else {
        response.destroy();
      }
    });
  });
  server.keepAliveTimeout = 65_000;

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    if (url.pathname === HEALTH_PATH) return sendHealth(response);
    if (url.pathname === GRAPHQL_PATH) return handleGraphQL(request, response, url);
    if (serveIdeAsset(request, response, url)) return;
    if (url.pathname === '/' && request.method === 'GET' && prefersHtml(request.headers.accept)) {
      response.writeHead(302, { location: GRAPHQL_PATH, 'content-length': 0 });
      return void response.end();
    }
    sendJson(
      response,
      404,
      graphQLErrorBody(`no route ${url.pathname}; the GraphQL endpoint is ${GRAPHQL_PATH}`, 'NOT_FOUND'),
    );
  }

  function sendHealth(response: ServerResponse): void {
    if (state === 'ready') sendJson(response, 200, { status: 'ok' });
    else if (state === 'failed') sendJson(response, 503, { status: 'failed', error: failure?.message });
    else sendJson(response, 503, { status: state });
  }

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && !url.searchParams.has('query')) {
      if (prefersHtml(request.headers.accept)) return sendIdePage(request, response, GRAPHQL_PATH);
    }
    if (method !== 'GET' && method !== 'POST') {
      return sendJson(
        response,
        405,
        graphQLErrorBody(
          `${method} is not allowed on ${GRAPHQL_PATH}; use GET or POST`,
          'METHOD_NOT_ALLOWED',
        ),
        { allow: 'GET, POST' },
      );
    }
    if (!apollo) {
      const body =
        state === 'failed'
          ? graphQLErrorBody(
              `the gateway could not load its supergraph: ${failure?.message}`,
              'GATEWAY_UNAVAILABLE',
            )
          : graphQLErrorBody('the gateway is starting: its supergraph is not loaded yet', 'GATEWAY_STARTING');
      return sendJson(response, 503, body, { 'retry-after': '1' });
    }
    let body: unknown;
    if (method === 'POST') {
      let text: string;
      try {
        text = await readBody(request, maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        return sendJson(response, 413, graphQLErrorBody(error.message, 'PAYLOAD_TOO_LARGE'), {
          connection: 'close',
        });
      }
      if (isJsonContentType(request.headers['content-type']) && text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (error) {
          return sendJson(
            response,
            400,
            graphQLErrorBody(`request body is not valid JSON: ${(error as Error).message}`, 'BAD_REQUEST'),
          );
        }
      } else {
        // Apollo answers a missing or non-JSON body with its own clear 400 (or a CSRF refusal).
        body = text === '' ? undefined : text;
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: async () => ({}),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.setHeader('content-length', Buffer.byteLength(result.body.string));
      return void response.end(result.body.string);
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  let port: number;
  try {
    port = await listen(server, options.port ?? 4000, host);
  } catch (error) {
    await agent.close();
    throw error;
  }

  const ready = (async () => {
    const supergraphSdl = await loadSupergraph(source, options, abortLoading.signal);
    const started = buildApollo(supergraphSdl, agent, options, logger);
    await started.start();
    // close() may have been called while Apollo was starting.
    if ((state as GatewayState) === 'closing') {
      await started.stop();
      throw new Error('the gateway was closed while starting');
    }
    apollo = started;
    state = 'ready';
  })();
  ready.catch((error: Error) => {
    if (state === 'closing') return;
    failure = error;
    state = 'failed';
  });

  let closing: Promise<void> | null = null;
  return {
    url: `${originFor(host, port)}${GRAPHQL_PATH}`,
    port,
    ready,
    close() {
      closing ??= (async () => {
        state = 'closing';
        abortLoading.abort();
        await stopServer(server, options.shutdownGraceMs ?? 10_000);
        await ready.catch(() => {});
        await apollo?.stop();
        await agent.close();
      })();
      return closing;
    },
  };
}

/**
 * Starts a gateway and waits until it can serve queries.
 * @throws the reason the supergraph could not be loaded (the gateway is closed again, its port freed).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const gateway = await createGateway(options);
  try {
    await gateway.ready;
  } catch (error) {
    await gateway.close();
    throw error;
  }
  return gateway;
}

function loadSupergraph(source: SupergraphSource, options: GatewayOptions, signal: AbortSignal) {
  return loadSupergraphSdl(source, {
    signal,
    ...(options.introspectionTimeoutMs === undefined
      ? {}
      : { introspectionTimeoutMs: options.introspectionTimeoutMs }),
  });
}

function buildApollo(
  supergraphSdl: string,
  agent: Agent,
  options: GatewayOptions,
  logger: GatewayLogger,
): ApolloServer<BaseContext> {
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name, url }) => {
      if (!url) throw new Error(`the supergraph gives subgraph "${name}" no URL`);
      return new UndiciDataSource({
        name,
        url,
        dispatcher: agent,
        timeoutMs: options.subgraphTimeoutMs ?? 30_000,
      });
    },
  });
  return new ApolloServer<BaseContext>({
    gateway,
    logger,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // The gateway's owner (CLI or launcher) handles signals, so that close() runs once, in order.
    stopOnTerminationSignals: false,
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
}

function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || essence.endsWith('+json');
}

async function stopServer(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  force.unref();
  await closed;
  clearTimeout(force);
}
