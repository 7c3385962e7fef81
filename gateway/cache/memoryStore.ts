/**
 * A keyv store in this process's memory, bounded by an estimate of the bytes it holds: the least recently used
 * entries go first when a new one would not fit, and entries past their TTL are dropped when read. keyv's own
 * default (a plain Map) grows without bound, which a cache of whole answers cannot afford.
 */
export class MemoryKeyvStore {
  /** keyv reads `opts` and sets `namespace` on its store. */
  readonly opts = { dialect: 'credgraph-memory' };
  namespace?: string;
  private readonly entries = new Map<string, { value: unknown; size: number; expiresAt: number }>();
  private bytes = 0;
  /** The entry at the young end of `entries`, which a read need not move there again. */
  private youngest: string | undefined;

  constructor(private readonly maxBytes: number) {}

  /** The estimated bytes held. */
  get size(): number {
    return this.bytes;
  }

  async get(key: string): Promise<unknown> {
    return this.read(key);
  }

  async getMany(keys: string[]): Promise<unknown[]> {
    return keys.map((key) => this.read(key));
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    return this.put(key, value, ttlMs);
  }

  /** `get` without the promise, for the hot path. */
  peek(key: string): unknown {
    return this.read(key);
  }

  /** `set` without the promise. False when the value is too large to hold (over a quarter of the bound). */
  put(key: string, value: unknown, ttlMs?: number): boolean {
    const size = key.length + estimateBytes(value);
    this.remove(key);
    if (size > this.maxBytes / 4) return false;
    while (this.bytes + size > this.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
    this.entries.set(key, { value, size, expiresAt: ttlMs ? Date.now() + ttlMs : Number.POSITIVE_INFINITY });
    this.youngest = key;
    this.bytes += size;
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let any = false;
    for (const key of keys) any = this.remove(key) || any;
    return any;
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  on(): this {
    return this;
  }

  private read(key: string): unknown {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    // Re-inserting moves the entry to the young end of the Map's insertion order (a delete and an insert: not
    // for an entry read over and over, already there).
    if (key !== this.youngest) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.youngest = key;
    }
    return entry.value;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.size;
    return true;
  }
}

/** A cheap size estimate: strings and buffers by length, objects by a declared `byteSize` or else their JSON. */
export function estimateBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Buffer.isBuffer(value)) return value.length;
  if (value === null || value === undefined) return 8;
  if (typeof value === 'object') {
    const stored = value as { value?: unknown };
    // keyv wraps values as {value, expires}; the payload is what weighs.
    if ('value' in stored && Object.keys(stored).length <= 2) return 16 + estimateBytes(stored.value);
    // Entries that know their own size (cached answers) say so rather than be serialised to be weighed.
    const declared = (value as { byteSize?: unknown }).byteSize;
    if (typeof declared === 'number') return declared;
    try {
      return JSON.stringify(value)?.length ?? 8;
    } catch {
      return 1024;
    }
  }
  return 8;
}
