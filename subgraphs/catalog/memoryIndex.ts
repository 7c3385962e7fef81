import type { CurrencyRates } from './currency.js';
import { compareText, DocOrder } from './memoryOrder.js';
import type { FacetCount, FacetName, NormalizedFilter } from './store.js';
import type { TextQuery } from './text.js';
import { RELEVANCE_FIELDS } from './textIndex.js';

/**
 * A columnar copy of the index's filter and facet fields, in memory, so that counting a search's matches and
 * its facets costs a few nanoseconds per match instead of a database row visit each. The database stays the
 * source of truth: this copy is loaded from it and follows it through the change log that every write appends
 * to (see `credential_changes`), so replicas sharing a PostgreSQL index each keep theirs current.
 *
 * Rows are addressed by `doc`; a changed credential gets a new doc, so arrays only grow and a removed doc is
 * simply marked absent (its strings are let go).
 *
 * It also holds each credential's id and name key, and the sort orders built on them (see DocOrder), so that the
 * page of a search is picked here too, among the same matches its counts come from.
 */

/** The fields of one stored credential version that filters and facets read. */
export interface MemoryRow {
  doc: number;
  id: string;
  /** The lower-cased name that name order sorts by. */
  nameKey: string;
  credentialType: string;
  level: string | null;
  deliveryMode: string | null;
  provider: string;
  issuerId: string;
  estimatedHours: number | null;
  costAmount: number | null;
  costCurrency: string | null;
  costBase: number | null;
  updatedAt: string;
  /** The name's, skills' and issuer's index terms (see relevanceTermsText). */
  relevanceTerms: string;
  sectors: string[];
  languages: string[];
  /** Every skill key the credential is found under, with the primary key's name (null for the others). */
  skills: Array<{ key: string; primaryName: string | null }>;
}

/** Strings to small integers and back; code 0 stands for null. */
class Dictionary {
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

const MAX_SECTORS = 32;

function grow<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(
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

export class MemoryIndex {
  /** The index version this copy reflects. */
  version = -1;
  private present = new Uint8Array(0);
  private type = new Uint32Array(0);
  private level = new Uint32Array(0);
  private mode = new Uint32Array(0);
  private provider = new Uint32Array(0);
  private issuer = new Uint32Array(0);
  private currency = new Uint32Array(0);
  private hours = new Float64Array(0);
  private costAmount = new Float64Array(0);
  private costBase = new Float64Array(0);
  private updated = new Float64Array(0);
  private sectorMask = new Uint32Array(0);
  /** Languages and skills: offsets into shared arrays (appended to; a rewritten doc appends anew). */
  private languageStart = new Int32Array(0);
  private languageCount = new Uint8Array(0);
  private languageData = new Uint32Array(0);
  private languageLength = 0;
  private skillStart = new Int32Array(0);
  private skillCount = new Uint32Array(0);
  private skillKeys = new Uint32Array(0);
  private skillNames = new Uint32Array(0);
  private skillLength = 0;
  private docs = 0;
  private liveCount = 0;
  /**
   * The terms of the fields relevance weighs, per doc: from `relevanceStart`, the name's, then the skills', then
   * the issuer's (each without repeats), each field ending at the offset in `relevanceEnds` (three per doc).
   */
  private relevanceStart = new Int32Array(0);
  private relevanceEnds = new Uint16Array(0);
  private relevanceData = new Uint32Array(0);
  private relevanceLength = 0;
  private ids: Array<string | undefined> = [];
  private names: Array<string | undefined> = [];

  /** The sort orders, ascending, each ending with the id: (name key, id), (price in USD, id), (hours, id), (updated, id). */
  private readonly orders = {
    name: new DocOrder(
      (a, b) => compareText(this.names[a]!, this.names[b]!) || compareText(this.ids[a]!, this.ids[b]!),
      () => true,
    ),
    cost: this.numericOrder(() => this.costBase),
    hours: this.numericOrder(() => this.hours),
    updated: this.numericOrder(() => this.updated),
  };

  private readonly dictionaries = {
    type: new Dictionary(),
    level: new Dictionary(),
    mode: new Dictionary(),
    provider: new Dictionary(),
    issuer: new Dictionary(),
    currency: new Dictionary(),
    sector: new Dictionary(),
    language: new Dictionary(),
    skill: new Dictionary(),
    skillName: new Dictionary(),
    term: new Dictionary(),
  };

  get size(): number {
    return this.liveCount;
  }

  /** Docs above every doc: the length a per-doc array needs. */
  get docLimit(): number {
    return this.docs;
  }

  /** An order by a numeric column, missing values (NaN) last, ties by id. */
  private numericOrder(column: () => Float64Array): DocOrder {
    return new DocOrder(
      (a, b) => {
        const values = column();
        const x = values[a]!;
        const y = values[b]!;
        if (x !== y) {
          if (Number.isNaN(x)) return Number.isNaN(y) ? compareText(this.ids[a]!, this.ids[b]!) : 1;
          if (Number.isNaN(y)) return -1;
          return x < y ? -1 : 1;
        }
        return compareText(this.ids[a]!, this.ids[b]!);
      },
      (doc) => !Number.isNaN(column()[doc]!),
    );
  }

  /** A sort order, brought up to date with the index. */
  order(kind: keyof MemoryIndex['orders']): DocOrder {
    const order = this.orders[kind];
    order.update(
      (doc) => this.has(doc),
      () => this.liveDocs(),
      this.docs,
    );
    return order;
  }

  /** Every doc in the index, ascending. */
  liveDocs(): Int32Array {
    const out = new Int32Array(this.liveCount);
    let found = 0;
    for (let doc = 0; doc < this.docs; doc++) if (this.present[doc]) out[found++] = doc;
    return out;
  }

  idOf(doc: number): string {
    return this.ids[doc]!;
  }

  nameKeyOf(doc: number): string {
    return this.names[doc]!;
  }

  /** The price in US dollars; NaN when there is none (or no rate for its currency). */
  costBaseOf(doc: number): number {
    return this.costBase[doc]!;
  }

  /** NaN when unknown. */
  hoursOf(doc: number): number {
    return this.hours[doc]!;
  }

  /** Milliseconds since the epoch. */
  updatedOf(doc: number): number {
    return this.updated[doc]!;
  }

  private ensure(doc: number): void {
    const size = doc + 1;
    if (size <= this.present.length) return;
    this.present = grow(this.present, size);
    this.type = grow(this.type, size);
    this.level = grow(this.level, size);
    this.mode = grow(this.mode, size);
    this.provider = grow(this.provider, size);
    this.issuer = grow(this.issuer, size);
    this.currency = grow(this.currency, size);
    this.hours = grow(this.hours, size, Number.NaN);
    this.costAmount = grow(this.costAmount, size, Number.NaN);
    this.costBase = grow(this.costBase, size, Number.NaN);
    this.updated = grow(this.updated, size);
    this.sectorMask = grow(this.sectorMask, size);
    this.languageStart = grow(this.languageStart, size);
    this.languageCount = grow(this.languageCount, size);
    this.skillStart = grow(this.skillStart, size);
    this.skillCount = grow(this.skillCount, size);
    this.relevanceStart = grow(this.relevanceStart, size);
    this.relevanceEnds = grow(this.relevanceEnds, this.present.length * RELEVANCE_FIELDS.length);
  }

  add(row: MemoryRow): void {
    const { doc } = row;
    this.ensure(doc);
    if (!this.present[doc]) {
      this.liveCount += 1;
      for (const order of Object.values(this.orders)) order.added(doc);
    }
    this.present[doc] = 1;
    this.ids[doc] = row.id;
    this.names[doc] = row.nameKey;
    this.docs = Math.max(this.docs, doc + 1);
    const d = this.dictionaries;
    this.type[doc] = d.type.code(row.credentialType);
    this.level[doc] = d.level.code(row.level);
    this.mode[doc] = d.mode.code(row.deliveryMode);
    this.provider[doc] = d.provider.code(row.provider);
    this.issuer[doc] = d.issuer.code(row.issuerId);
    this.currency[doc] = d.currency.code(row.costCurrency);
    this.hours[doc] = row.estimatedHours ?? Number.NaN;
    this.costAmount[doc] = row.costAmount ?? Number.NaN;
    this.costBase[doc] = row.costBase ?? Number.NaN;
    this.updated[doc] = Date.parse(row.updatedAt);
    let mask = 0;
    for (const sector of row.sectors) {
      const code = d.sector.code(sector) - 1;
      if (code >= MAX_SECTORS) throw new Error('more sectors than the memory index can hold');
      mask |= 1 << code;
    }
    this.sectorMask[doc] = mask >>> 0;
    this.languageData = grow(this.languageData, this.languageLength + row.languages.length);
    this.languageStart[doc] = this.languageLength;
    this.languageCount[doc] = row.languages.length;
    for (const language of row.languages)
      this.languageData[this.languageLength++] = d.language.code(language);
    this.skillKeys = grow(this.skillKeys, this.skillLength + row.skills.length);
    this.skillNames = grow(this.skillNames, this.skillLength + row.skills.length);
    this.skillStart[doc] = this.skillLength;
    this.skillCount[doc] = row.skills.length;
    for (const skill of row.skills) {
      this.skillKeys[this.skillLength] = d.skill.code(skill.key);
      this.skillNames[this.skillLength] = d.skillName.code(skill.primaryName);
      this.skillLength += 1;
    }
    this.addRelevanceTerms(doc, row.relevanceTerms);
  }

  private addRelevanceTerms(doc: number, text: string): void {
    const fields = text.split('\n');
    const start = this.relevanceLength;
    const terms = fields.map((field) => [...new Set(field.split(' ').filter(Boolean))]);
    const count = terms.reduce((sum, list) => sum + list.length, 0);
    this.relevanceData = grow(this.relevanceData, start + count);
    this.relevanceStart[doc] = start;
    let at = start;
    RELEVANCE_FIELDS.forEach((_, index) => {
      for (const term of terms[index] ?? []) this.relevanceData[at++] = this.dictionaries.term.code(term);
      // Offsets within the doc's run: a doc's three fields together hold fewer than 65,536 distinct terms.
      this.relevanceEnds[doc * RELEVANCE_FIELDS.length + index] = Math.min(at - start, 0xffff);
    });
    this.relevanceLength = at;
  }

  /**
   * Each doc's relevance to a text query, as searchSql.sortKeys defines it: 4 when its name holds every word of
   * the query, plus 2 when its skills do, plus 1 when its issuer's name does. `docs` are matches of the query.
   */
  relevance(query: TextQuery, docs: Int32Array): Uint8Array {
    const words = query.exact.length + 1;
    const width = Math.ceil(words / 32);
    const terms = this.dictionaries.term.values;
    // Which query words each index term satisfies, as bits: the exact words, and the last one (a prefix).
    const masks = new Uint32Array(terms.length * width);
    const set = (code: number, word: number) => {
      masks[code * width + (word >>> 5)]! |= 1 << (word & 31);
    };
    query.exact.forEach((term, word) => {
      const code = this.dictionaries.term.find(term);
      if (code !== undefined) set(code, word);
    });
    const last = words - 1;
    const { prefix, alternatives, exactOnly } = query.last;
    if (exactOnly) {
      const code = this.dictionaries.term.find(prefix);
      if (code !== undefined) set(code, last);
    } else {
      for (let code = 1; code < terms.length; code++) if (terms[code]!.startsWith(prefix)) set(code, last);
      for (const term of alternatives) {
        const code = this.dictionaries.term.find(term);
        if (code !== undefined) set(code, last);
      }
    }
    const full = new Uint32Array(width);
    for (let word = 0; word < words; word++) full[word >>> 5]! |= 1 << (word & 31);
    const weights = [4, 2, 1];
    const fields = RELEVANCE_FIELDS.length;
    const scores = new Uint8Array(docs.length);
    const data = this.relevanceData;
    const ends = this.relevanceEnds;
    if (width === 1) {
      // Queries of up to 32 words, that is all but pathological ones: one mask a term.
      const all = full[0]!;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const start = this.relevanceStart[doc]!;
        let from = start;
        let score = 0;
        for (let field = 0; field < fields; field++) {
          const to = start + ends[doc * fields + field]!;
          let seen = 0;
          for (let at = from; at < to; at++) seen |= masks[data[at]!]!;
          if (seen >>> 0 === all) score += weights[field]!;
          from = to;
        }
        scores[i] = score;
      }
      return scores;
    }
    const seen = new Uint32Array(width);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      const start = this.relevanceStart[doc]!;
      let from = start;
      let score = 0;
      for (let field = 0; field < fields; field++) {
        const to = start + ends[doc * fields + field]!;
        seen.fill(0);
        for (let at = from; at < to; at++) {
          const base = data[at]! * width;
          for (let part = 0; part < width; part++) seen[part]! |= masks[base + part]!;
        }
        let every = true;
        for (let part = 0; part < width; part++) if (seen[part] !== full[part]) every = false;
        if (every) score += weights[field]!;
        from = to;
      }
      scores[i] = score;
    }
    return scores;
  }

  remove(doc: number): void {
    if (doc < this.present.length && this.present[doc]) {
      this.present[doc] = 0;
      this.liveCount -= 1;
      this.ids[doc] = undefined;
      this.names[doc] = undefined;
      for (const order of Object.values(this.orders)) order.removedOne();
    }
  }

  has(doc: number): boolean {
    return doc < this.present.length && this.present[doc] === 1;
  }

  /**
   * The docs that pass the filter, among `candidates` (the text matches) or among all docs. Same semantics as
   * the SQL in searchSql.matchWhere, which pages are read with.
   */
  match(filter: NormalizedFilter, rates: CurrencyRates, candidates: ArrayLike<number> | null): Int32Array {
    const d = this.dictionaries;
    const codes = (dictionary: Dictionary, values: string[]) => {
      const set = new Uint8Array(dictionary.values.length + 1);
      for (const value of values) {
        const code = dictionary.find(value);
        if (code !== undefined) set[code] = 1;
      }
      return set;
    };
    const tests: Array<(doc: number) => boolean> = [];
    const inSet = (column: Uint32Array, dictionary: Dictionary, values: string[]) => {
      if (!values.length) return;
      const set = codes(dictionary, values);
      tests.push((doc) => set[column[doc]!] === 1);
    };
    inSet(this.type, d.type, filter.credentialTypes);
    inSet(this.level, d.level, filter.levels);
    inSet(this.mode, d.mode, filter.deliveryModes);
    inSet(this.provider, d.provider, filter.providers);
    inSet(this.issuer, d.issuer, filter.issuers);
    if (filter.sectors.length) {
      let mask = 0;
      for (const sector of filter.sectors) {
        const code = d.sector.find(sector);
        if (code !== undefined) mask |= 1 << (code - 1);
      }
      tests.push((doc) => (this.sectorMask[doc]! & mask) !== 0);
    }
    if (filter.languages.length) {
      const set = codes(d.language, filter.languages);
      tests.push((doc) => {
        const start = this.languageStart[doc]!;
        for (let i = start; i < start + this.languageCount[doc]!; i++)
          if (set[this.languageData[i]!]) return true;
        return false;
      });
    }
    if (filter.skills.length) {
      const set = codes(d.skill, filter.skills);
      tests.push((doc) => {
        const start = this.skillStart[doc]!;
        for (let i = start; i < start + this.skillCount[doc]!; i++) if (set[this.skillKeys[i]!]) return true;
        return false;
      });
    }
    if (filter.maxDurationHours !== null) {
      const max = filter.maxDurationHours;
      tests.push((doc) => this.hours[doc]! <= max);
    }
    if (filter.maxCost) {
      const { amount: max, currency } = filter.maxCost;
      const code = d.currency.find(currency) ?? -1;
      const rate = rates.rate(currency);
      const bound = rate === null ? Number.NaN : max * rate;
      tests.push((doc) => {
        const amount = this.costAmount[doc]!;
        if (Number.isNaN(amount)) return false;
        if (this.currency[doc] === code) return amount <= max;
        return rate === null ? amount === 0 : this.costBase[doc]! <= bound;
      });
    }
    if (filter.updatedSince) {
      const since = Date.parse(filter.updatedSince);
      tests.push((doc) => this.updated[doc]! >= since);
    }
    const out = new Int32Array(candidates ? candidates.length : this.liveCount);
    let found = 0;
    const consider = (doc: number) => {
      if (doc >= this.docs || !this.present[doc]) return;
      for (const test of tests) if (!test(doc)) return;
      out[found++] = doc;
    };
    if (candidates) for (let i = 0; i < candidates.length; i++) consider(candidates[i]!);
    else for (let doc = 0; doc < this.docs; doc++) consider(doc);
    return out.subarray(0, found);
  }

  /** Counts of `docs` by a facet, ordered as the SQL would: count descending, then value. */
  facet(
    docs: Int32Array,
    facet: FacetName,
    currency: string,
    rates: CurrencyRates,
    limit?: number,
  ): FacetCount[] {
    const d = this.dictionaries;
    const ranked = (counts: Map<string, number>, labels?: Map<string, string>) => {
      const list: FacetCount[] = [...counts]
        .filter(([, count]) => count > 0)
        .map(([value, count]) =>
          labels ? { value, count, label: labels.get(value) ?? null } : { value, count },
        );
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      return limit === undefined ? list : list.slice(0, limit);
    };
    const byColumn = (column: Uint32Array, dictionary: Dictionary) => {
      const counts = new Float64Array(dictionary.values.length);
      for (const doc of docs) counts[column[doc]!]! += 1;
      return ranked(new Map(dictionary.values.map((value, code) => [value ?? 'UNKNOWN', counts[code]!])));
    };
    switch (facet) {
      case 'credentialTypes':
        return byColumn(this.type, d.type);
      case 'levels':
        return byColumn(this.level, d.level);
      case 'deliveryModes':
        return byColumn(this.mode, d.mode);
      case 'providers':
        return byColumn(this.provider, d.provider);
      case 'issuers':
        return byColumn(this.issuer, d.issuer);
      case 'sectors': {
        const counts = new Float64Array(MAX_SECTORS);
        for (const doc of docs) {
          let mask = this.sectorMask[doc]!;
          while (mask) {
            const bit = 31 - Math.clz32(mask);
            counts[bit]! += 1;
            mask &= ~(1 << bit);
          }
        }
        return ranked(new Map(d.sector.values.slice(1).map((value, bit) => [value!, counts[bit]!])));
      }
      case 'languages': {
        const counts = new Float64Array(d.language.values.length);
        for (const doc of docs) {
          const start = this.languageStart[doc]!;
          for (let i = start; i < start + this.languageCount[doc]!; i++) counts[this.languageData[i]!]! += 1;
        }
        return ranked(
          new Map(d.language.values.slice(1).map((value, index) => [value!, counts[index + 1]!])),
        );
      }
      case 'skills': {
        const counts = new Float64Array(d.skill.values.length);
        const names = new Uint32Array(d.skill.values.length);
        for (const doc of docs) {
          const start = this.skillStart[doc]!;
          for (let i = start; i < start + this.skillCount[doc]!; i++) {
            const name = this.skillNames[i]!;
            if (name === 0) continue;
            const key = this.skillKeys[i]!;
            counts[key]! += 1;
            const current = names[key]!;
            if (current === 0 || d.skillName.values[name]! > d.skillName.values[current]!) names[key] = name;
          }
        }
        const labels = new Map<string, string>();
        const entries = new Map<string, number>();
        for (let key = 1; key < counts.length; key++) {
          if (counts[key]! === 0) continue;
          entries.set(d.skill.values[key]!, counts[key]!);
          labels.set(d.skill.values[key]!, d.skillName.values[names[key]!]!);
        }
        return ranked(entries, labels);
      }
      case 'durations': {
        const names = ['UNDER_10_HOURS', '10_TO_40_HOURS', '40_TO_120_HOURS', '120_HOURS_OR_MORE', 'UNKNOWN'];
        const counts = [0, 0, 0, 0, 0];
        for (const doc of docs) {
          const hours = this.hours[doc]!;
          counts[Number.isNaN(hours) ? 4 : hours < 10 ? 0 : hours < 40 ? 1 : hours < 120 ? 2 : 3]! += 1;
        }
        return names.map((value, index) => ({ value, count: counts[index]! }));
      }
      case 'costs': {
        const names = [
          'FREE',
          'UNDER_100',
          '100_TO_500',
          '500_TO_1000',
          '1000_OR_MORE',
          'OTHER_CURRENCY',
          'UNKNOWN',
        ];
        const counts = [0, 0, 0, 0, 0, 0, 0];
        const code = d.currency.find(currency) ?? -1;
        const rate = rates.rate(currency);
        for (const doc of docs) {
          const amount = this.costAmount[doc]!;
          if (Number.isNaN(amount)) {
            counts[6]! += 1;
            continue;
          }
          let inCurrency: number | null;
          if (this.currency[doc] === code) inCurrency = amount;
          else if (amount === 0) inCurrency = 0;
          else if (rate !== null && !Number.isNaN(this.costBase[doc]!))
            inCurrency = this.costBase[doc]! / rate;
          else inCurrency = null;
          const bucket =
            amount === 0
              ? 0
              : inCurrency === null
                ? 5
                : inCurrency <= 0
                  ? -1
                  : inCurrency < 100
                    ? 1
                    : inCurrency < 500
                      ? 2
                      : inCurrency < 1000
                        ? 3
                        : 4;
          if (bucket >= 0) counts[bucket]! += 1;
        }
        return names.map((value, index) => ({ value, count: counts[index]! }));
      }
    }
  }
}
