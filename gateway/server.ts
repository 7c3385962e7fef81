import './telemetry.js';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { GatewayCache } from './cache/gatewayCache.js';
import { type CacheOptions, resolveCacheOptions } from './cache/options.js';
import { CircuitBreaker, type CircuitBreakerOptions, circuitStateValue } from './circuitBreaker.js';
import {
  ADMIN_TOKEN_HEADER,
  createSubgraphAgent,
  type GatewayContext,
  REQUEST_ID_HEADER,
  type SubgraphObserver,
  UndiciDataSource,
} from './dataSource.js';
import { createErrorFormatter, withoutUrls } from './errorFormatting.js';
import type { GatewayErrorCode } from './errors.js';
import { withPlanExecutor } from './execution/planExecutor.js';
import { hotReloadingSupergraph } from './hotReload.js';
import {
  BodyTooLargeError,
  decodeUtf8,
  graphQLErrorBody,
  listen,
  originFor,
  prefersHtml,
  receiveBody,
  requestUrl,
  sendJson,
} from './http.js';
import { sendIdePage, serveIdeAsset } from './ide.js';
import {
  armorProtection,
  DEFAULT_REQUEST_LIMITS,
  operationLimitsPlugin,
  type RequestLimits,
} from './limits.js';
import { createJsonLogger, type GatewayLogger, type LogLevel, requestIdFor } from './logging.js';
import { codeLabel, GatewayMetrics } from './metrics.js';
import { type ProviderField, providerFieldsOfSupergraph } from './providerRouting.js';
import { type RateDecision, RateLimiter, type RateLimitOptions } from './rateLimit.js';
import { SubgraphProbe, subgraphsOfSupergraph } from './readiness.js';
import { isLoopbackUrl } from './subgraphTransport.js';
import {
  loadSupergraphSdl,
  type SupergraphSource,
  type SupergraphSourceOptions,
  supergraphSourceOf,
} from './supergraphSource.js';
import { TrustedDocuments } from './trustedDocuments.js';

export type { GatewayLogger } from './logging.js';

export interface GatewayOptions extends SupergraphSourceOptions {
  /** 0 picks a free port. Default 4000. */
  port?: number;
  /** Default 127.0.0.1; `0.0.0.0` listens on every interface. */
  host?: string;
  /** Largest accepted request body; larger ones get 413. Default 1 MB. */
  maxBodyBytes?: number;
  /** Deadline for a subgraph's response headers, and again for each gap in its body. Default 30 s. */
  subgraphTimeoutMs?: number;
  /** Per-subgraph deadlines by subgraph name, over `subgraphTimeoutMs`. */
  subgraphTimeouts?: Record<string, number>;
  /** Ask subgraphs for gzip/brotli answers: `auto` (the default) does for subgraphs not on this machine. */
  subgraphCompression?: boolean | 'auto';
  /**
   * Answer null for other providers' ids instead of sending them to a provider subgraph (see
   * providerRouting.ts: the provider contract promises null for them). Default true.
   */
  providerRouting?: boolean;
  /**
   * Run query plans with credgraph's executor (execution/planExecutor.ts) rather than Apollo's, which still runs
   * what credgraph's does not cover. Default true.
   */
  planExecutor?: boolean;
  /** Retries of a subgraph query (never a mutation) after a connection failure or a 502/503/504. Default 1. */
  subgraphRetries?: number;
  /** The circuit breaker per subgraph, or false for none. Default: opens after 5 consecutive failures for 10 s. */
  subgraphCircuitBreaker?: Pick<CircuitBreakerOptions, 'failureThreshold' | 'resetAfterMs'> | false;
  /** Keep-alive connections per subgraph. Default 64. */
  connectionsPerSubgraph?: number;
  /** Deadline for each subgraph's introspection when composing from a supergraph config. Default 10 s. */
  introspectionTimeoutMs?: number;
  /**
   * Production mode: introspection off (unless `introspection` says otherwise) and no field suggestions in
   * error messages. Default false; the CLI sets it from NODE_ENV or CREDGRAPH_MODE.
   */
  production?: boolean;
  /** Whether clients (and the IDE) may introspect the API schema. Default: true, false in production. */
  introspection?: boolean;
  /** Request limits; each one left out keeps its default (see {@link DEFAULT_REQUEST_LIMITS}). */
  limits?: Partial<RequestLimits>;
  /** A JSON file of trusted operations (id → document): when given, only those operations run. */
  trustedDocumentsPath?: string;
  /** Trusted operations given directly, in the file's shape. */
  trustedDocuments?: unknown;
  /** Per-client rate limiting (in memory, or shared through Redis), or false for none. Default 600 per minute. */
  rateLimit?: RateLimitOptions | false;
  /** How often a supergraph file or config is checked for changes, and swapped in when it loads. 0 never. Default 5 s. */
  reloadIntervalMs?: number;
  /** How long `/ready` reuses its last probe of the subgraphs. Default 2 s. */
  readyCacheMs?: number;
  /** How long the node:http server waits for a client's whole request. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long close() lets in-flight requests finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
  /**
   * The response and entity caches (memory, or Redis with `cache.redisUrl`), or false for none. Default: none
   * for a gateway built in code; the `credgraph` commands turn them on unless CREDGRAPH_CACHE=off.
   */
  cache?: CacheOptions | false;
  /** Answer identical concurrent queries with one execution. Default false. */
  dedupeRequests?: boolean;
  /** Automatic persisted queries, on the cache's store (never in trusted-documents mode). Default true. */
  persistedQueries?: boolean;
  /** The operators' token (`x-credgraph-admin-token`) that allows `x-credgraph-cache: bypass`; unset, only local callers may bypass. */
  adminToken?: string;
  /** Apollo Server plugins to add. */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Default: JSON lines (pino) on standard error at `logLevel`. */
  logger?: GatewayLogger;
  /** The level of the default logger. Default `warn`; the CLI logs every request at `info`. */
  logLevel?: LogLevel;
}

/** A gateway that is listening; `ready` settles once the supergraph is loaded (or failed to load). */
export interface RunningGateway {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  /** Resolves when queries can be served; rejects with the reason the supergraph could not be loaded. */
  ready: Promise<void>;
  /** The gateway's metrics; register more in `metrics.registry` to have `/metrics` serve them. */
  metrics: GatewayMetrics;
  /** Stops accepting, lets in-flight requests finish, stops Apollo and the subgraph pool, frees the port. */
  close(): Promise<void>;
}

type GatewayState = 'starting' | 'ready' | 'failed' | 'closing';

/** The GraphQL endpoint's path; the IDE is served there too. */
export const GRAPHQL_PATH = '/graphql';
const GRAPHQL_URL = requestUrl(GRAPHQL_PATH)!;
const NOT_BLANK = /\S/;
/** Liveness: 200 while the process serves requests. */
export const HEALTH_PATH = '/health';
/** Readiness: 200 once the supergraph is loaded and every subgraph answers, else 503 with the reason. */
export const READY_PATH = '/ready';
/** Prometheus metrics, in the text exposition format. */
export const METRICS_PATH = '/metrics';

/** One request and its answer, with what its access log line and metrics need once it is answered. */
interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** The request's path, for the log. */
  readonly path: string;
  /** The route's metric label. */
  readonly route: string;
  readonly started: number;
  readonly requestId: string;
  /** The error codes it was answered with. */
  readonly errorCodes: string[];
  /** Whether its response has its headers and its settling arranged (see `track`). */
  tracked: boolean;
}

/**
 * Listens at once and loads the supergraph in the background: `/ready` answers 503 `starting` until it is
 * loaded. Throws at once for options that name no (or several) supergraph sources, or a trusted-documents
 * file that cannot be read.
 */
export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const source = supergraphSourceOf(options);
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...definedOnly(options.limits ?? {}) };
  const logger = options.logger ?? createJsonLogger({ level: options.logLevel ?? 'warn' });
  const trusted = options.trustedDocumentsPath
    ? await TrustedDocuments.load(options.trustedDocumentsPath)
    : options.trustedDocuments !== undefined
      ? TrustedDocuments.from(options.trustedDocuments)
      : null;
  const metrics = new GatewayMetrics();
  const countError = (code: string) => metrics.graphqlErrors.inc({ code: codeLabel(code) });
  const rateLimiter =
    options.rateLimit === false || options.rateLimit?.limit === 0
      ? null
      : new RateLimiter(options.rateLimit ?? {}, {
          logger,
          onStoreError: () => metrics.rateLimitStoreErrors.inc(),
        });
  const agent = createSubgraphAgent({ connectionsPerSubgraph: options.connectionsPerSubgraph ?? 64 });
  const caching = new GatewayCache({
    cache: options.cache ? resolveCacheOptions(options.cache) : null,
    dedupeRequests: options.dedupeRequests ?? false,
    persistedQueries: options.persistedQueries ?? true,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    dispatcher: agent,
    logger,
    metrics,
  });
  let providerFields = new Map<string, ProviderField>();
  const probe = new SubgraphProbe(agent, 2_000, options.readyCacheMs ?? 2_000);
  const abortLoading = new AbortController();

  let state: GatewayState = 'starting';
  let failure: Error | null = null;
  let apollo: ApolloServer<GatewayContext> | null = null;
  let subgraphs = new Map<string, string>();

  /** Counts an answered exchange in the metrics and, at `info`, writes its access log line. */
  const settle = (exchange: Exchange): void => {
    // Connections whose request was in flight when close() began are released as soon as it is answered.
    if (state === 'closing') setImmediate(() => server.closeIdleConnections());
    const seconds = (performance.now() - exchange.started) / 1000;
    const status = exchange.response.statusCode;
    metrics.observeHttp(exchange.route, status, seconds);
    if (exchange.route === 'graphql' && logger.isLevelEnabled?.('info') !== false) {
      logger.info({
        msg: 'request',
        requestId: exchange.requestId,
        method: exchange.request.method,
        path: exchange.path,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(exchange.errorCodes.length > 0 ? { errorCodes: [...new Set(exchange.errorCodes)] } : {}),
      });
    }
  };

  /**
   * Readies an exchange's response for an answer written later, in whatever turn: its request id and, while
   * closing, `connection: close`, and its settling once sent. An answer from the response cache, sent in the
   * turn its request ends, carries the same headers and is settled as it is sent, without a listener.
   */
  const track = (exchange: Exchange): void => {
    if (exchange.tracked) return;
    exchange.tracked = true;
    const response = exchange.response;
    response.setHeader(REQUEST_ID_HEADER, exchange.requestId);
    if (state === 'closing') response.setHeader('connection', 'close');
    response.once('finish', () => settle(exchange));
  };

  const sendError = (
    exchange: Exchange,
    status: number,
    code: GatewayErrorCode | 'INTERNAL_SERVER_ERROR',
    message: string,
    headers?: Record<string, string>,
  ) => {
    track(exchange);
    countError(code);
    exchange.errorCodes.push(code);
    sendJson(exchange.response, status, graphQLErrorBody(message, code), headers);
  };

  /** Answers an exchange whose handling threw: a 500 if nothing was sent yet, else a cut connection. */
  const fail = (exchange: Exchange, error: unknown): void => {
    logger.error({
      msg: 'request failed',
      requestId: exchange.requestId,
      method: exchange.request.method,
      path: exchange.path,
      err: (error as Error).stack ?? String(error),
    });
    if (!exchange.response.headersSent) {
      sendError(exchange, 500, 'INTERNAL_SERVER_ERROR', 'internal gateway error');
    } else {
      exchange.response.destroy();
    }
  };

  const server = createServer((request, response) => {
    // Most requests are a plain POST /graphql, whose URL need not be parsed again each time (nothing mutates it).
    const url = request.url === GRAPHQL_PATH ? GRAPHQL_URL : requestUrl(request.url);
    const exchange: Exchange = {
      request,
      response,
      path: url ? url.pathname : (request.url ?? ''),
      route: url ? routeOf(url.pathname) : 'other',
      started: performance.now(),
      requestId: requestIdFor(request.headers),
      errorCodes: [],
      tracked: false,
    };
    if (!url) return sendError(exchange, 400, 'BAD_REQUEST', 'the request target is not a valid path');
    // The path a cached answer takes: no promise between its body's end and its answer.
    if (url === GRAPHQL_URL && request.method === 'POST' && apollo) {
      try {
        return receivePost(exchange, url);
      } catch (error) {
        return fail(exchange, error);
      }
    }
    track(exchange);
    route(exchange, url).catch((error: unknown) => fail(exchange, error));
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = Math.min(server.requestTimeout || 60_000, 60_000);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket),
  );

  async function route(exchange: Exchange, url: URL): Promise<void> {
    const { request, response } = exchange;
    if (url.pathname === HEALTH_PATH) return sendHealth(response);
    if (url.pathname === READY_PATH) return sendReady(response);
    if (url.pathname === METRICS_PATH) return sendMetrics(response);
    if (url.pathname === GRAPHQL_PATH) return handleGraphQL(exchange, url);
    if (serveIdeAsset(request, response, url)) return;
    if (url.pathname === '/' && request.method === 'GET' && prefersHtml(request.headers.accept)) {
      response.writeHead(302, { location: GRAPHQL_PATH, 'content-length': 0 });
      return void response.end();
    }
    sendError(
      exchange,
      404,
      'NOT_FOUND',
      `no route ${url.pathname.slice(0, 200)}; the GraphQL endpoint is ${GRAPHQL_PATH}`,
    );
  }

  function sendHealth(response: ServerResponse): void {
    if (state === 'closing') sendJson(response, 503, { status: 'closing' });
    else sendJson(response, 200, { status: 'ok' });
  }

  async function sendReady(response: ServerResponse): Promise<void> {
    if (state !== 'ready') {
      const error = state === 'failed' && failure ? { error: withoutUrls(failure.message) } : {};
      return sendJson(response, 503, { status: state, ...error });
    }
    const reachability = await probe.check(subgraphs);
    const ready = Object.values(reachability).every((value) => value === 'reachable');
    sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'degraded', subgraphs: reachability });
  }

  async function sendMetrics(response: ServerResponse): Promise<void> {
    const { contentType, text } = await metrics.text();
    response.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(text);
  }

  /**
   * The GraphQL endpoint, for what the request handler does not send straight to `receivePost`: GET, the IDE
   * page, other methods (refused), requests before the supergraph is loaded (refused), a POST with a query string.
   */
  async function handleGraphQL(exchange: Exchange, url: URL): Promise<void> {
    const { request, response } = exchange;
    const method = request.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && !url.searchParams.has('query')) {
      if (prefersHtml(request.headers.accept)) return sendIdePage(request, response, GRAPHQL_PATH);
    }
    if (method !== 'GET' && method !== 'POST') {
      return sendError(
        exchange,
        405,
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on ${GRAPHQL_PATH}; use GET or POST`,
        { allow: 'GET, POST' },
      );
    }
    if (!apollo) {
      return state === 'failed'
        ? sendError(
            exchange,
            503,
            'GATEWAY_UNAVAILABLE',
            `the gateway could not load its supergraph: ${withoutUrls(failure?.message ?? '')}`,
            { 'retry-after': '1' },
          )
        : sendError(
            exchange,
            503,
            'GATEWAY_STARTING',
            'the gateway is starting: its supergraph is not loaded yet',
            {
              'retry-after': '1',
            },
          );
    }
    if (method === 'POST') return receivePost(exchange, url);
    if (rateLimiter && !admitted(exchange, await rateLimiter.check(request))) return;
    return answer(exchange, method, undefined, url, headerValue(request.headers[ADMIN_TOKEN_HEADER]));
  }

  /** Sets the rate limit headers; answers 429 and returns false when the client is over its limit. */
  function admitted(exchange: Exchange, decision: RateDecision): boolean {
    const response = exchange.response;
    response.setHeader('ratelimit-limit', String(decision.limit));
    response.setHeader('ratelimit-remaining', String(decision.remaining));
    response.setHeader('ratelimit-reset', String(decision.resetSeconds));
    if (decision.allowed) return true;
    metrics.rateLimited.inc();
    sendError(
      exchange,
      429,
      'RATE_LIMITED',
      `rate limit of ${decision.limit} requests exceeded; retry in ${decision.resetSeconds} s`,
      { 'retry-after': String(decision.resetSeconds) },
    );
    return false;
  }

  /**
   * A POST to the GraphQL endpoint once the supergraph is loaded. Callbacks rather than an async chain up to
   * the response cache: a body planned before is answered in the turn it ends, before it is even parsed.
   */
  function receivePost(exchange: Exchange, url: URL): void {
    const decision = rateLimiter?.check(exchange.request);
    if (decision instanceof Promise) {
      track(exchange);
      decision
        .then((settled) => admitted(exchange, settled) && readPost(exchange, url))
        .catch((error: unknown) => fail(exchange, error));
      return;
    }
    if (decision && !admitted(exchange, decision)) return;
    readPost(exchange, url);
  }

  function readPost(exchange: Exchange, url: URL): void {
    receiveBody(exchange.request, maxBodyBytes, (error, bytes) => {
      // Not in a promise: what throws here must not escape into the request's 'end' event.
      try {
        receivedPost(exchange, url, error, bytes);
      } catch (thrown) {
        fail(exchange, thrown);
      }
    });
  }

  function receivedPost(exchange: Exchange, url: URL, error: Error | null, bytes: Buffer | undefined): void {
    if (error instanceof BodyTooLargeError) {
      sendError(exchange, 413, 'PAYLOAD_TOO_LARGE', error.message, { connection: 'close' });
      return;
    }
    if (error) {
      fail(exchange, error);
      return;
    }
    const request = exchange.request;
    const adminToken = headerValue(request.headers[ADMIN_TOKEN_HEADER]);
    const json = isJsonContentType(request.headers['content-type']);
    // Bytes planned before are answered from the response cache before they are even decoded.
    const recalled = json && caching.active ? caching.recall(request, bytes!, adminToken) : null;
    const served = recalled ? caching.serveHit(recalled, exchange.response, hitHeaders(exchange)) : false;
    if (served === true) settleHit(exchange);
    else if (served === false) decodePost(exchange, url, bytes!, json, adminToken);
    else {
      served
        .then((hit) => (hit ? settleHit(exchange) : decodePost(exchange, url, bytes!, json, adminToken)))
        .catch((thrown: unknown) => fail(exchange, thrown));
    }
  }

  function decodePost(
    exchange: Exchange,
    url: URL,
    bytes: Buffer,
    json: boolean,
    adminToken: string | undefined,
  ): void {
    const text = decodeUtf8(bytes);
    if (text === null) sendError(exchange, 400, 'BAD_REQUEST', 'request body is not valid UTF-8');
    else if (json && NOT_BLANK.test(text)) parsePost(exchange, url, text, bytes, adminToken);
    // Apollo answers a missing or non-JSON body with its own clear 400 (or a CSRF refusal).
    else continuePost(exchange, url, text === '' ? undefined : text, adminToken);
  }

  /** The headers `track` would have set, for an answer sent straight from the response cache. */
  function hitHeaders(exchange: Exchange): Record<string, string> | undefined {
    if (exchange.tracked) return undefined;
    return state === 'closing'
      ? { [REQUEST_ID_HEADER]: exchange.requestId, connection: 'close' }
      : { [REQUEST_ID_HEADER]: exchange.requestId };
  }

  /** Settles an exchange answered from the response cache, unless its 'finish' will (see `track`). */
  function settleHit(exchange: Exchange): void {
    if (!exchange.tracked) settle(exchange);
  }

  function parsePost(
    exchange: Exchange,
    url: URL,
    text: string,
    bytes: Buffer,
    adminToken: string | undefined,
  ): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      sendError(
        exchange,
        400,
        'BAD_REQUEST',
        `request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
      );
      return;
    }
    if (Array.isArray(body)) {
      if (limits.maxBatch === 0) {
        sendError(exchange, 400, 'BATCHING_DISABLED', 'batched operations (an array body) are not accepted');
        return;
      }
      if (body.length > limits.maxBatch) {
        sendError(
          exchange,
          400,
          'BATCH_TOO_LARGE',
          `a batch may hold at most ${limits.maxBatch} operations, got ${body.length}`,
        );
        return;
      }
    }
    // The JSON bytes of a single operation, which the caches remember (see GatewayCache.recall).
    continuePost(exchange, url, body, adminToken, Array.isArray(body) ? undefined : bytes);
  }

  function continuePost(
    exchange: Exchange,
    url: URL,
    body: unknown,
    adminToken: string | undefined,
    rawJson?: Buffer,
  ): void {
    track(exchange);
    answer(exchange, 'POST', body, url, adminToken, rawJson).catch((error: unknown) => fail(exchange, error));
  }

  /** Answers an admitted GraphQL request from the response cache or through Apollo. */
  async function answer(
    exchange: Exchange,
    method: string,
    requestBody: unknown,
    url: URL,
    adminToken: string | undefined,
    rawJson?: Buffer,
  ): Promise<void> {
    const { request, response } = exchange;
    let body = requestBody;
    let search = url.search;
    if (trusted) {
      const rewritten = trustedRequest(trusted, method, body, url);
      if (!rewritten.ok) return sendError(exchange, 400, 'OPERATION_NOT_TRUSTED', rewritten.message);
      body = rewritten.body;
      search = rewritten.search;
    }
    const plan = caching.active
      ? caching.plan(request, method, body, search, adminToken, Array.isArray(body) ? undefined : rawJson)
      : null;
    if (plan) {
      const served = caching.serveHit(plan, response);
      if (served === true || (served !== false && (await served))) return;
    }
    const server = apollo!;
    const run = () => {
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      return server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search, body },
        context: async () => ({
          requestId: exchange.requestId,
          errorCodes: exchange.errorCodes,
          ...(adminToken ? { adminToken } : {}),
          ...(plan?.state ? { cache: plan.state } : {}),
        }),
      });
    };
    const result = plan ? await caching.execute(plan, run) : await run();
    if (result.status !== undefined && result.status >= 400 && exchange.errorCodes.length === 0) {
      // Refused before its operation ran (no body, CSRF, wrong method): no plugin saw the error's code.
      exchange.errorCodes.push(...errorCodesOf(result.body));
    }
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
    await rateLimiter?.close();
    await caching.close();
    throw error;
  }

  const breakers = new Map<string, CircuitBreaker>();
  const breakerFor = (name: string, url: string): CircuitBreaker | undefined => {
    if (options.subgraphCircuitBreaker === false) return undefined;
    const key = `${name} ${url}`;
    let breaker = breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker({
        failureThreshold: options.subgraphCircuitBreaker?.failureThreshold ?? 5,
        resetAfterMs: options.subgraphCircuitBreaker?.resetAfterMs ?? 10_000,
        onStateChange: (circuit) =>
          metrics.subgraphCircuitState.set({ subgraph: name }, circuitStateValue(circuit)),
      });
      metrics.subgraphCircuitState.set({ subgraph: name }, 0);
      breakers.set(key, breaker);
    }
    return breaker;
  };
  const observer: SubgraphObserver = {
    fetched(subgraph, outcome, seconds) {
      metrics.subgraphRequests.inc({ subgraph, outcome });
      metrics.subgraphDuration.observe({ subgraph }, seconds);
    },
    retried: (subgraph) => metrics.subgraphRetries.inc({ subgraph }),
  };

  const ready = (async () => {
    const supergraphSdl = await loadSupergraph(source, options, abortLoading.signal);
    const gateway = new ApolloGateway({
      logger,
      supergraphSdl: hotReloadingSupergraph({
        initialSdl: supergraphSdl,
        load: (signal) => loadSupergraph(source, options, signal),
        intervalMs: source.kind === 'sdl' ? 0 : (options.reloadIntervalMs ?? 5_000),
        logger,
        onLoaded: (sdl) => {
          subgraphs = subgraphsOfSupergraph(sdl);
          caching.onSupergraph(sdl);
          providerFields = options.providerRouting === false ? new Map() : providerFieldsOfSupergraph(sdl);
        },
        onOutcome: (outcome) => metrics.supergraphLoads.inc({ outcome }),
      }),
      buildService: ({ name, url }) => {
        if (!url) throw new Error(`the supergraph gives subgraph "${name}" no URL`);
        const compression = options.subgraphCompression ?? 'auto';
        return new UndiciDataSource({
          name,
          url,
          dispatcher: agent,
          timeoutMs: options.subgraphTimeouts?.[name] ?? options.subgraphTimeoutMs ?? 30_000,
          retries: options.subgraphRetries ?? 1,
          compression: compression === 'auto' ? !isLoopbackUrl(url) : compression,
          breaker: breakerFor(name, url),
          observer,
          defaultMaxAge: caching.defaultMaxAge,
          providerField: () => providerFields.get(name),
          ...(caching.entityCache ? { entityCache: caching.entityCache } : {}),
        });
      },
    });
    const executions = {
      credgraph: metrics.planExecutions.labels('credgraph'),
      apollo: metrics.planExecutions.labels('apollo'),
    };
    const served = withPlanExecutor(gateway, {
      enabled: options.planExecutor ?? true,
      onExecuted: (executor) => executions[executor].inc(),
    });
    const started = buildApollo(served, options, limits, logger, trusted !== null, countError, caching);
    await started.start();
    await caching.start();
    // close() may have been called while Apollo was starting.
    if ((state as GatewayState) === 'closing') {
      await started.stop();
      throw new Error('the gateway was closed while starting');
    }
    apollo = started;
    state = 'ready';
    metrics.supergraphLoaded.set(1);
    metrics.supergraphLoads.inc({ outcome: 'loaded' });
  })();
  ready.catch((error: Error) => {
    if (state === 'closing') return;
    failure = error;
    state = 'failed';
    metrics.supergraphLoads.inc({ outcome: 'failed' });
  });

  let closing: Promise<void> | null = null;
  return {
    url: `${originFor(host, port)}${GRAPHQL_PATH}`,
    port,
    ready,
    metrics,
    close() {
      closing ??= (async () => {
        state = 'closing';
        metrics.supergraphLoaded.set(0);
        abortLoading.abort();
        await stopServer(server, options.shutdownGraceMs ?? 10_000);
        await ready.catch(() => {});
        await apollo?.stop();
        await rateLimiter?.close();
        await caching.close();
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
  gateway: GatewayInterface,
  options: GatewayOptions,
  limits: RequestLimits,
  logger: GatewayLogger,
  trustedOnly: boolean,
  onErrorCode: (code: string) => void,
  caching: GatewayCache,
): ApolloServer<GatewayContext> {
  const production = options.production ?? false;
  const armor = armorProtection(limits, production);
  return new ApolloServer<GatewayContext>({
    gateway,
    logger,
    introspection: options.introspection ?? !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    // The gateway's owner (CLI or launcher) handles signals, so that close() runs once, in order.
    stopOnTerminationSignals: false,
    stringifyResult: (value) => JSON.stringify(value),
    allowBatchedHttpRequests: limits.maxBatch > 0,
    parseOptions: { maxTokens: limits.maxTokens },
    // Guards validation itself against fragment fan-outs that expand to millions of selections.
    maxRecursiveSelections: true,
    validationRules: armor.validationRules,
    // APQ on the caches' store; with trusted documents only, clients must not register operations through it.
    persistedQueries: caching.persistedQueriesOption(trustedOnly),
    formatError: createErrorFormatter(onErrorCode),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      operationLimitsPlugin(limits) as ApolloServerPlugin<GatewayContext>,
      errorCodeRecorder(),
      caching.plugin(),
      ...(options.plugins ?? []),
    ],
  });
}

/** Notes the code of every error an operation's answer carries, for the request's access log line. */
function errorCodeRecorder(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const errors =
            response.body.kind === 'single'
              ? response.body.singleResult.errors
              : response.body.initialResult.errors;
          for (const error of errors ?? []) contextValue.errorCodes?.push(String(error.extensions?.code));
        },
      };
    },
  };
}

/** The error codes of a complete JSON answer Apollo refused a request with. */
function errorCodesOf(body: HTTPGraphQLResponse['body']): string[] {
  if (body.kind !== 'complete') return [];
  try {
    const { errors } = JSON.parse(body.string) as { errors?: Array<{ extensions?: { code?: unknown } }> };
    return (errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  } catch {
    return [];
  }
}

/** The request Apollo should see in trusted-documents mode, with the named operation's text filled in. */
function trustedRequest(
  trusted: TrustedDocuments,
  method: string,
  body: unknown,
  url: URL,
): { ok: true; body: unknown; search: string } | { ok: false; message: string } {
  if (method === 'GET') {
    const params = url.searchParams;
    let extensions: unknown;
    try {
      extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
    } catch {
      return { ok: false, message: 'the extensions parameter is not JSON' };
    }
    const resolved = trusted.resolve({
      query: params.get('query') ?? undefined,
      documentId: params.get('documentId') ?? undefined,
      id: params.get('id') ?? undefined,
      extensions,
    });
    if (!resolved.ok) return resolved;
    const rewritten = new URLSearchParams(params);
    for (const name of ['documentId', 'id', 'extensions']) rewritten.delete(name);
    rewritten.set('query', resolved.query);
    return { ok: true, body, search: `?${rewritten}` };
  }
  const resolveOne = (operation: unknown) => {
    if (typeof operation !== 'object' || operation === null) return null;
    const { documentId: _documentId, id: _id, extensions, ...rest } = operation as Record<string, unknown>;
    const resolved = trusted.resolve(operation as Record<string, unknown>);
    if (!resolved.ok) return resolved;
    const { persistedQuery: _persisted, ...otherExtensions } =
      typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>) : {};
    return { ok: true as const, operation: { ...rest, query: resolved.query, extensions: otherExtensions } };
  };
  // Bodies that are not JSON objects never run; Apollo refuses them with its own message.
  if (Array.isArray(body)) {
    const operations: unknown[] = [];
    for (const operation of body) {
      const resolved = resolveOne(operation);
      if (resolved && !resolved.ok) return resolved;
      operations.push(resolved ? resolved.operation : operation);
    }
    return { ok: true, body: operations, search: url.search };
  }
  const resolved = resolveOne(body);
  if (resolved && !resolved.ok) return resolved;
  return { ok: true, body: resolved ? resolved.operation : body, search: url.search };
}

/** Answers a request node:http could not parse (malformed, headers too large, too slow) with JSON. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, code, message]: [number, GatewayErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'the request line or headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive']
        : [400, 'BAD_REQUEST', 'the request is not well-formed HTTP'];
  const body = JSON.stringify(graphQLErrorBody(message, code));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function routeOf(pathname: string): string {
  if (pathname === GRAPHQL_PATH) return 'graphql';
  if (pathname === HEALTH_PATH) return 'health';
  if (pathname === READY_PATH) return 'ready';
  if (pathname === METRICS_PATH) return 'metrics';
  if (pathname.startsWith('/ide/')) return 'ide';
  return 'other';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  if (contentType === 'application/json') return true;
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
