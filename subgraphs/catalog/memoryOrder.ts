/**
 * Compares strings by their UTF-8 bytes, which is how both databases order the index's text (SQLite's BINARY
 * collation; PostgreSQL's COLLATE "C"), so that an order picked in memory is the one the SQL would give.
 * JavaScript's own `<` compares UTF-16 code units, which differs from it only between a surrogate and a code unit
 * from U+E000 up.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral code points) come after U+E000–U+FFFF in code point order.
      const fx = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      const fy = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      return fx - fy;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * One sort order over the memory index's docs: every live doc in ascending order, and each doc's position in it.
 * Docs without a value (no price, say) come last, after `valued` docs, so that the descending order, which also
 * puts them last, is the valued part reversed followed by the rest reversed.
 *
 * The order follows the index lazily: docs added or removed since it was last used are merged in (each placed
 * by binary search) or dropped at the next use, so a harvest pays only for the orders its readers ask for.
 */
export class DocOrder {
  private sorted = new Int32Array(0);
  private length = 0;
  private positions = new Int32Array(0);
  private valuedCount = 0;
  private pending: number[] = [];
  private removed = 0;
  private built = false;

  constructor(
    /** Ascending order of two docs; total (ties go by id). */
    private readonly compare: (a: number, b: number) => number,
    private readonly hasValue: (doc: number) => boolean,
  ) {}

  /** A doc joined the index. */
  added(doc: number): void {
    if (this.built) this.pending.push(doc);
  }

  /** A doc left the index. */
  removedOne(): void {
    if (this.built) this.removed += 1;
  }

  /**
   * Takes every doc of the index in this order, as the database's sort index reads them (much faster than sorting
   * a million names here).
   */
  load(docs: ArrayLike<number>, docLimit: number): void {
    this.sorted = Int32Array.from(docs);
    this.length = this.sorted.length;
    this.pending = [];
    this.removed = 0;
    this.built = true;
    this.place(docLimit);
  }

  /** Brings the order up to the index: `live` tells which docs are in it, `allLive` lists them for a first build. */
  update(live: (doc: number) => boolean, allLive: () => Int32Array, docLimit: number): void {
    if (!this.built) {
      const docs = Array.from(allLive());
      docs.sort(this.compare);
      this.sorted = Int32Array.from(docs);
      this.length = docs.length;
      this.built = true;
    } else if (this.pending.length || this.removed) {
      this.merge(live);
    } else {
      return;
    }
    this.place(docLimit);
  }

  /** Notes each doc's position, and where the docs without a value begin. */
  private place(docLimit: number): void {
    if (this.positions.length < docLimit) this.positions = new Int32Array(Math.max(docLimit, 1024));
    const { sorted, positions } = this;
    for (let i = 0; i < this.length; i++) positions[sorted[i]!] = i;
    let valued = this.length;
    while (valued > 0 && !this.hasValue(sorted[valued - 1]!)) valued -= 1;
    this.valuedCount = valued;
  }

  private merge(live: (doc: number) => boolean): void {
    const pending = new Set(this.pending);
    let kept = 0;
    const old = this.sorted;
    if (this.removed) {
      // A doc removed and added again (SQLite reuses the highest rowids) is another credential: placed anew.
      for (let i = 0; i < this.length; i++) {
        const doc = old[i]!;
        if (live(doc) && !pending.has(doc)) old[kept++] = doc;
      }
    } else {
      kept = this.length;
    }
    const incoming = [...pending].filter(live).sort(this.compare);
    this.pending = [];
    this.removed = 0;
    const merged =
      old.length >= kept + incoming.length
        ? new Int32Array(Math.max(old.length, 1024))
        : new Int32Array(Math.max(kept + incoming.length, old.length * 2));
    let from = 0;
    let to = 0;
    for (const doc of incoming) {
      // The first old position after the incoming doc: binary search, from where the last one went.
      let low = from;
      let high = kept;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (this.compare(old[middle]!, doc) < 0) low = middle + 1;
        else high = middle;
      }
      merged.set(old.subarray(from, low), to);
      to += low - from;
      from = low;
      merged[to++] = doc;
    }
    merged.set(old.subarray(from, kept), to);
    to += kept - from;
    this.sorted = merged;
    this.length = to;
  }

  get size(): number {
    return this.length;
  }

  /** Sets the bits of the docs at positions `from` to `to` (excluded) of the ascending order. */
  markBetween(from: number, to: number, bits: Uint32Array): void {
    const sorted = this.sorted;
    for (let position = from; position < to; position++) {
      const doc = sorted[position]!;
      bits[doc >>> 5]! |= 1 << (doc & 31);
    }
  }

  /** The doc at a position of the ascending order, or of the descending one. */
  docAt(index: number, descending: boolean): number {
    if (!descending) return this.sorted[index]!;
    const valued = this.valuedCount;
    return index < valued
      ? this.sorted[valued - 1 - index]!
      : this.sorted[valued + (this.length - 1 - index)]!;
  }

  /** A doc's position in the ascending order, or in the descending one. */
  positionOf(doc: number, descending: boolean): number {
    const position = this.positions[doc]!;
    if (!descending) return position;
    const valued = this.valuedCount;
    return position < valued ? valued - 1 - position : valued + (this.length - 1 - position);
  }

  /**
   * The first position (ascending, or descending) whose doc comes after a cursor: `after(doc)` tells whether a doc
   * comes after it, and is false up to some position and true from there on.
   */
  firstAfter(after: (doc: number) => boolean, descending: boolean): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (after(this.docAt(middle, descending))) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
