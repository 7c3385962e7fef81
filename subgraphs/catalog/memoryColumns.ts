import { compareText } from './memoryOrder.js';

/** Building blocks of the memory index's columns. */

/** Strings to small integers and back; code 0 stands for null. */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: Array<string | null> = [null];

  code(value: string | null): number {
    if (value === null) return 0;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  find(value: string): number | undefined {
    return this.codes.get(value);
  }
}

/** A typed array with room for `size` entries: itself, or a copy at least twice as long (new entries `fill`ed). */
export function grow<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(
  array: T,
  size: number,
  fill?: number,
): T {
  if (array.length >= size) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(size, array.length * 2, 1024));
  grown.set(array);
  if (fill !== undefined) grown.fill(fill, array.length);
  return grown;
}

/**
 * A short text per doc (a credential's name key, its id) as UTF-8 in one byte buffer. A million of them as strings
 * would be a million objects for the garbage collector to trace at every full collection, at about twice the
 * bytes; as bytes they also compare as both databases order text (SQLite's BINARY, PostgreSQL's COLLATE "C").
 * A cleared doc's bytes are let go when such garbage outweighs the rest.
 */
export class TextArena {
  private bytes: Buffer = Buffer.alloc(0);
  private used = 0;
  private garbage = 0;
  /** Per doc: where its bytes start, and how many. */
  private spans = new Uint32Array(0);

  set(doc: number, text: string): void {
    if (this.spans[doc * 2 + 1]) this.clear(doc);
    const room = this.used + text.length * 3;
    if (this.bytes.length < room) this.resize(Math.max(room, this.bytes.length * 2, 1 << 16));
    const length = this.bytes.write(text, this.used, 'utf8');
    this.spans = grow(this.spans, doc * 2 + 2);
    this.spans[doc * 2] = this.used;
    this.spans[doc * 2 + 1] = length;
    this.used += length;
  }

  clear(doc: number): void {
    const length = this.spans[doc * 2 + 1] ?? 0;
    if (!length) return;
    this.spans[doc * 2] = 0;
    this.spans[doc * 2 + 1] = 0;
    this.garbage += length;
    if (this.garbage > 1 << 20 && this.garbage * 2 > this.used) this.compact();
  }

  text(doc: number): string {
    const start = this.spans[doc * 2]!;
    return this.bytes.toString('utf8', start, start + this.spans[doc * 2 + 1]!);
  }

  /** Two docs' texts in byte order. */
  compare(a: number, b: number): number {
    const { bytes, spans } = this;
    const aStart = spans[a * 2]!;
    const aLength = spans[a * 2 + 1]!;
    const bStart = spans[b * 2]!;
    const bLength = spans[b * 2 + 1]!;
    const length = Math.min(aLength, bLength);
    for (let i = 0; i < length; i++) {
      const difference = bytes[aStart + i]! - bytes[bStart + i]!;
      if (difference !== 0) return difference;
    }
    return aLength - bLength;
  }

  /** A doc's text against other bytes (`Buffer.from(text)`), in byte order. */
  compareTo(doc: number, other: Uint8Array): number {
    const { bytes, spans } = this;
    const start = spans[doc * 2]!;
    const length = spans[doc * 2 + 1]!;
    const common = Math.min(length, other.length);
    for (let i = 0; i < common; i++) {
      const difference = bytes[start + i]! - other[i]!;
      if (difference !== 0) return difference;
    }
    return length - other.length;
  }

  /** Lets go of room beyond what the texts hold (up to an eighth more is kept). */
  trim(): void {
    const keep = this.used + (this.used >>> 3) + (1 << 16);
    if (this.bytes.length > keep) this.resize(keep);
  }

  private resize(size: number): void {
    const bytes = Buffer.allocUnsafe(size);
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
  }

  /** Packs the texts still held, front to back. */
  private compact(): void {
    const bytes = Buffer.allocUnsafe(Math.max(this.used - this.garbage, 1 << 16));
    let used = 0;
    for (let doc = 0; doc * 2 < this.spans.length; doc++) {
      const length = this.spans[doc * 2 + 1]!;
      if (!length) continue;
      const start = this.spans[doc * 2]!;
      this.bytes.copy(bytes, used, start, start + length);
      this.spans[doc * 2] = used;
      used += length;
    }
    this.bytes = bytes;
    this.used = used;
    this.garbage = 0;
  }
}

/**
 * The codes with a count, ordered as the SQL orders facet values (count descending, then value in byte order),
 * the first `limit` of them when given. With many values (issuers: one a few credentials), only the best few are
 * sorted: the limit-th count is found first, and values below it never compared.
 */
export function rankCounts(
  counts: Float64Array,
  valueAt: (code: number) => string,
  limit?: number,
): number[] {
  const order = (a: number, b: number) => counts[b]! - counts[a]! || compareText(valueAt(a), valueAt(b));
  if (limit === undefined) {
    const codes: number[] = [];
    for (let code = 0; code < counts.length; code++) if (counts[code]! > 0) codes.push(code);
    return codes.sort(order);
  }
  if (limit <= 0) return [];
  // The limit-th greatest count, from a histogram of the counts (whole numbers, at most the matches).
  let most = 0;
  for (let code = 0; code < counts.length; code++) if (counts[code]! > most) most = counts[code]!;
  if (most === 0) return [];
  const histogram = new Uint32Array(most + 1);
  for (let code = 0; code < counts.length; code++) histogram[counts[code]!]! += 1;
  let threshold = most;
  let better = 0;
  while (threshold > 1 && better + histogram[threshold]! < limit) better += histogram[threshold--]!;
  const chosen: number[] = [];
  for (let code = 0; code < counts.length; code++) if (counts[code]! > threshold) chosen.push(code);
  // Values at the threshold compete for the places left, by value: keep the smallest few.
  const places = limit - chosen.length;
  const tied: string[] = [];
  const tiedCodes: number[] = [];
  for (let code = 0; code < counts.length && places > 0; code++) {
    if (counts[code]! !== threshold) continue;
    const value = valueAt(code);
    if (tied.length === places && compareText(value, tied[places - 1]!) >= 0) continue;
    let at = tied.length === places ? places - 1 : tied.length;
    while (at > 0 && compareText(tied[at - 1]!, value) > 0) {
      tied[at] = tied[at - 1]!;
      tiedCodes[at] = tiedCodes[at - 1]!;
      at -= 1;
    }
    tied[at] = value;
    tiedCodes[at] = code;
  }
  return [...chosen, ...tiedCodes].sort(order);
}
