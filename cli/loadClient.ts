import { createRequire } from 'node:module';

/**
 * The load generator of `npm run load`, run as its own process so that it competes with neither the gateway
 * nor the subgraphs for an event loop: autocannon at a fixed overall rate, cycling through GraphQL operations,
 * counting answers that carry GraphQL errors. Takes its settings as JSON in argv[2]; prints its result as one
 * JSON line on standard output.
 */

export interface LoadClientSettings {
  url: string;
  /** Requests per second, over all connections. */
  rate: number;
  durationSeconds: number;
  connections: number;
  /** JSON request bodies, sent in turn. */
  bodies: string[];
}

export interface LoadClientResult {
  requests: number;
  durationSeconds: number;
  throughputPerSecond: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx answers whose body carries GraphQL errors. */
  graphqlErrors: number;
  latencyMs: { p50: number; p90: number; p99: number; p99_9: number; max: number; average: number };
}

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p99: number; p99_9: number; max: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => {
  stop(): void;
};

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as LoadClientSettings;
  // autocannon ships no types; this is the one call made to it.
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let graphqlErrors = 0;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: settings.url,
        method: 'POST',
        connections: settings.connections,
        overallRate: settings.rate,
        duration: settings.durationSeconds,
        headers: { 'content-type': 'application/json' },
        requests: settings.bodies.map((body) => ({
          method: 'POST',
          body,
          onResponse: (status: number, responseBody: string) => {
            if (status < 300 && responseBody.includes('"errors"')) graphqlErrors += 1;
          },
        })),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
  });
  const output: LoadClientResult = {
    requests: result.requests.total,
    durationSeconds: result.duration,
    throughputPerSecond: result.requests.total / result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
      average: result.latency.average,
    },
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  console.error('credgraph load client:', error);
  process.exit(1);
});
