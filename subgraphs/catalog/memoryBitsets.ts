/**
 * One bitset of docs per value of a field with few values (credential types, levels, delivery modes, providers,
 * sectors, languages; and one for "in the index"), so that a filter on them is a few word-wide ORs and ANDs
 * rather than a test a doc: a million docs are 31,250 words.
 */
export class ValueBitsets {
  private sets: Uint32Array[] = [];
  private words = 0;

  /** Room for docs below `docLimit`. */
  ensure(docLimit: number): void {
    const words = (docLimit + 31) >>> 5;
    if (words <= this.words) return;
    this.words = Math.max(words, this.words * 2, 32);
    this.sets = this.sets.map((set) => {
      const grown = new Uint32Array(this.words);
      grown.set(set);
      return grown;
    });
  }

  set(code: number, doc: number): void {
    let set = this.sets[code];
    if (!set) {
      set = new Uint32Array(this.words);
      this.sets[code] = set;
    }
    set[doc >>> 5]! |= 1 << (doc & 31);
  }

  clear(code: number, doc: number): void {
    const set = this.sets[code];
    if (set) set[doc >>> 5]! &= ~(1 << (doc & 31));
  }

  /** The docs with any of the values, as a new bitset. */
  union(codes: Iterable<number>): Uint32Array {
    const out = new Uint32Array(this.words);
    for (const code of codes) {
      const set = this.sets[code];
      if (!set) continue;
      for (let i = 0; i < set.length; i++) out[i]! |= set[i]!;
    }
    return out;
  }
}

/** Keeps in `target` the docs that are also in `other`. */
export function intersect(target: Uint32Array, other: Uint32Array): void {
  const length = Math.min(target.length, other.length);
  for (let i = 0; i < length; i++) target[i]! &= other[i]!;
  target.fill(0, length);
}

/** The docs of a bitset, ascending. */
export function docsOf(bits: Uint32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < bits.length; i++) {
    let word = bits[i]!;
    while (word !== 0) {
      word &= word - 1;
      count += 1;
    }
  }
  const docs = new Int32Array(count);
  let at = 0;
  for (let i = 0; i < bits.length; i++) {
    let word = bits[i]!;
    const base = i << 5;
    while (word !== 0) {
      const low = word & -word;
      docs[at++] = base + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  return docs;
}
