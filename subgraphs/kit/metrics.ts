import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, register } from 'prom-client';

/**
 * The kit's Prometheus metrics, in prom-client's default registry so that every subgraph in a process (and a
 * gateway in the same process) exposes them together. Labels carry provider ids and stable codes only: never
 * URLs, tokens or anything a client sent.
 */

function shared<T extends Metric>(name: string, create: () => T): T {
  // A second copy of this module (a test runner's, say) must reuse the metric rather than register it twice.
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const upstreamCalls = shared(
  'credgraph_upstream_requests_total',
  () =>
    new Counter({
      name: 'credgraph_upstream_requests_total',
      help: 'Calls to upstream provider APIs, by provider and outcome (ok or an UPSTREAM_* code).',
      labelNames: ['provider', 'outcome'] as const,
    }),
);

export const upstreamStaleServed = shared(
  'credgraph_upstream_stale_served_total',
  () =>
    new Counter({
      name: 'credgraph_upstream_stale_served_total',
      help: 'Upstream failures answered from the upstream HTTP cache (stale-if-error), by provider.',
      labelNames: ['provider'] as const,
    }),
);

export const upstreamDuration = shared(
  'credgraph_upstream_request_duration_seconds',
  () =>
    new Histogram({
      name: 'credgraph_upstream_request_duration_seconds',
      help: 'Time per upstream call, retries included, by provider.',
      labelNames: ['provider'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
);

export const upstreamRetries = shared(
  'credgraph_upstream_retries_total',
  () =>
    new Counter({
      name: 'credgraph_upstream_retries_total',
      help: 'Retried upstream attempts, by provider.',
      labelNames: ['provider'] as const,
    }),
);

export const upstreamCircuitState = shared(
  'credgraph_upstream_circuit_state',
  () =>
    new Gauge({
      name: 'credgraph_upstream_circuit_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider'] as const,
    }),
);

/** Process metrics (memory, CPU, event loop lag, GC), registered once per process. */
export function ensureProcessMetrics(): void {
  if (!register.getSingleMetric('process_resident_memory_bytes')) collectDefaultMetrics({ register });
}

/** The default registry's metrics as Prometheus text. */
export async function prometheusText(): Promise<{ contentType: string; text: string }> {
  ensureProcessMetrics();
  return { contentType: register.contentType, text: await register.metrics() };
}
