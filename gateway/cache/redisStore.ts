import type { GatewayLogger } from '../logging.js';
import { type RedisClient, RedisConnection } from '../redisConnection.js';

export interface RedisKeyvStoreOptions {
  /** `redis://host:port/db` or `rediss://…`. */
  url: string;
  logger: GatewayLogger;
  /** How long one command may take before it counts as a miss (or a dropped write). Default 250 ms. */
  commandTimeoutMs?: number;
  /** Called when a command fails or times out, to count it. */
  onError?: () => void;
}

/**
 * A keyv store in Redis (over @redis/client, which the rate limiter already uses), so that every gateway
 * pointed at the same Redis shares one cache. Values are JSON. While Redis is down or slow every read is a miss
 * and every write is dropped: an outage of the cache must cost speed, never answers.
 */
export class RedisKeyvStore {
  readonly opts: { dialect: 'redis'; url: string };
  namespace?: string;
  private readonly redis: RedisConnection;
  private readonly timeoutMs: number;
  private lastLoggedError = 0;

  constructor(private readonly options: RedisKeyvStoreOptions) {
    this.opts = { dialect: 'redis', url: options.url };
    this.timeoutMs = options.commandTimeoutMs ?? 250;
    this.redis = new RedisConnection({
      url: options.url,
      onError: (error) => this.logError('cache store (Redis) error', error),
    });
  }

  /** Resolves once the first connection attempt is over; true when Redis can be used. */
  async ready(): Promise<boolean> {
    return (await this.redis.ready(2_000)) !== null;
  }

  async get(key: string): Promise<unknown> {
    const text = await this.run((client) => client.get(key));
    return typeof text === 'string' ? parse(text) : undefined;
  }

  async getMany(keys: string[]): Promise<unknown[]> {
    if (keys.length === 0) return [];
    const texts = await this.run((client) => client.mGet(keys));
    return keys.map((_, index) => {
      const text = texts?.[index];
      return typeof text === 'string' ? parse(text) : undefined;
    });
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const text = JSON.stringify(value);
    const options =
      ttlMs && ttlMs > 0 ? { expiration: { type: 'PX' as const, value: Math.ceil(ttlMs) } } : undefined;
    return (await this.run((client) => client.set(key, text, options))) === 'OK';
  }

  async delete(key: string): Promise<boolean> {
    return ((await this.run((client) => client.unlink(key))) ?? 0) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    return ((await this.run((client) => client.unlink(keys))) ?? 0) > 0;
  }

  /** Deletes this store's namespace (every key under `<namespace>:`), never the rest of the Redis. */
  async clear(): Promise<void> {
    const client = this.namespace ? await this.redis.ready() : null;
    if (client) await deleteByPrefix(client, `${this.namespace}:`);
  }

  disconnect(): Promise<void> {
    return this.redis.close();
  }

  on(): this {
    return this;
  }

  /** Runs a command unless Redis is down; a failure or a stall is a miss (undefined), counted and logged. */
  private async run<T>(command: (client: RedisClient) => Promise<T>): Promise<T | undefined> {
    const client = this.redis.isReady ? this.redis.client! : await this.redis.ready();
    if (!client) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command(client),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.options.onError?.();
      this.logError('cache store (Redis) command failed; treated as a miss', error as Error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private logError(msg: string, error: Error): void {
    // Reconnection attempts repeat the same error; once a minute is enough to tell the operator.
    if (Date.now() - this.lastLoggedError < 60_000) return;
    this.lastLoggedError = Date.now();
    this.options.logger.warn({ msg, err: error.message });
  }
}

/** Deletes every key that starts with `prefix`, in batches (SCAN, never KEYS, so that Redis is not blocked). */
export async function deleteByPrefix(
  client: {
    scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
    unlink(keys: string[]): Promise<number>;
  },
  prefix: string,
): Promise<number> {
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
    if (keys.length > 0) deleted += await client.unlink(keys);
  }
  return deleted;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
