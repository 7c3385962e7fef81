import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Dispatcher } from 'undici';
import { type CacheHint, hintFromCacheControl, type RestrictablePolicy } from './cache/cachePolicy.js';
import { type EntityCache, remainingSeconds } from './cache/entityCache.js';
import { type EntityFetchShape, entityFetchShape, nullEntity } from './cache/entityFetch.js';
import { entityReport, type RequestCacheState } from './cache/requestState.js';
import type { CircuitBreaker } from './circuitBreaker.js';
import type { ProviderField } from './providerRouting.js';
import { type SubgraphObserver, type SubgraphReply, SubgraphTransport } from './subgraphTransport.js';

export {
  createSubgraphAgent,
  type SubgraphAgentOptions,
  type SubgraphObserver,
} from './subgraphTransport.js';

/** What the gateway knows about the client request a subgraph fetch serves (Apollo's per-request context). */
export interface GatewayContext {
  /** The request id, sent to subgraphs as `x-request-id`. */
  requestId?: string;
  /** The client's `x-credgraph-admin-token`, forwarded to subgraphs with mutations (the catalog's admin mutations read it). */
  adminToken?: string;
  /** What the caches may do for this request; absent when the gateway caches nothing. */
  cache?: RequestCacheState;
  /** The codes of the errors the answer carries, collected for the request's access log line. */
  errorCodes?: string[];
}

/**
 * The headers the gateway forwards from a client to subgraphs: the request id, and with mutations only the admin
 * token. No query depends on anything else the client sent, which is what lets answers be cached for everyone.
 */
export const REQUEST_ID_HEADER = 'x-request-id';
export const ADMIN_TOKEN_HEADER = 'x-credgraph-admin-token';

export interface UndiciDataSourceOptions {
  /** Subgraph name, used in error messages and metrics. */
  name: string;
  url: string;
  dispatcher: Dispatcher;
  /** Deadline for the subgraph's response headers, and again for each gap in its body. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a query (never a mutation) after a connection failure or a 502/503/504. Default 1. */
  retries?: number;
  /** Ask for compressed answers (worth it across a network, not on loopback). Default false. */
  compression?: boolean;
  /** The subgraph's circuit breaker, shared by every data source of that subgraph. */
  breaker?: CircuitBreaker;
  observer?: SubgraphObserver;
  /** The entity cache, shared by every subgraph; entity fetches skip it when absent. */
  entityCache?: EntityCache;
  /** Cache max-age (s) of this subgraph's answers when it sends no Cache-Control. Default 0. */
  defaultMaxAge?: number;
  /** This subgraph's provider field, when it is a provider (see providerRouting.ts); read at each fetch. */
  providerField?: () => ProviderField | undefined;
}

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type IncomingOptions = Extract<ProcessOptions, { incomingRequestContext: unknown }>;

/** A fetch for a client's operation (not a health check or schema load). The gateway does not export its enum. */
function isIncoming(options: ProcessOptions): options is IncomingOptions {
  return (options.kind as string) === 'incoming operation';
}
type Entity = Record<string, unknown> | null;
type Representation = { __typename?: unknown; id?: unknown } & Record<string, unknown>;

// Per client request: identical subgraph fetches in flight, shared rather than sent twice.
const inFlightByRequest = new WeakMap<object, Map<string, Promise<SubgraphReply>>>();

/**
 * The gateway's subgraph data source. Over a keep-alive undici pool (see SubgraphTransport), it sends each
 * fetch once per client request, however often the plan asks for it; answers other providers' ids itself
 * (null, as the provider contract says) instead of sending them; serves `_entities` from the entity cache and
 * asks the subgraph only for the misses; narrows the request's cache policy by each subgraph's Cache-Control;
 * forwards only the request id and the admin token; and reports failures as clean errors that name the
 * subgraph, never its URL or response body. It implements Apollo's GraphQLDataSource directly: extending
 * RemoteGraphQLDataSource would build node-fetch Headers and Request objects for every fetch.
 */
export class UndiciDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly subgraph: string;
  private readonly transport: SubgraphTransport;
  private readonly entityCache: EntityCache | undefined;
  private readonly defaultMaxAge: number;
  private readonly providerField: () => ProviderField | undefined;

  constructor(options: UndiciDataSourceOptions) {
    this.subgraph = options.name;
    this.transport = new SubgraphTransport({
      name: options.name,
      url: options.url,
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 1,
      compression: options.compression ?? false,
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
    });
    this.entityCache = options.entityCache;
    this.defaultMaxAge = options.defaultMaxAge ?? 0;
    this.providerField = options.providerField ?? (() => undefined);
  }

  async process(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    const incoming = isIncoming(options) ? options : null;
    const { query } = options.request;
    if (!query) throw new Error('Missing query');
    const representations = options.request.variables?.representations;
    if (incoming && Array.isArray(representations)) {
      const shape = entityFetchShape(query, incoming.document);
      if (shape) return this.processEntities(incoming, shape, representations as Representation[]);
    }
    const reply = await this.fetch(options, options.request.variables);
    if (incoming) policyOf(incoming)?.restrict(this.hintOf(reply));
    return this.parse(reply);
  }

  /**
   * An `_entities` fetch: other providers' ids answered null here, cached entities from the cache, the rest
   * from the subgraph in one fetch, merged back in the order the gateway asked.
   */
  private async processEntities(
    options: IncomingOptions,
    shape: EntityFetchShape,
    representations: Representation[],
  ): Promise<GatewayGraphQLResponse> {
    const cacheState = options.context?.cache;
    const report = cacheState?.report ?? null;
    const results: Entity[] = new Array(representations.length).fill(null);
    let pending: number[] = [];
    const provider = this.providerField();
    representations.forEach((representation, index) => {
      const typeName = String(representation.__typename);
      const foreign =
        provider !== undefined &&
        typeName === provider.typeName &&
        typeof representation.id === 'string' &&
        !representation.id.startsWith(provider.idPrefix);
      const answer = foreign ? nullEntity(shape, typeName) : null;
      if (answer) {
        results[index] = answer;
        if (report) entityReport(report, this.subgraph, typeName).skipped += 1;
      } else {
        pending.push(index);
      }
    });
    if (pending.length === 0) return { data: { _entities: results } };

    const cache = cacheState?.entities ? this.entityCache : undefined;
    const variables = options.request.variables ?? {};
    const selection = cache ? selectionKey(shape, variables) : '';
    const keys = cache
      ? pending.map((index) =>
          cache.keyOf(cacheState!.generation, this.subgraph, selection, representations[index]),
        )
      : [];
    const policy = policyOf(options);
    let servedWithoutFetch = pending.length < representations.length;
    if (cache && !cacheState!.bypass) {
      const cached = await cache.lookup(keys, cacheState!.session);
      const now = Date.now();
      const misses: number[] = [];
      const missKeys: string[] = [];
      pending.forEach((index, position) => {
        const entry = cached[position];
        if (!entry) {
          misses.push(index);
          missKeys.push(keys[position]!);
          return;
        }
        results[index] = JSON.parse(entry.text) as Entity;
        policy?.restrict({ maxAge: remainingSeconds(entry, now), scope: entry.scope });
        servedWithoutFetch = true;
        if (report) entityReport(report, this.subgraph, String(representations[index]!.__typename)).hits += 1;
      });
      pending = misses;
      keys.splice(0, keys.length, ...missKeys);
    }
    if (pending.length === 0) return { data: { _entities: results } };
    if (report) {
      for (const index of pending) {
        entityReport(report, this.subgraph, String(representations[index]!.__typename)).misses += 1;
      }
    }

    let reply: SubgraphReply;
    try {
      reply = await this.fetch(options, {
        ...variables,
        representations: pending.map((index) => representations[index]),
      });
    } catch (error) {
      // With part of the answer already at hand, the subgraph's failure costs only the entities it owed.
      if (!servedWithoutFetch || !(error instanceof GraphQLError)) throw error;
      for (const index of pending) {
        results[index] = nullEntity(shape, String(representations[index]!.__typename));
      }
      return { data: { _entities: results }, errors: [error.toJSON()] };
    }
    const hint = this.hintOf(reply);
    policy?.restrict(hint);
    const response = this.parse(reply);
    const fetched = (response.data as { _entities?: unknown } | null | undefined)?._entities;
    if (!Array.isArray(fetched) || fetched.length !== pending.length) return response;

    // Entities an error points at, or all of them for an error that points nowhere, are not cached.
    const failed = new Set<number>();
    let failedAll = false;
    const errors = response.errors?.map((error): GraphQLFormattedError => {
      const path = error.path;
      if (path?.[0] !== '_entities' || typeof path[1] !== 'number') {
        failedAll = true;
        return error;
      }
      failed.add(path[1]);
      return { ...error, path: ['_entities', pending[path[1]] ?? path[1], ...path.slice(2)] };
    });
    const storable: Array<{ key: string; text: string }> = [];
    fetched.forEach((entity, position) => {
      results[pending[position]!] = entity as Entity;
      if (cache && !failedAll && !failed.has(position) && entity !== null && typeof entity === 'object') {
        storable.push({ key: keys[position]!, text: JSON.stringify(entity) });
      }
    });
    cache?.store(storable, hint, cacheState!.session);
    return {
      ...response,
      data: { ...response.data, _entities: results },
      ...(errors ? { errors } : {}),
    };
  }

  /** Sends a fetch, or joins an identical one already in flight for the same client request. */
  private fetch(
    options: ProcessOptions,
    variables: Record<string, unknown> | undefined,
  ): Promise<SubgraphReply> {
    const { query, operationName } = options.request;
    const body = JSON.stringify({ query, variables, operationName });
    const idempotent = isQuery(query!);
    const headers = requestHeaders(options.context as GatewayContext | undefined, !idempotent);
    if (!isIncoming(options) || !idempotent) {
      return this.transport.send(body, headers, idempotent);
    }
    const owner = options.incomingRequestContext as object;
    let inFlight = inFlightByRequest.get(owner);
    if (!inFlight) {
      inFlight = new Map();
      inFlightByRequest.set(owner, inFlight);
    }
    const key = `${this.subgraph}\u0000${body}`;
    let reply = inFlight.get(key);
    if (!reply) {
      reply = this.transport.send(body, headers, true);
      inFlight.set(key, reply);
      const shared = inFlight;
      void reply.then(
        () => shared.delete(key),
        () => shared.delete(key),
      );
    }
    return reply;
  }

  private hintOf(reply: SubgraphReply): CacheHint {
    const header = reply.headers['cache-control'];
    return hintFromCacheControl(Array.isArray(header) ? header.join(', ') : header, this.defaultMaxAge);
  }

  /** The answer as a GraphQL response; a non-2xx status or anything but a GraphQL body is SUBGRAPH_BAD_RESPONSE. */
  private parse(reply: SubgraphReply): GatewayGraphQLResponse {
    if (reply.status < 200 || reply.status >= 300) throw this.errorFromStatus(reply);
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      throw this.badResponse(reply.status, 'a body that is not JSON');
    }
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      !('data' in body || 'errors' in body)
    ) {
      throw this.badResponse(reply.status, 'JSON that is not a GraphQL response');
    }
    return body as GatewayGraphQLResponse;
  }

  /** A non-2xx answer: its status and the subgraph's own first message, never its URL or raw body. */
  private errorFromStatus(reply: SubgraphReply): GraphQLError {
    let said = '';
    try {
      const message = (JSON.parse(reply.text) as { errors?: Array<{ message?: unknown }> }).errors?.[0]
        ?.message;
      if (typeof message === 'string') said = `: ${message.slice(0, 200)}`;
    } catch {
      // Not a GraphQL answer; the status says it all.
    }
    return new GraphQLError(`subgraph "${this.subgraph}" answered HTTP ${reply.status}${said}`, {
      extensions: { code: 'SUBGRAPH_BAD_RESPONSE', subgraph: this.subgraph, subgraphStatus: reply.status },
    });
  }

  private badResponse(status: number, what: string): GraphQLError {
    return new GraphQLError(`subgraph "${this.subgraph}" answered with ${what}`, {
      extensions: { code: 'SUBGRAPH_BAD_RESPONSE', subgraph: this.subgraph, subgraphStatus: status },
    });
  }
}

/** The headers of a fetch: JSON both ways, the request id, and the admin token with a mutation. */
function requestHeaders(context: GatewayContext | undefined, mutation: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
  if (mutation && context?.adminToken) headers[ADMIN_TOKEN_HEADER] = context.adminToken;
  // An operator's bypass reaches the providers too, whose upstream HTTP caches then revalidate.
  if (context?.cache?.bypass) headers['cache-control'] = 'no-cache';
  return headers;
}

function policyOf(options: IncomingOptions): RestrictablePolicy | undefined {
  const policy = options.incomingRequestContext.overallCachePolicy as Partial<RestrictablePolicy> | undefined;
  return policy && typeof policy.restrict === 'function' ? (policy as RestrictablePolicy) : undefined;
}

/** The selection part of entity keys: the fetch's operation and its variables other than the representations. */
function selectionKey(shape: EntityFetchShape, variables: Record<string, unknown>): string {
  const keys = Object.keys(variables);
  if (keys.length === 1) return shape.selectionId;
  const others: Record<string, unknown> = {};
  for (const key of keys) if (key !== 'representations') others[key] = variables[key];
  return `${shape.selectionId}${JSON.stringify(others)}`;
}

/** Whether an operation text the planner wrote is a query (retried, shared), not a mutation. */
function isQuery(query: string): boolean {
  return /^\s*(?:\{|query\b)/.test(query);
}
