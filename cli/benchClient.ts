import { createRequire } from 'node:module';
import { MEASURING } from './benchQueries.js';

/**
 * The load generator of `npm run bench`, run as its own process so that it shares no event loop with what it
 * measures: autocannon as fast as the server answers, over a fixed number of keep-alive connections, first for
 * a warm-up (not reported), then for the measured duration. It does not read bodies while measuring (that
 * would make the client the bottleneck against a fast server); the bench checks every contender's answer once
 * beforehand. Takes its settings as JSON in argv[2]; prints its result as one JSON line on standard output.
 */

export interface BenchClientSettings {
  url: string;
  /** The JSON request body, sent with every request. */
  body: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface BenchClientResult {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; average: number; max: number };
  /** Connection errors, timeouts and non-2xx answers, over the measured run. */
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;

// autocannon ships no types; this is the one call made to it.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function run(settings: BenchClientSettings, durationSeconds: number): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: settings.url,
        method: 'POST',
        connections: settings.connections,
        duration: durationSeconds,
        headers: { 'content-type': 'application/json', ...settings.headers },
        body: settings.body,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as BenchClientSettings;
  if (settings.warmupSeconds > 0) await run(settings, settings.warmupSeconds);
  // Tells the bench the measured run starts now, so that it can read the server's CPU time.
  process.stdout.write(`${MEASURING}\n`);
  const result = await run(settings, settings.durationSeconds);
  const output: BenchClientResult = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      average: result.latency.average,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  console.error('credgraph bench client:', error);
  process.exit(1);
});
