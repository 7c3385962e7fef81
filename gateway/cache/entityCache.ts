import type Keyv from 'keyv';
import type { CacheHint, CacheScope } from './cachePolicy.js';

/** One entity as a subgraph answered it, with how long it may be reused and by whom. */
export interface CachedEntity {
  /** The entity's JSON: parsed afresh for every hit, because the gateway writes into the entities it merges. */
  text: string;
  maxAge: number;
  scope: CacheScope;
  /** When it was stored (ms since the epoch), for its remaining TTL. */
  storedAt: number;
}

/** Counts lookups, for metrics. */
export type CacheCounter = (outcome: 'hit' | 'miss' | 'store', count: number) => void;

/**
 * Entities from `_entities` fetches, per subgraph, type, key and selection (Apollo Router's entity cache, for
 * the Node gateway). A PRIVATE entity is stored under its user's session only, and read back only for that
 * session; without a session it is not stored at all.
 */
export class EntityCache {
  constructor(
    private readonly keyv: Keyv,
    private readonly count: CacheCounter = () => {},
  ) {}

  /**
   * The key of one entity: the cache generation (schema and catalog version), the subgraph, the fetch's
   * selection (and its other variables), and the representation the gateway sends for it (its type, key
   * fields and any @requires fields, in the planner's stable order).
   */
  keyOf(generation: string, subgraph: string, selection: string, representation: unknown): string {
    return `${generation}|${subgraph}|${selection}|${JSON.stringify(representation)}`;
  }

  /** Each key's entity, or undefined; private entries of `session` count when there is no public one. */
  async lookup(keys: string[], session: string | null): Promise<Array<CachedEntity | undefined>> {
    if (keys.length === 0) return [];
    const found = (await this.keyv.getMany<CachedEntity>(keys)) as Array<CachedEntity | undefined>;
    if (session) {
      const missing = found.flatMap((entity, index) => (entity ? [] : [index]));
      if (missing.length > 0) {
        const own = (await this.keyv.getMany<CachedEntity>(
          missing.map((index) => privateKey(keys[index]!, session)),
        )) as Array<CachedEntity | undefined>;
        missing.forEach((index, position) => {
          found[index] = own[position];
        });
      }
    }
    const now = Date.now();
    const usable = found.map((entity) =>
      entity && typeof entity.text === 'string' && remainingSeconds(entity, now) > 0 ? entity : undefined,
    );
    const hits = usable.filter(Boolean).length;
    this.count('hit', hits);
    this.count('miss', usable.length - hits);
    return usable;
  }

  /** Stores entities under `hint`; nothing when it is not cacheable, PRIVATE ones only under a session. */
  store(entries: Array<{ key: string; text: string }>, hint: CacheHint, session: string | null): void {
    const scope = hint.scope ?? 'PUBLIC';
    if (hint.maxAge <= 0 || entries.length === 0) return;
    if (scope === 'PRIVATE' && !session) return;
    const storedAt = Date.now();
    for (const { key, text } of entries) {
      const entity: CachedEntity = { text, maxAge: hint.maxAge, scope, storedAt };
      void this.keyv.set(scope === 'PRIVATE' ? privateKey(key, session!) : key, entity, hint.maxAge * 1000);
    }
    this.count('store', entries.length);
  }
}

/** Whole seconds an entry has left. */
export function remainingSeconds(entry: { maxAge: number; storedAt: number }, now = Date.now()): number {
  return Math.floor(entry.maxAge - (now - entry.storedAt) / 1000);
}

function privateKey(key: string, session: string): string {
  return `${key}|u:${session}`;
}
