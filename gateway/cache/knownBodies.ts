/**
 * Request bodies seen before, by their exact bytes, each with a value. Looked up by a hash of a sample of the
 * bytes, then compared whole (a memcmp): a string key would be hashed character by character on every request,
 * since each request's text is a new string. Bounded in entries, in bytes per entry, and in entries per
 * sampled hash (so that bodies crafted to share one cannot make a lookup compare many); the oldest entry goes
 * first.
 */
export class KnownBodies<T> {
  private readonly buckets = new Map<number, Array<Known<T>>>();
  /** Every entry, oldest first. */
  private readonly order = new Set<Known<T>>();

  constructor(private readonly limits: { entries: number; bodyBytes: number; perBucket: number }) {}

  get(bytes: Buffer): T | undefined {
    return find(this.buckets.get(sampledHash(bytes)), bytes);
  }

  /** The value of these bytes, made by `create` when they are not known yet; undefined if they cannot be kept. */
  getOrAdd(bytes: Buffer, create: () => T): T | undefined {
    const hash = sampledHash(bytes);
    let bucket = this.buckets.get(hash);
    const found = find(bucket, bytes);
    if (found !== undefined || bytes.length > this.limits.bodyBytes) return found;
    if (bucket && bucket.length >= this.limits.perBucket) return undefined;
    if (this.order.size >= this.limits.entries) {
      this.forget(this.order.values().next().value!);
      // Forgetting the oldest may have emptied, and so dropped, this very bucket.
      bucket = this.buckets.get(hash);
    }
    if (!bucket) {
      bucket = [];
      this.buckets.set(hash, bucket);
    }
    // A copy of its own (not in Buffer's shared pool): the request's bytes may be a view of a larger buffer.
    const copy = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(copy);
    const known: Known<T> = { hash, bytes: copy, value: create() };
    bucket.push(known);
    this.order.add(known);
    return known.value;
  }

  private forget(known: Known<T>): void {
    this.order.delete(known);
    const bucket = this.buckets.get(known.hash);
    if (!bucket) return;
    bucket.splice(bucket.indexOf(known), 1);
    if (bucket.length === 0) this.buckets.delete(known.hash);
  }
}

interface Known<T> {
  hash: number;
  bytes: Buffer;
  value: T;
}

function find<T>(bucket: Array<Known<T>> | undefined, bytes: Buffer): T | undefined {
  if (bucket) for (const known of bucket) if (known.bytes.equals(bytes)) return known.value;
  return undefined;
}

const SAMPLES = 32;

/** FNV-1a over the length and up to 32 bytes spread evenly across the body. */
function sampledHash(bytes: Buffer): number {
  const length = bytes.length;
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  const step = length > SAMPLES ? Math.floor(length / SAMPLES) : 1;
  for (let index = 0; index < length; index += step) hash = Math.imul(hash ^ bytes[index]!, 0x01000193);
  return hash;
}
