import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GatewayLogger } from './logging.js';
import { RedisConnection } from './redisConnection.js';

export interface RateLimitOptions {
  /** Requests per window per client; 0 turns rate limiting off. Default 600. */
  limit?: number;
  /** The window, in ms. Default 60 s. */
  windowMs?: number;
  /** The header that carries a client's API key; clients without one are told apart by IP. Default `x-api-key`. */
  apiKeyHeader?: string;
  /** Take the client's IP from the first `X-Forwarded-For` entry (only behind a proxy that sets it). Default false. */
  trustProxy?: boolean;
  /** Share the counts between gateway instances through this Redis (`redis://host:port/db`); memory when absent. */
  redisUrl?: string;
  /** Prefix of the Redis keys. Default `credgraph:ratelimit`. */
  redisKeyPrefix?: string;
}

/** The outcome of one request's check. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again. */
  resetSeconds: number;
}

/** Counts requests per key in fixed windows. */
interface CountStore {
  /** Counts one request for `key` in the window that ends in `resetInMs`, returning the count so far. */
  hit(key: string, windowIndex: number, resetInMs: number): number | Promise<number>;
  close(): Promise<void>;
}

/**
 * Fixed-window rate limiting per client. A client is its API key (hashed: the key itself is never stored or
 * logged) or else its IP. If the shared store cannot be reached, requests are let through and counted in a
 * metric: an outage of Redis must not take the API down with it.
 */
export class RateLimiter {
  readonly limit: number;
  private readonly windowMs: number;
  private readonly apiKeyHeader: string;
  private readonly trustProxy: boolean;
  private readonly store: CountStore;

  constructor(
    options: RateLimitOptions,
    private readonly hooks: { logger: GatewayLogger; onStoreError: () => void },
  ) {
    this.limit = options.limit ?? 600;
    this.windowMs = options.windowMs ?? 60_000;
    this.apiKeyHeader = (options.apiKeyHeader ?? 'x-api-key').toLowerCase();
    this.trustProxy = options.trustProxy ?? false;
    this.store = options.redisUrl
      ? new RedisCountStore(options.redisUrl, options.redisKeyPrefix ?? 'credgraph:ratelimit', hooks.logger)
      : new MemoryCountStore();
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /**
   * Counts the request against its client's window and says whether it may go ahead: at once when counts are
   * kept in memory (so that a cached answer can be sent without waiting a turn), later when they are in Redis.
   */
  check(request: IncomingMessage): RateDecision | Promise<RateDecision> {
    const now = Date.now();
    const windowIndex = Math.floor(now / this.windowMs);
    const resetInMs = (windowIndex + 1) * this.windowMs - now;
    const resetSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
    let counted: number | Promise<number>;
    try {
      counted = this.store.hit(this.clientKey(request), windowIndex, resetInMs);
    } catch (error) {
      return this.storeFailed(error, resetSeconds);
    }
    return typeof counted === 'number'
      ? this.decision(counted, resetSeconds)
      : counted.then(
          (count) => this.decision(count, resetSeconds),
          (error: unknown) => this.storeFailed(error, resetSeconds),
        );
  }

  private decision(count: number, resetSeconds: number): RateDecision {
    return {
      allowed: count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - count),
      resetSeconds,
    };
  }

  private storeFailed(error: unknown, resetSeconds: number): RateDecision {
    this.hooks.onStoreError();
    this.hooks.logger.warn({ msg: 'rate limit store unavailable; request let through', err: String(error) });
    return { allowed: true, limit: this.limit, remaining: this.limit, resetSeconds };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private clientKey(request: IncomingMessage): string {
    const header = request.headers[this.apiKeyHeader];
    const apiKey = Array.isArray(header) ? header[0] : header;
    if (apiKey) return `key:${createHash('sha256').update(apiKey).digest('hex').slice(0, 32)}`;
    if (this.trustProxy) {
      const forwarded = request.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',', 1)[0]?.trim();
      if (first) return `ip:${first}`;
    }
    return `ip:${request.socket.remoteAddress ?? 'unknown'}`;
  }
}

/** Counts in this process's memory; windows that have ended are swept as new ones start. */
class MemoryCountStore implements CountStore {
  private readonly counts = new Map<string, number>();
  private currentWindow = -1;

  hit(key: string, windowIndex: number): number {
    if (windowIndex !== this.currentWindow) {
      this.counts.clear();
      this.currentWindow = windowIndex;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}

/** Counts in Redis, shared by every gateway that uses the same Redis and prefix. */
class RedisCountStore implements CountStore {
  private readonly redis: RedisConnection;
  private lastLoggedError = 0;

  constructor(
    url: string,
    private readonly prefix: string,
    logger: GatewayLogger,
  ) {
    this.redis = new RedisConnection({
      url,
      onError: (error) => {
        // Reconnection attempts repeat the same error; once a minute is enough to tell the operator.
        if (Date.now() - this.lastLoggedError < 60_000) return;
        this.lastLoggedError = Date.now();
        logger.warn({ msg: 'rate limit store (Redis) error', err: error.message });
      },
    });
  }

  async hit(key: string, windowIndex: number, resetInMs: number): Promise<number> {
    // Right after start this waits a moment for the first connection rather than let the first requests through.
    const client = await this.redis.ready();
    if (!client) throw new Error('Redis is not connected');
    const redisKey = `${this.prefix}:${key}:${windowIndex}`;
    const exchange = client
      .multi()
      .incr(redisKey)
      .pExpire(redisKey, resetInMs + 1_000)
      .exec();
    let timer: NodeJS.Timeout | undefined;
    // A Redis that accepts connections but stalls must not stall the API: give up and let the request through.
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer within 500 ms')), 500);
    });
    try {
      const [count] = await Promise.race([exchange, stalled]);
      return Number(count);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.redis.close();
  }
}
