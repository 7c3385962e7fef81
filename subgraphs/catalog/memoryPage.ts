import type { MemoryIndex, OrderName } from './memoryIndex.js';
import { compareText, type DocOrder } from './memoryOrder.js';
import type { RelevanceScorer } from './memoryRelevance.js';
import { MISSING_LAST_ASC, MISSING_LAST_DESC } from './sqlSchema.js';
import type { PageRequest, PageRow, SortKeys } from './store.js';

/**
 * Picks a page of a search in memory, among the matches its counts come from: the `limit` matches that come
 * first, after the cursor, in the order searchSql.sortKeys defines (the SQL there is the reference this follows,
 * key for key; the tests compare the two). Orders come from the memory index's DocOrders; a cursor is placed in
 * one by binary search on its keys, which are the sort values of the row it follows, never a position: positions
 * shift as harvests add and remove credentials, sort values do not.
 *
 * Two ways to pick: scan every match and keep the best `limit` (cost: the number of matches), or walk the order
 * from the cursor and keep the matches met (cost: about `limit` × index size / matches). The match count
 * chooses. Relevance to a text query cuts across name order in tiers (see relevancePage).
 */

/** What a page request asks of the memory index. */
export interface PageMatches {
  /** The matching docs; null when everything in the index matches. */
  docs: Int32Array | null;
  /** Relevance to the text query, for a page by relevance; null otherwise. */
  relevance: RelevanceScorer | null;
}

const MISSING_ASC = Number(MISSING_LAST_ASC);
const MISSING_DESC = Number(MISSING_LAST_DESC);
const BEST_SCORE = 7;

/** Whether a page is better walked from the cursor than picked from a scan of every match. */
const walkPays = (matches: number, total: number, limit: number) => matches * matches > 2 * limit * total;

export function pickPage(memory: MemoryIndex, request: PageRequest, matches: PageMatches): PageRow[] {
  const { field, direction } = request.sort;
  const descending = direction === 'DESC' && field !== 'RELEVANCE';
  const orderName: OrderName =
    field === 'COST' ? 'cost' : field === 'DURATION' ? 'hours' : field === 'UPDATED_AT' ? 'updated' : 'name';
  const order = memory.order(orderName);
  const keysOf = sortKeysOf(memory, orderName, descending);
  const after = request.after;
  const limit = request.limit;
  if (limit <= 0) return [];

  if (field === 'RELEVANCE' && matches.relevance && matches.docs) {
    const picked = relevancePage(memory, order, matches.docs, matches.relevance, after, limit);
    return picked.map(({ doc, tier }) => ({ id: memory.idOf(doc), keys: [tier, ...keysOf(doc)] }));
  }

  const cut = after ? order.firstAfter(afterCursor(memory, orderName, descending, after), descending) : 0;
  const { docs } = matches;
  const count = docs ? docs.length : memory.size;
  if (docs === null || walkPays(count, order.size, limit)) {
    const isMatch = docs === null ? (doc: number) => memory.has(doc) : membership(docs, memory.docLimit);
    const rows: PageRow[] = [];
    for (let position = cut; position < order.size && rows.length < limit; position++) {
      const doc = order.docAt(position, descending);
      if (isMatch(doc)) rows.push({ id: memory.idOf(doc), keys: keysOf(doc) });
    }
    return rows;
  }
  const best = new Best(limit);
  for (let i = 0; i < docs.length; i++) {
    const position = order.positionOf(docs[i]!, descending);
    if (position >= cut) best.offer(position, docs[i]!, 0);
  }
  return best.picked().map(({ doc }) => ({ id: memory.idOf(doc), keys: keysOf(doc) }));
}

/**
 * A page by relevance: tier (7 - score) first, then name order. When the matches are many, name order is walked
 * and the walk stops as soon as no doc further on can make the page: the page is full of docs of the best tier
 * left (one no match can beat: RelevanceScorer.best bounds it). The cursor's tier comes first, from its place in
 * name order; then the tiers after it, from the start. With few matches, every match is scored instead.
 */
function relevancePage(
  memory: MemoryIndex,
  order: DocOrder,
  docs: Int32Array,
  scorer: RelevanceScorer,
  after: SortKeys | null,
  limit: number,
): Array<{ doc: number; tier: number }> {
  const total = order.size;
  let cursorTier = 0;
  let cutPosition = 0;
  if (after) {
    const [tier, name, id] = after as [number, string, string];
    cursorTier = tier;
    const [nameBytes, idBytes] = [Buffer.from(name), Buffer.from(id)];
    cutPosition = order.firstAfter((doc) => compareNameKeys(memory, doc, nameBytes, idBytes) > 0, false);
  }
  const best = new Best(limit);
  const bestTier = BEST_SCORE - scorer.best;
  if (walkPays(docs.length, total, limit)) {
    // Walking costs little more than scoring every match even when it goes to the end (it scores the matches it
    // meets, once each), and mostly stops early.
    const isMatch = membership(docs, memory.docLimit);
    // The docs of the cursor's tier after it, in name order: they come first.
    if (cursorTier >= bestTier) {
      for (let position = cutPosition; position < total; position++) {
        const doc = order.docAt(position, false);
        if (isMatch(doc) && BEST_SCORE - scorer.score(doc) === cursorTier) {
          best.offer(cursorTier * total + position, doc, cursorTier);
          if (best.full) return best.picked();
        }
      }
    }
    // Then the later tiers, from the start of name order, until no doc further on can beat the page's last.
    const floor = Math.max(bestTier, cursorTier + 1);
    for (let position = 0; position < total; position++) {
      const doc = order.docAt(position, false);
      if (!isMatch(doc)) continue;
      const tier = BEST_SCORE - scorer.score(doc);
      if (tier > cursorTier) best.offer(tier * total + position, doc, tier);
      if (best.full && best.worstTier <= floor) break;
    }
    return best.picked();
  }
  const cut = cursorTier * total + cutPosition;
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    const tier = BEST_SCORE - scorer.score(doc);
    const key = tier * total + order.positionOf(doc, false);
    if (key >= cut) best.offer(key, doc, tier);
  }
  return best.picked();
}

/**
 * The `limit` docs with the smallest keys offered, smallest first (keys are distinct: places in a total order).
 * Pages are short, and most offers fail the first comparison.
 */
class Best {
  private keys: Float64Array;
  private docs: Int32Array;
  private tiers: Uint8Array;
  private size = 0;

  constructor(private readonly limit: number) {
    this.keys = new Float64Array(limit);
    this.docs = new Int32Array(limit);
    this.tiers = new Uint8Array(limit);
  }

  get full(): boolean {
    return this.size === this.limit;
  }

  get worstTier(): number {
    return this.tiers[this.size - 1]!;
  }

  offer(key: number, doc: number, tier: number): void {
    const { keys, docs, tiers } = this;
    if (this.size === this.limit && key >= keys[this.size - 1]!) return;
    let at = this.size === this.limit ? this.size - 1 : this.size;
    while (at > 0 && keys[at - 1]! > key) {
      keys[at] = keys[at - 1]!;
      docs[at] = docs[at - 1]!;
      tiers[at] = tiers[at - 1]!;
      at -= 1;
    }
    keys[at] = key;
    docs[at] = doc;
    tiers[at] = tier;
    if (this.size < this.limit) this.size += 1;
  }

  picked(): Array<{ doc: number; tier: number }> {
    return Array.from({ length: this.size }, (_, i) => ({ doc: this.docs[i]!, tier: this.tiers[i]! }));
  }
}

function membership(docs: Int32Array, docLimit: number): (doc: number) => boolean {
  const member = new Uint8Array(docLimit);
  for (let i = 0; i < docs.length; i++) member[docs[i]!] = 1;
  return (doc) => member[doc] === 1;
}

const compareNameKeys = (memory: MemoryIndex, doc: number, name: Uint8Array, id: Uint8Array) =>
  memory.compareNameKeyTo(doc, name) || memory.compareIdTo(doc, id);

/** A doc's numeric sort value as the SQL gives it: missing values stand in as the sentinel of the direction. */
function numericValue(memory: MemoryIndex, orderName: 'cost' | 'hours', doc: number, descending: boolean) {
  const value = orderName === 'cost' ? memory.costBaseOf(doc) : memory.hoursOf(doc);
  return Number.isNaN(value) ? (descending ? MISSING_DESC : MISSING_ASC) : value;
}

const updatedText = (memory: MemoryIndex, doc: number) => new Date(memory.updatedOf(doc)).toISOString();

/** The keys of a row for its cursor, as the SQL selects them (the id last). */
function sortKeysOf(
  memory: MemoryIndex,
  orderName: OrderName,
  descending: boolean,
): (doc: number) => SortKeys {
  switch (orderName) {
    case 'name':
      return (doc) => [memory.nameKeyOf(doc), memory.idOf(doc)];
    case 'updated':
      return (doc) => [updatedText(memory, doc), memory.idOf(doc)];
    default:
      return (doc) => [numericValue(memory, orderName, doc, descending), memory.idOf(doc)];
  }
}

/** Whether a doc comes after the cursor in the request's order (its keys compared with the cursor's). */
function afterCursor(
  memory: MemoryIndex,
  orderName: OrderName,
  descending: boolean,
  cursor: SortKeys,
): (doc: number) => boolean {
  const id = Buffer.from(cursor[1] as string);
  let compare: (doc: number) => number;
  switch (orderName) {
    case 'name': {
      const name = Buffer.from(cursor[0] as string);
      compare = (doc) => compareNameKeys(memory, doc, name, id);
      break;
    }
    case 'updated':
      compare = (doc) =>
        compareText(updatedText(memory, doc), cursor[0] as string) || memory.compareIdTo(doc, id);
      break;
    default: {
      const bound = cursor[0] as number;
      compare = (doc) => {
        const value = numericValue(memory, orderName, doc, descending);
        return value < bound ? -1 : value > bound ? 1 : memory.compareIdTo(doc, id);
      };
    }
  }
  return descending ? (doc) => compare(doc) < 0 : (doc) => compare(doc) > 0;
}
