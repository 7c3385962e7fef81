import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry, register } from 'prom-client';
import { TallyHistogram } from './tallyHistogram.js';

/** Latency buckets from a cached answer (milliseconds) to a subgraph timing out (30 s). */
const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * One gateway's Prometheus metrics. Each gateway has its own registry (a process may run several, as tests
 * do); `/metrics` serves it together with prom-client's default registry, where process metrics and anything
 * else in the process (a provider kit's upstream metrics, caches, harvests) register. Labels hold subgraph
 * names, routes, statuses and stable codes only: never URLs, client keys or anything a client sent.
 */
export class GatewayMetrics {
  /** Add metrics of your own here (caches, say) to have `/metrics` serve them with the gateway's. */
  readonly registry = new Registry();

  // Counted per request into tallies (see observeHttp), which a scrape adds to the counter.
  readonly httpRequests: Counter<'route' | 'status'> = new Counter({
    name: 'credgraph_gateway_http_requests_total',
    help: 'HTTP requests answered by the gateway, by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
    collect: () => addTallies(this.httpTallies, this.httpRequests),
  });

  readonly httpDuration = new TallyHistogram(
    'credgraph_gateway_http_request_duration_seconds',
    'Time to answer an HTTP request, by route.',
    'route',
    LATENCY_BUCKETS_SECONDS,
    this.registry,
  );

  readonly graphqlErrors = new Counter({
    name: 'credgraph_gateway_graphql_errors_total',
    help: 'GraphQL errors in answers, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly planExecutions = new Counter({
    name: 'credgraph_gateway_plan_executions_total',
    help: "Operations run, by executor: credgraph's own, or Apollo's for what credgraph's does not cover.",
    labelNames: ['executor'] as const,
    registers: [this.registry],
  });

  readonly subgraphRequests = new Counter({
    name: 'credgraph_subgraph_requests_total',
    help: 'Requests to subgraphs, by subgraph and outcome (ok, or a SUBGRAPH_* code, or CIRCUIT_OPEN).',
    labelNames: ['subgraph', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly subgraphDuration = new Histogram({
    name: 'credgraph_subgraph_request_duration_seconds',
    help: 'Time per subgraph request, retries included, by subgraph.',
    labelNames: ['subgraph'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly subgraphRetries = new Counter({
    name: 'credgraph_subgraph_retries_total',
    help: 'Retried subgraph requests, by subgraph.',
    labelNames: ['subgraph'] as const,
    registers: [this.registry],
  });

  readonly subgraphCircuitState = new Gauge({
    name: 'credgraph_subgraph_circuit_state',
    help: 'Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open.',
    labelNames: ['subgraph'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'credgraph_gateway_rate_limited_total',
    help: 'Requests refused with 429 by the per-client rate limit.',
    registers: [this.registry],
  });

  readonly rateLimitStoreErrors = new Counter({
    name: 'credgraph_gateway_rate_limit_store_errors_total',
    help: 'Rate-limit checks that could not reach the shared store (the request was let through).',
    registers: [this.registry],
  });

  readonly cacheRequests: Counter<'layer' | 'outcome'> = new Counter({
    name: 'credgraph_gateway_cache_requests_total',
    help: 'Cache lookups and stores, by layer (response, entity) and outcome (hit, miss, store).',
    labelNames: ['layer', 'outcome'] as const,
    registers: [this.registry],
    collect: () => addTallies(this.cacheTallies, this.cacheRequests),
  });

  readonly cacheStoreErrors = new Counter({
    name: 'credgraph_gateway_cache_store_errors_total',
    help: 'Cache store commands that failed or timed out (Redis down or slow); each counted as a miss.',
    registers: [this.registry],
  });

  readonly cacheInvalidations = new Counter({
    name: 'credgraph_gateway_cache_invalidations_total',
    help: 'Changes of the catalog version seen, each of which leaves everything cached before it unread.',
    registers: [this.registry],
  });

  readonly deduplicatedRequests = new Counter({
    name: 'credgraph_gateway_deduplicated_requests_total',
    help: 'Client requests answered by an identical request already in flight.',
    registers: [this.registry],
  });

  readonly supergraphLoads = new Counter({
    name: 'credgraph_gateway_supergraph_loads_total',
    help: 'Supergraph loads and reloads, by outcome (loaded, unchanged, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly supergraphLoaded = new Gauge({
    name: 'credgraph_gateway_supergraph_loaded',
    help: '1 when a supergraph is loaded and queries are served, else 0.',
    registers: [this.registry],
  });

  // What every request counts goes into plain tallies, so that counting a request is an increment rather than
  // prom-client's conversion and hash of its labels each time; a scrape adds them to the counters.
  // By two labels, nested rather than keyed by their concatenation: a new string is hashed on every lookup.
  private readonly httpTallies = new Tallies<string, number>('route', 'status');
  private readonly cacheTallies = new Tallies<string, string>('layer', 'outcome');

  constructor() {
    if (!register.getSingleMetric('process_resident_memory_bytes')) collectDefaultMetrics({ register });
    this.supergraphLoaded.set(0);
  }

  /** Counts and times one answered HTTP request. */
  observeHttp(route: string, status: number, seconds: number): void {
    this.httpTallies.of(route, status).pending++;
    this.httpDuration.observe(route, seconds);
  }

  /** Counts cache lookups or stores of one layer and outcome. */
  countCache(layer: 'response' | 'entity', outcome: 'hit' | 'miss' | 'store', count = 1): void {
    if (count <= 0) return;
    this.cacheTallies.of(layer, outcome).pending += count;
  }

  /** The Prometheus text exposition of this gateway's and the process's metrics. */
  async text(): Promise<{ contentType: string; text: string }> {
    const own = await this.registry.metrics();
    const shared = await register.metrics();
    return { contentType: this.registry.contentType, text: `${own}\n${shared}` };
  }
}

// Codes come from subgraphs too; an unexpected shape is counted under one label rather than growing the series.
const CODE_LABEL = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The label value for an error code. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && CODE_LABEL.test(code) ? code : 'OTHER';
}

/** Counts not yet added to a prom-client counter, for one set of labels. */
interface Tally {
  labels: Record<string, string>;
  pending: number;
}

/** The tallies of a counter with two labels. */
class Tallies<First extends string, Second extends string | number> {
  private readonly byFirst = new Map<First, Map<Second, Tally>>();

  constructor(
    private readonly firstName: string,
    private readonly secondName: string,
  ) {}

  of(first: First, second: Second): Tally {
    let bySecond = this.byFirst.get(first);
    if (!bySecond) {
      bySecond = new Map();
      this.byFirst.set(first, bySecond);
    }
    let tally = bySecond.get(second);
    if (!tally) {
      tally = { labels: { [this.firstName]: first, [this.secondName]: String(second) }, pending: 0 };
      bySecond.set(second, tally);
    }
    return tally;
  }

  *all(): Iterable<Tally> {
    for (const bySecond of this.byFirst.values()) yield* bySecond.values();
  }
}

/** Adds what the tallies counted since the last scrape to their counter. */
function addTallies<T extends string>(tallies: Tallies<string, string | number>, counter: Counter<T>): void {
  for (const tally of tallies.all()) {
    if (tally.pending === 0) continue;
    counter.inc(tally.labels as Partial<Record<T, string>>, tally.pending);
    tally.pending = 0;
  }
}
