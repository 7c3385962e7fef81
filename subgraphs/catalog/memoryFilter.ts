/**
 * The passes of MemoryIndex.match: each keeps, in place, the first `count` docs that pass its test, and answers how
 * many it kept. One tight loop a test reads the columns front to back, where a call a test a doc would not.
 */

export function keepPresent(docs: Int32Array, count: number, present: Uint8Array, limit: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    if (doc < limit && present[doc] === 1) docs[kept++] = doc;
  }
  return kept;
}

export function keepInSet(docs: Int32Array, count: number, column: Uint32Array, set: Uint8Array): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    if (set[column[doc]!] === 1) docs[kept++] = doc;
  }
  return kept;
}

export function keepSectors(docs: Int32Array, count: number, masks: Uint32Array, mask: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    if ((masks[doc]! & mask) !== 0) docs[kept++] = doc;
  }
  return kept;
}

/** Docs with any of a set of values in a list-valued field (languages, skills). */
export function keepAnyOf(
  docs: Int32Array,
  count: number,
  starts: Int32Array,
  lengths: Uint8Array | Uint32Array,
  values: Uint32Array,
  set: Uint8Array,
): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    const start = starts[doc]!;
    const end = start + lengths[doc]!;
    for (let at = start; at < end; at++) {
      if (set[values[at]!] === 1) {
        docs[kept++] = doc;
        break;
      }
    }
  }
  return kept;
}

/** Docs whose value is at most `max` (a missing value, NaN, is not). */
export function keepAtMost(docs: Int32Array, count: number, column: Float64Array, max: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    if (column[doc]! <= max) docs[kept++] = doc;
  }
  return kept;
}

export function keepAtLeast(docs: Int32Array, count: number, column: Float64Array, min: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    if (column[doc]! >= min) docs[kept++] = doc;
  }
  return kept;
}

/**
 * Docs costing at most `max` in the filter's currency: prices in that currency as they are, others through the
 * rate table (their price in USD against `max` in USD), and, when the table lacks the currency, only free ones.
 */
export function keepCost(
  docs: Int32Array,
  count: number,
  columns: { costAmount: Float64Array; costBase: Float64Array; currency: Uint32Array },
  max: number,
  currencyCode: number,
  rate: number | null,
): number {
  const { costAmount, costBase, currency } = columns;
  const bound = rate === null ? Number.NaN : max * rate;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i]!;
    const amount = costAmount[doc]!;
    if (Number.isNaN(amount)) continue;
    const passes =
      currency[doc] === currencyCode ? amount <= max : rate === null ? amount === 0 : costBase[doc]! <= bound;
    if (passes) docs[kept++] = doc;
  }
  return kept;
}
