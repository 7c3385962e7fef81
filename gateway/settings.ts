import type { CacheOptions } from './cache/options.js';
import { DEFAULT_HEAP_GROWTH_PERCENT } from './heapGrowth.js';
import type { RequestLimits } from './limits.js';
import type { LogLevel } from './logging.js';
import type { RateLimitOptions } from './rateLimit.js';
import type { GatewayOptions } from './server.js';

/** A gateway setting in the environment has a value the gateway cannot use; the message names it. */
export class GatewaySettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewaySettingError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LIMIT_SETTINGS: Array<[keyof RequestLimits, string]> = [
  ['maxDepth', 'CREDGRAPH_MAX_DEPTH'],
  ['maxAliases', 'CREDGRAPH_MAX_ALIASES'],
  ['maxRootFields', 'CREDGRAPH_MAX_ROOT_FIELDS'],
  ['maxDirectives', 'CREDGRAPH_MAX_DIRECTIVES'],
  ['maxTokens', 'CREDGRAPH_MAX_TOKENS'],
  ['maxCost', 'CREDGRAPH_MAX_COST'],
  ['defaultListSize', 'CREDGRAPH_DEFAULT_LIST_SIZE'],
  ['maxBatch', 'CREDGRAPH_MAX_BATCH'],
];

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export interface EnvDefaults {
  /** Turn the caches on unless `CREDGRAPH_CACHE=off` (the `credgraph` commands do; a gateway built in code does not). */
  cacheByDefault?: boolean;
}

/**
 * The gateway options the environment sets (everything but the supergraph source, port and host, which the
 * CLI reads itself). Unset variables are left out, so the gateway's defaults apply (the commands log each
 * request unless `CREDGRAPH_LOG_LEVEL` says otherwise; an in-process gateway logs warnings only).
 */
export function gatewayOptionsFromEnv(env: Env, defaults: EnvDefaults = {}): Partial<GatewayOptions> {
  const options: Partial<GatewayOptions> = {};
  const mode = text(env, 'CREDGRAPH_MODE');
  if (mode !== undefined && mode !== 'production' && mode !== 'development') {
    throw new GatewaySettingError(`CREDGRAPH_MODE must be production or development, got "${mode}"`);
  }
  options.production = mode === 'production' || (mode === undefined && env.NODE_ENV === 'production');
  const introspection = flag(env, 'CREDGRAPH_INTROSPECTION');
  if (introspection !== undefined) options.introspection = introspection;

  const limits: Partial<RequestLimits> = {};
  for (const [key, name] of LIMIT_SETTINGS) {
    const value = int(env, name, key === 'maxBatch' ? 0 : 1, 10_000_000);
    if (value !== undefined) limits[key] = value;
  }
  if (Object.keys(limits).length > 0) options.limits = limits;
  assign(options, 'maxBodyBytes', int(env, 'CREDGRAPH_MAX_BODY_BYTES', 1_000, 1_000_000_000));
  assign(options, 'trustedDocumentsPath', text(env, 'CREDGRAPH_TRUSTED_DOCUMENTS'));

  const rateLimit: RateLimitOptions = {};
  const limit = int(env, 'CREDGRAPH_RATE_LIMIT', 0, 100_000_000);
  if (limit !== undefined) rateLimit.limit = limit;
  const windowSeconds = int(env, 'CREDGRAPH_RATE_LIMIT_WINDOW_S', 1, 86_400);
  if (windowSeconds !== undefined) rateLimit.windowMs = windowSeconds * 1000;
  assign(rateLimit, 'apiKeyHeader', text(env, 'CREDGRAPH_API_KEY_HEADER'));
  assign(rateLimit, 'trustProxy', flag(env, 'CREDGRAPH_TRUST_PROXY'));
  const redisUrl = text(env, 'REDIS_URL');
  if (redisUrl !== undefined) {
    if (!/^rediss?:\/\//.test(redisUrl)) {
      throw new GatewaySettingError('REDIS_URL must be a redis:// or rediss:// URL');
    }
    rateLimit.redisUrl = redisUrl;
  }
  options.rateLimit = limit === 0 ? false : rateLimit;

  assign(options, 'subgraphTimeoutMs', int(env, 'CREDGRAPH_SUBGRAPH_TIMEOUT_MS', 100, 600_000));
  assign(options, 'subgraphRetries', int(env, 'CREDGRAPH_SUBGRAPH_RETRIES', 0, 10));
  const failureThreshold = int(env, 'CREDGRAPH_SUBGRAPH_BREAKER_FAILURES', 0, 1_000_000);
  const resetAfterMs = int(env, 'CREDGRAPH_SUBGRAPH_BREAKER_RESET_MS', 10, 3_600_000);
  if (failureThreshold === 0) options.subgraphCircuitBreaker = false;
  else if (failureThreshold !== undefined || resetAfterMs !== undefined) {
    options.subgraphCircuitBreaker = {
      ...(failureThreshold === undefined ? {} : { failureThreshold }),
      ...(resetAfterMs === undefined ? {} : { resetAfterMs }),
    };
  }
  const timeouts = text(env, 'CREDGRAPH_SUBGRAPH_TIMEOUTS');
  if (timeouts !== undefined) options.subgraphTimeouts = subgraphTimeouts(timeouts);
  const compression = text(env, 'CREDGRAPH_SUBGRAPH_COMPRESSION')?.toLowerCase();
  if (compression !== undefined) {
    if (compression !== 'auto' && flagValue(compression) === undefined) {
      throw new GatewaySettingError(
        `CREDGRAPH_SUBGRAPH_COMPRESSION must be auto, on or off, got "${compression}"`,
      );
    }
    options.subgraphCompression = compression === 'auto' ? 'auto' : flagValue(compression)!;
  }
  assign(options, 'providerRouting', flag(env, 'CREDGRAPH_PROVIDER_ROUTING'));
  assign(options, 'planExecutor', flag(env, 'CREDGRAPH_PLAN_EXECUTOR'));
  assign(options, 'connectionsPerSubgraph', int(env, 'CREDGRAPH_SUBGRAPH_CONNECTIONS', 1, 10_000));
  const cache = cacheFromEnv(env, redisUrl, defaults.cacheByDefault ?? false);
  if (cache !== undefined) options.cache = cache;
  assign(options, 'dedupeRequests', flag(env, 'CREDGRAPH_DEDUPE_REQUESTS'));
  assign(options, 'persistedQueries', flag(env, 'CREDGRAPH_PERSISTED_QUERIES'));
  assign(options, 'adminToken', text(env, 'CREDGRAPH_ADMIN_TOKEN'));
  assign(options, 'reloadIntervalMs', int(env, 'CREDGRAPH_RELOAD_INTERVAL_MS', 0, 86_400_000));
  assign(options, 'requestTimeoutMs', int(env, 'CREDGRAPH_REQUEST_TIMEOUT_MS', 1_000, 3_600_000));
  assign(options, 'shutdownGraceMs', int(env, 'CREDGRAPH_SHUTDOWN_GRACE_MS', 0, 3_600_000));
  const level = text(env, 'CREDGRAPH_LOG_LEVEL');
  if (level !== undefined && !LOG_LEVELS.has(level)) {
    throw new GatewaySettingError(
      `CREDGRAPH_LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}, got "${level}"`,
    );
  }
  if (level !== undefined) options.logLevel = level as LogLevel;
  return options;
}

/** The caches from `CREDGRAPH_CACHE` (on or off) and `CREDGRAPH_CACHE_*`; undefined leaves the gateway's default. */
function cacheFromEnv(
  env: Env,
  redisUrl: string | undefined,
  byDefault: boolean,
): CacheOptions | false | undefined {
  const mode = flag(env, 'CREDGRAPH_CACHE');
  if (mode === false) return false;
  if (mode === undefined && !byDefault) return undefined;
  const cache: CacheOptions = {};
  assign(cache, 'responses', flag(env, 'CREDGRAPH_CACHE_RESPONSES'));
  assign(cache, 'entities', flag(env, 'CREDGRAPH_CACHE_ENTITIES'));
  assign(cache, 'defaultMaxAgeSeconds', int(env, 'CREDGRAPH_CACHE_DEFAULT_MAX_AGE_S', 0, 86_400));
  assign(cache, 'memoryMB', int(env, 'CREDGRAPH_CACHE_MEMORY_MB', 1, 65_536));
  assign(cache, 'keyPrefix', text(env, 'CREDGRAPH_CACHE_KEY_PREFIX'));
  const sessionHeaders = text(env, 'CREDGRAPH_CACHE_SESSION_HEADERS');
  if (sessionHeaders !== undefined) {
    cache.sessionHeaders = sessionHeaders
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  }
  assign(cache, 'versionPollMs', int(env, 'CREDGRAPH_CACHE_VERSION_POLL_MS', 0, 3_600_000));
  const versionUrl = text(env, 'CREDGRAPH_CACHE_VERSION_URL');
  if (versionUrl !== undefined && !/^https?:\/\//.test(versionUrl)) {
    throw new GatewaySettingError('CREDGRAPH_CACHE_VERSION_URL must be an http(s) URL');
  }
  assign(cache, 'versionUrl', versionUrl);
  assign(cache, 'redisUrl', redisUrl);
  return cache;
}

/** `catalog=5000,credly=2000`: a deadline per subgraph name, in ms. */
function subgraphTimeouts(raw: string): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]+)=(\d+)$/.exec(entry);
    const value = Number(match?.[2]);
    if (!match || value < 100 || value > 600_000) {
      throw new GatewaySettingError(
        `CREDGRAPH_SUBGRAPH_TIMEOUTS must list name=ms pairs (100 to 600000 ms), got "${entry}"`,
      );
    }
    timeouts[match[1]!] = value;
  }
  return timeouts;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * `CREDGRAPH_HEAP_GROWTH_PERCENT`: the process's heap growing factor (see heapGrowth.ts); 0 leaves V8's own.
 * @throws GatewaySettingError when it is not a whole number from 0 to 1000.
 */
export function heapGrowthPercentFromEnv(env: Env): number {
  return int(env, 'CREDGRAPH_HEAP_GROWTH_PERCENT', 0, 1_000) ?? DEFAULT_HEAP_GROWTH_PERCENT;
}

function int(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new GatewaySettingError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  const value = flagValue(raw);
  if (value === undefined) throw new GatewaySettingError(`${name} must be true or false, got "${raw}"`);
  return value;
}

function flagValue(raw: string): boolean | undefined {
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  return undefined;
}
