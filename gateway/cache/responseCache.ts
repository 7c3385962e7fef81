import type { CacheScope } from './cachePolicy.js';
import type { CacheStores } from './stores.js';

/** A whole answer as it was sent, with how long it may be reused and by whom. */
export interface CachedAnswer {
  /** The body's bytes (in memory) or text (as it comes back from Redis). */
  body: Buffer | string;
  contentType: string;
  maxAge: number;
  scope: CacheScope;
  /** When it was stored (ms since the epoch). */
  storedAt: number;
  /** The body's size, so that the memory store need not weigh it. */
  byteSize: number;
}

/** An answer ready to send from this process's memory. */
export interface HotAnswer extends CachedAnswer {
  body: Buffer;
}

const MAX_REMEMBERED_KEYS = 10_000;

interface Stored {
  value: CachedAnswer;
  expires?: number;
}

/**
 * Whole answers, keyed by the cache generation and the request's answer key (see requestKey.ts). The store of
 * record is keyv (memory, or Redis shared by every gateway); the answers this process holds are read
 * synchronously, so that a hit costs a map lookup and a write of bytes already encoded. PRIVATE answers live
 * under their session's key only.
 */
export class ResponseCache {
  /** Public keys of the generation last asked for, by answer key: a hit then concatenates and hashes nothing. */
  private publicKeys = { generation: '', keys: new Map<string, string>() };

  constructor(private readonly stores: CacheStores) {}

  /** The key of an answer in a generation, for a session (PRIVATE) or for everyone (null). */
  keyOf(generation: string, answerKey: string, session: string | null): string {
    if (session !== null) return `${generation}|${answerKey}|u:${session}`;
    let known = this.publicKeys;
    if (known.generation !== generation || known.keys.size >= MAX_REMEMBERED_KEYS) {
      known = this.publicKeys = { generation, keys: new Map() };
    }
    let key = known.keys.get(answerKey);
    if (key === undefined) {
      key = `${generation}|${answerKey}`;
      known.keys.set(answerKey, key);
    }
    return key;
  }

  /** Whether answers are shared through Redis (so that a miss here may be a hit there). */
  get shared(): boolean {
    return this.stores.kind === 'redis';
  }

  /** A usable answer held in this process: the public one, else the session's own. Synchronous, for the hot path. */
  peek(generation: string, answerKey: string, session: string | null): HotAnswer | undefined {
    const now = Date.now();
    return (
      this.hot(this.keyOf(generation, answerKey, null), now) ??
      (session === null ? undefined : this.hot(this.keyOf(generation, answerKey, session), now))
    );
  }

  /**
   * An answer another gateway (or this one, earlier) put in the shared store; it is then kept in this process
   * for the rest of its TTL. Undefined without Redis: the memory store is what `peek` reads.
   */
  async fetchShared(
    generation: string,
    answerKey: string,
    session: string | null,
  ): Promise<HotAnswer | undefined> {
    if (!this.shared) return undefined;
    const keys = [this.keyOf(generation, answerKey, null)];
    if (session !== null) keys.push(this.keyOf(generation, answerKey, session));
    const found = (await this.stores.responses.getMany<CachedAnswer>(keys)) as Array<
      CachedAnswer | undefined
    >;
    const now = Date.now();
    for (let index = 0; index < keys.length; index++) {
      const answer = found[index];
      const left = answer ? remainingMs(answer, now) : 0;
      if (!answer || typeof answer.body !== 'string' || left <= 0) continue;
      const hot: HotAnswer = { ...answer, body: Buffer.from(answer.body, 'utf8') };
      this.stores.hot.put(keys[index]!, { value: hot, expires: now + left }, left);
      return hot;
    }
    return undefined;
  }

  /** Stores an answer (in memory at once, in Redis in the background). */
  store(
    generation: string,
    answerKey: string,
    session: string | null,
    answer: { body: string; contentType: string; maxAge: number; scope: CacheScope },
  ): void {
    const key = this.keyOf(generation, answerKey, answer.scope === 'PRIVATE' ? session : null);
    if (answer.maxAge <= 0 || (answer.scope === 'PRIVATE' && session === null)) return;
    const storedAt = Date.now();
    const body = Buffer.from(answer.body, 'utf8');
    const hot: HotAnswer = { ...answer, body, storedAt, byteSize: body.length };
    const ttlMs = answer.maxAge * 1000;
    if (this.stores.kind === 'memory') {
      // The memory store is keyv's store: written through keyv, so that keyv's expiry bookkeeping holds too.
      void this.stores.responses.set(key, hot, ttlMs);
    } else {
      this.stores.hot.put(key, { value: hot, expires: storedAt + ttlMs }, ttlMs);
      void this.stores.responses.set(key, { ...answer, storedAt, byteSize: body.length }, ttlMs);
    }
  }

  private hot(key: string, now: number): HotAnswer | undefined {
    const stored = this.stores.hot.peek(this.stores.hotPrefix + key) as Stored | undefined;
    const answer = stored?.value;
    if (!answer || !Buffer.isBuffer(answer.body)) return undefined;
    if (stored.expires !== undefined && stored.expires <= now) return undefined;
    return remainingMs(answer, now) > 0 ? (answer as HotAnswer) : undefined;
  }
}

/** Milliseconds an answer has left. */
export function remainingMs(answer: { maxAge: number; storedAt: number }, now = Date.now()): number {
  return answer.storedAt + answer.maxAge * 1000 - now;
}
