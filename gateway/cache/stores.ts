import Keyv from 'keyv';
import type { GatewayLogger } from '../logging.js';
import { MemoryKeyvStore } from './memoryStore.js';
import { RedisKeyvStore } from './redisStore.js';

export interface CacheStoresOptions {
  /** Share the caches through this Redis; in this process's memory when absent. */
  redisUrl?: string;
  /** Prefix of every key (`<prefix>:response:…`, `<prefix>:entity:…`, `<prefix>:apq:…`). */
  keyPrefix: string;
  /** Bound of the in-memory store (and, with Redis, of the hot copy of answers kept in memory). */
  memoryBytes: number;
  logger: GatewayLogger;
  /** Counts a store command that failed (Redis down or slow). */
  onStoreError?: () => void;
}

/**
 * The keyv stores behind every gateway cache: one backing store (memory, or Redis when `redisUrl` is set) with a
 * namespace per layer. Values are kept as they are in memory and as JSON in Redis, never through keyv's own
 * serializer (which would re-encode every cached answer on every read).
 */
export class CacheStores {
  readonly kind: 'memory' | 'redis';
  readonly responses: Keyv;
  readonly entities: Keyv;
  readonly persistedQueries: Keyv;
  /**
   * Answers held in this process, read synchronously on the hot path: the memory store itself, or with Redis a
   * bounded copy of the answers this process stored or read.
   */
  readonly hot: MemoryKeyvStore;
  /** The key prefix of the response namespace in `hot` (empty with Redis, whose hot copy is keyed plainly). */
  readonly hotPrefix: string;
  private readonly redis: RedisKeyvStore | null;

  constructor(options: CacheStoresOptions) {
    const memory = new MemoryKeyvStore(options.memoryBytes);
    this.redis = options.redisUrl
      ? new RedisKeyvStore({
          url: options.redisUrl,
          logger: options.logger,
          ...(options.onStoreError ? { onError: options.onStoreError } : {}),
        })
      : null;
    this.kind = this.redis ? 'redis' : 'memory';
    const store = this.redis ?? memory;
    const keyv = (layer: string) => {
      const instance = new Keyv({
        store,
        namespace: `${options.keyPrefix}:${layer}`,
        serialize: undefined,
        deserialize: undefined,
        emitErrors: true,
      });
      instance.on('error', () => options.onStoreError?.());
      return instance;
    };
    this.responses = keyv('response');
    this.entities = keyv('entity');
    this.persistedQueries = keyv('apq');
    this.hot = memory;
    this.hotPrefix = this.redis ? '' : `${options.keyPrefix}:response:`;
  }

  /** Resolves once the shared store has made its first connection attempt; true when it is usable. */
  async ready(): Promise<boolean> {
    return this.redis ? this.redis.ready() : true;
  }

  async close(): Promise<void> {
    await this.redis?.disconnect();
    await this.hot.clear();
  }
}
