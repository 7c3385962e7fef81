import type { PersistedQueryOptions } from '@apollo/server';
import type Keyv from 'keyv';

// Apollo's own type, taken from @apollo/server rather than from its transitive @apollo/utils.keyvaluecache.
type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;

/**
 * Apollo's KeyValueCache over a keyv namespace, for automatic persisted queries: documents registered through
 * one gateway are found by every gateway that shares the store. (What @apollo/utils.keyvadapter does, without
 * its DataLoader batching, which APQ's one lookup per request does not need.)
 */
export class KeyvKeyValueCache implements KeyValueCache {
  constructor(private readonly keyv: Keyv) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.keyv.get<string>(key);
    return typeof value === 'string' ? value : undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const ttl = options?.ttl;
    await this.keyv.set(key, value, typeof ttl === 'number' && ttl > 0 ? ttl * 1000 : undefined);
  }

  async delete(key: string): Promise<boolean> {
    return this.keyv.delete(key);
  }
}
