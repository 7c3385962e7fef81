import type { CircuitBreakerOptions } from './circuitBreaker.js';
import { type Env, envInt } from './config.js';
import { currentRequestContext } from './requestContext.js';

/**
 * How an upstream client retries and breaks the circuit, when its provider does not say so itself. The kit sets
 * it from the environment around `provider.createClient`, so that operators tune every provider the same way
 * without each provider's config reading these settings.
 */
export interface UpstreamPolicy {
  retries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  circuitBreaker?: CircuitBreakerOptions | false;
  /** The upstream HTTP cache's size, or false for none (see UpstreamHttpOptions.httpCache). */
  httpCache?: { maxSizeBytes?: number } | false;
}

/** The policy of the {@link withUpstreamPolicy} call under way, if any. */
let building: UpstreamPolicy | null = null;

/**
 * Runs `create` (typically `provider.createClient(config)`) with `policy` as the upstream defaults for the
 * clients it builds. It must build them synchronously; a client built later while serving a request (on a token
 * renewal, say) gets the policy of the subgraph serving it (see `serveSubgraph`'s `upstreamPolicy`). A plain
 * variable rather than an AsyncLocalStorage: every live AsyncLocalStorage adds to the cost of every promise
 * in the process, and the request context already carries the policy where one is needed later.
 */
export function withUpstreamPolicy<T>(policy: UpstreamPolicy, create: () => T): T {
  const outer = building;
  building = policy;
  try {
    return create();
  } finally {
    building = outer;
  }
}

/** The policy in force where an UpstreamHttp is being built: see {@link withUpstreamPolicy}; else empty. */
export function currentUpstreamPolicy(): UpstreamPolicy {
  return building ?? currentRequestContext()?.upstreamPolicy ?? {};
}

/**
 * Reads `<PROVIDER>_RETRIES`, `<PROVIDER>_BREAKER_FAILURES`, `<PROVIDER>_BREAKER_RESET_MS` and
 * `<PROVIDER>_HTTP_CACHE_MB`, falling back to `UPSTREAM_RETRIES`, `UPSTREAM_BREAKER_FAILURES`,
 * `UPSTREAM_BREAKER_RESET_MS` and `UPSTREAM_HTTP_CACHE_MB`; unset ones keep the kit's defaults (2 retries,
 * circuit opens after 5 consecutive failures for 30 s, a 32 MB upstream HTTP cache; 0 MB turns it off).
 */
export function upstreamPolicyFromEnv(env: Env, providerId: string): UpstreamPolicy {
  const prefix = providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const read = (name: string, min: number, max: number): number | undefined => {
    const own = `${prefix}_${name}`;
    const setting = env[own]?.trim() ? own : `UPSTREAM_${name}`;
    return env[setting]?.trim() ? envInt(env, setting, 0, { min, max }) : undefined;
  };
  const retries = read('RETRIES', 0, 10);
  const httpCacheMB = read('HTTP_CACHE_MB', 0, 4_096);
  const failureThreshold = read('BREAKER_FAILURES', 0, 1_000_000);
  const resetAfterMs = read('BREAKER_RESET_MS', 10, 3_600_000);
  const breaker: CircuitBreakerOptions = {
    ...(failureThreshold === undefined ? {} : { failureThreshold }),
    ...(resetAfterMs === undefined ? {} : { resetAfterMs }),
  };
  return {
    ...(retries === undefined ? {} : { retries }),
    ...(Object.keys(breaker).length > 0 ? { circuitBreaker: breaker } : {}),
    ...(httpCacheMB === undefined
      ? {}
      : { httpCache: httpCacheMB === 0 ? false : { maxSizeBytes: httpCacheMB * 1024 * 1024 } }),
  };
}
