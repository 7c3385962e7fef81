import type { CurrencyRates } from './currency.js';
import { docsOf, intersect, ValueBitsets } from './memoryBitsets.js';
import { Dictionary, grow, rankCounts, TextArena } from './memoryColumns.js';
import {
  keepAnyOf,
  keepAtLeast,
  keepAtMost,
  keepCost,
  keepInSet,
  keepPresent,
  keepSectors,
} from './memoryFilter.js';
import { compareText, DocOrder } from './memoryOrder.js';
import { Postings } from './memoryPostings.js';
import { type RelevanceScorer, RelevanceTerms } from './memoryRelevance.js';
import type { FacetCount, FacetName, NormalizedFilter } from './store.js';
import type { TextQuery } from './text.js';

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

/** The sort orders the memory index keeps (see DocOrder). */
export type OrderName = 'name' | 'cost' | 'hours' | 'updated';

const MAX_SECTORS = 32;

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
  private readonly relevanceTerms = new RelevanceTerms();
  /** Docs by value, for the fields with few values; `live` holds every doc in the index under code 0. */
  private readonly bits = {
    live: new ValueBitsets(),
    type: new ValueBitsets(),
    level: new ValueBitsets(),
    mode: new ValueBitsets(),
    provider: new ValueBitsets(),
    sector: new ValueBitsets(),
    language: new ValueBitsets(),
  };
  private readonly issuerPostings = new Postings();
  private readonly skillPostings = new Postings();
  /** Every live doc, ascending, while no doc comes or goes. */
  private live: Int32Array | null = null;
  private readonly ids = new TextArena();
  private readonly names = new TextArena();

  /** The sort orders, ascending, each ending with the id: (name key, id), (price in USD, id), (hours, id), (updated, id). */
  private readonly orders: Record<OrderName, DocOrder> = {
    name: new DocOrder(
      (a, b) => this.names.compare(a, b) || this.ids.compare(a, b),
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
          if (Number.isNaN(x)) return Number.isNaN(y) ? this.ids.compare(a, b) : 1;
          if (Number.isNaN(y)) return -1;
          return x < y ? -1 : 1;
        }
        return this.ids.compare(a, b);
      },
      (doc) => !Number.isNaN(column()[doc]!),
    );
  }

  /**
   * Lets go of the room arrays grew into beyond what they hold (up to an eighth more is kept for what comes
   * next): after a whole load, the doubling that loaded it may have left a column half empty.
   */
  trim(): void {
    const trimmed = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(
      array: T,
      used: number,
    ): T =>
      array.length > used + (used >>> 3) + 1024 ? (array.slice(0, used + (used >>> 3) + 1024) as T) : array;
    this.languageData = trimmed(this.languageData, this.languageLength);
    this.skillKeys = trimmed(this.skillKeys, this.skillLength);
    this.skillNames = trimmed(this.skillNames, this.skillLength);
    this.relevanceTerms.trim();
    this.ids.trim();
    this.names.trim();
  }

  /** Sets a sort order whole: every doc of the index, in that order (see DocOrder.load). */
  loadOrder(kind: OrderName, docs: ArrayLike<number>): void {
    if (docs.length !== this.liveCount)
      throw new Error(`the ${kind} order lists ${docs.length} docs, not ${this.liveCount}`);
    this.orders[kind].load(docs, this.docs);
  }

  /** A sort order, brought up to date with the index. */
  order(kind: OrderName): DocOrder {
    const order = this.orders[kind];
    order.update(
      (doc) => this.has(doc),
      () => this.liveDocs(),
      this.docs,
    );
    return order;
  }

  /** Every doc in the index, ascending (shared: not to be changed). */
  liveDocs(): Int32Array {
    if (!this.live) {
      const out = new Int32Array(this.liveCount);
      let found = 0;
      for (let doc = 0; doc < this.docs; doc++) if (this.present[doc]) out[found++] = doc;
      this.live = out;
    }
    return this.live;
  }

  idOf(doc: number): string {
    return this.ids.text(doc);
  }

  nameKeyOf(doc: number): string {
    return this.names.text(doc);
  }

  /** A doc's id against an id's UTF-8 bytes, in the databases' order. */
  compareIdTo(doc: number, id: Uint8Array): number {
    return this.ids.compareTo(doc, id);
  }

  /** A doc's name key against a name key's UTF-8 bytes, in the databases' order. */
  compareNameKeyTo(doc: number, nameKey: Uint8Array): number {
    return this.names.compareTo(doc, nameKey);
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
    this.relevanceTerms.ensure(this.present.length);
  }

  add(row: MemoryRow): void {
    const { doc } = row;
    this.ensure(doc);
    if (!this.present[doc]) {
      this.liveCount += 1;
      for (const order of Object.values(this.orders)) order.added(doc);
    }
    this.present[doc] = 1;
    this.live = null;
    this.ids.set(doc, row.id);
    this.names.set(doc, row.nameKey);
    this.docs = Math.max(this.docs, doc + 1);
    const d = this.dictionaries;
    this.type[doc] = d.type.code(row.credentialType);
    this.level[doc] = d.level.code(row.level);
    this.mode[doc] = d.mode.code(row.deliveryMode);
    this.provider[doc] = d.provider.code(row.provider);
    this.issuer[doc] = d.issuer.code(row.issuerId);
    this.issuerPostings.add(this.issuer[doc]!, doc);
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
      this.skillPostings.add(this.skillKeys[this.skillLength]!, doc);
      this.skillNames[this.skillLength] = d.skillName.code(skill.primaryName);
      this.skillLength += 1;
    }
    this.relevanceTerms.add(doc, row.relevanceTerms);
    this.markBits(doc, true);
  }

  /** Sets (or clears) a doc's bit in the bitset of each of its values. */
  private markBits(doc: number, on: boolean): void {
    const mark = (bitsets: ValueBitsets, code: number) =>
      on ? bitsets.set(code, doc) : bitsets.clear(code, doc);
    if (on) for (const bitsets of Object.values(this.bits)) bitsets.ensure(doc + 1);
    mark(this.bits.live, 0);
    mark(this.bits.type, this.type[doc]!);
    mark(this.bits.level, this.level[doc]!);
    mark(this.bits.mode, this.mode[doc]!);
    mark(this.bits.provider, this.provider[doc]!);
    for (let mask = this.sectorMask[doc]!; mask !== 0; mask &= mask - 1) {
      mark(this.bits.sector, 32 - Math.clz32(mask & -mask));
    }
    const start = this.languageStart[doc]!;
    for (let i = start; i < start + this.languageCount[doc]!; i++)
      mark(this.bits.language, this.languageData[i]!);
  }

  /** Scores docs for their relevance to a text query (see searchSql.sortKeys and RelevanceTerms). */
  relevanceScorer(query: TextQuery): RelevanceScorer {
    return this.relevanceTerms.scorer(query);
  }

  remove(doc: number): void {
    if (doc < this.present.length && this.present[doc]) {
      this.present[doc] = 0;
      this.markBits(doc, false);
      this.live = null;
      this.issuerPostings.staled(1);
      this.skillPostings.staled(this.skillCount[doc]!);
      this.liveCount -= 1;
      this.ids.clear(doc);
      this.names.clear(doc);
      for (const order of Object.values(this.orders)) order.removedOne();
    }
  }

  has(doc: number): boolean {
    return doc < this.present.length && this.present[doc] === 1;
  }

  /**
   * The docs that pass the filter, among `candidates` (the text matches) or among all docs. Same semantics as
   * the SQL in searchSql.matchWhere, which pages are read with. The docs to test come from the text matches, the
   * postings of the issuers or skills asked for, or else every doc; each test is then a pass over them that keeps
   * those passing (a tight loop a test, rather than a call a test a doc).
   */
  match(filter: NormalizedFilter, rates: CurrencyRates, candidates: ArrayLike<number> | null): Int32Array {
    const d = this.dictionaries;
    const setOf = (dictionary: Dictionary, values: string[]) => {
      const set = new Uint8Array(dictionary.values.length + 1);
      for (const value of values) {
        const code = dictionary.find(value);
        if (code !== undefined) set[code] = 1;
      }
      return set;
    };
    const codesOf = (dictionary: Dictionary, values: string[]) =>
      values.map((value) => dictionary.find(value)).filter((code): code is number => code !== undefined);
    if (this.issuerPostings.worn || this.skillPostings.worn) this.rebuildPostings();

    // Where the docs to test come from: the text matches; else the postings of issuers or skills; else the
    // bitsets of the fields with few values; else the stretch of a sort order that a range filter leaves; else all.
    const fewValued: Array<[ValueBitsets, Dictionary, string[]]> = [
      [this.bits.type, d.type, filter.credentialTypes],
      [this.bits.level, d.level, filter.levels],
      [this.bits.mode, d.mode, filter.deliveryModes],
      [this.bits.provider, d.provider, filter.providers],
      [this.bits.sector, d.sector, filter.sectors],
      [this.bits.language, d.language, filter.languages],
    ];
    const bitFilters = fewValued.filter(([, , values]) => values.length > 0);
    let docs: Int32Array;
    let count: number;
    let tested = true;
    if (candidates) {
      docs = Int32Array.from(candidates);
      count = keepPresent(docs, docs.length, this.present, this.docs);
    } else if (filter.skills.length || filter.issuers.length) {
      const skills = filter.skills.length ? this.skillPostings.docsOf(codesOf(d.skill, filter.skills)) : null;
      const issuers = filter.issuers.length
        ? this.issuerPostings.docsOf(codesOf(d.issuer, filter.issuers))
        : null;
      docs = skills && issuers ? (skills.length < issuers.length ? skills : issuers) : (skills ?? issuers)!;
      count = keepPresent(docs, docs.length, this.present, this.docs);
    } else {
      // Bitsets: of the values asked for, and of the stretches of sort orders that range filters leave, when they
      // leave few enough to pay for marking them (or nothing else narrows). Taken in doc order, the passes that
      // follow read the columns front to back.
      const sets = bitFilters.map(([bitsets, dictionary, values]) =>
        bitsets.union(codesOf(dictionary, values)),
      );
      const ranges = this.ranges(filter, rates).sort((a, b) => a.to - a.from - (b.to - b.from));
      for (const [index, range] of ranges.entries()) {
        if ((sets.length > 0 || index > 0) && range.to - range.from > this.liveCount / 2) continue;
        const bits = new Uint32Array((this.docs + 31) >>> 5);
        range.order.markBetween(range.from, range.to, bits);
        sets.push(bits);
      }
      if (sets.length) {
        const bits = sets[0]!;
        for (const other of sets.slice(1)) intersect(bits, other);
        docs = docsOf(bits);
      } else {
        docs = this.liveDocs().slice();
      }
      count = docs.length;
      // The bitsets hold only docs in the index, and test those fields exactly.
      tested = bitFilters.length === 0;
    }
    const inSet = (column: Uint32Array, dictionary: Dictionary, values: string[]) => {
      if (values.length) count = keepInSet(docs, count, column, setOf(dictionary, values));
    };
    inSet(this.issuer, d.issuer, filter.issuers);
    if (filter.skills.length) {
      const set = setOf(d.skill, filter.skills);
      count = keepAnyOf(docs, count, this.skillStart, this.skillCount, this.skillKeys, set);
    }
    if (tested) {
      inSet(this.type, d.type, filter.credentialTypes);
      inSet(this.level, d.level, filter.levels);
      inSet(this.mode, d.mode, filter.deliveryModes);
      inSet(this.provider, d.provider, filter.providers);
      if (filter.sectors.length) {
        let mask = 0;
        for (const sector of filter.sectors) {
          const code = d.sector.find(sector);
          if (code !== undefined) mask |= 1 << (code - 1);
        }
        count = keepSectors(docs, count, this.sectorMask, mask);
      }
      if (filter.languages.length) {
        const set = setOf(d.language, filter.languages);
        count = keepAnyOf(docs, count, this.languageStart, this.languageCount, this.languageData, set);
      }
    }
    if (filter.maxDurationHours !== null)
      count = keepAtMost(docs, count, this.hours, filter.maxDurationHours);
    if (filter.updatedSince) count = keepAtLeast(docs, count, this.updated, Date.parse(filter.updatedSince));
    if (filter.maxCost) {
      const { amount, currency } = filter.maxCost;
      const code = d.currency.find(currency) ?? -1;
      const columns = { costAmount: this.costAmount, costBase: this.costBase, currency: this.currency };
      count = keepCost(docs, count, columns, amount, code, rates.rate(currency));
    }
    return docs.subarray(0, count);
  }

  /**
   * The stretches of sort orders where the docs that range filters (hours, price, update time) let through lie
   * together. A price filter's matches all have a price in USD of at most its bound in USD, also those in the
   * filter's own currency, which compare as they are (a dearer price never converts to less): the stretch holds
   * them all, and the passes then test exactly.
   */
  private ranges(
    filter: NormalizedFilter,
    rates: CurrencyRates,
  ): Array<{ from: number; to: number; order: DocOrder }> {
    const ranges: Array<{ from: number; to: number; order: DocOrder }> = [];
    if (filter.maxDurationHours !== null) {
      const max = filter.maxDurationHours;
      const order = this.order('hours');
      ranges.push({ from: 0, to: order.firstAfter((doc) => !(this.hours[doc]! <= max), false), order });
    }
    const rate = filter.maxCost ? rates.rate(filter.maxCost.currency) : null;
    if (filter.maxCost && rate !== null) {
      const bound = filter.maxCost.amount * rate;
      const order = this.order('cost');
      ranges.push({ from: 0, to: order.firstAfter((doc) => !(this.costBase[doc]! <= bound), false), order });
    }
    if (filter.updatedSince) {
      const since = Date.parse(filter.updatedSince);
      const order = this.order('updated');
      ranges.push({
        from: order.firstAfter((doc) => this.updated[doc]! >= since, false),
        to: order.size,
        order,
      });
    }
    return ranges;
  }

  /** The lists of docs by issuer and by skill, anew from the columns, without the entries of removed docs. */
  private rebuildPostings(): void {
    this.issuerPostings.clear();
    this.skillPostings.clear();
    for (let doc = 0; doc < this.docs; doc++) {
      if (!this.present[doc]) continue;
      this.issuerPostings.add(this.issuer[doc]!, doc);
      const start = this.skillStart[doc]!;
      for (let i = start; i < start + this.skillCount[doc]!; i++)
        this.skillPostings.add(this.skillKeys[i]!, doc);
    }
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
    const ranked = (
      counts: Float64Array,
      valueAt: (code: number) => string,
      labelOf?: (code: number) => string | null,
    ): FacetCount[] =>
      rankCounts(counts, valueAt, limit).map((code) => {
        const value = valueAt(code);
        const count = counts[code]!;
        return labelOf ? { value, count, label: labelOf(code) } : { value, count };
      });
    const byColumn = (column: Uint32Array, dictionary: Dictionary) => {
      const counts = new Float64Array(dictionary.values.length);
      for (let i = 0; i < docs.length; i++) counts[column[docs[i]!]!]! += 1;
      // Missing values count as UNKNOWN, together with any value that is UNKNOWN itself (as the SQL groups them).
      const unknown = dictionary.find('UNKNOWN');
      if (unknown !== undefined) {
        counts[unknown]! += counts[0]!;
        counts[0] = 0;
      }
      return ranked(counts, (code) => dictionary.values[code] ?? 'UNKNOWN');
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
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i]!;
          let mask = this.sectorMask[doc]!;
          while (mask) {
            const bit = 31 - Math.clz32(mask);
            counts[bit]! += 1;
            mask &= ~(1 << bit);
          }
        }
        return ranked(counts, (bit) => d.sector.values[bit + 1]!);
      }
      case 'languages': {
        const counts = new Float64Array(d.language.values.length);
        for (const doc of docs) {
          const start = this.languageStart[doc]!;
          for (let i = start; i < start + this.languageCount[doc]!; i++) counts[this.languageData[i]!]! += 1;
        }
        return ranked(counts, (code) => d.language.values[code]!);
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
            // The label is the greatest primary name (SQL's max(primary_name)), in byte order.
            if (
              current !== name &&
              (current === 0 || compareText(d.skillName.values[name]!, d.skillName.values[current]!) > 0)
            ) {
              names[key] = name;
            }
          }
        }
        return ranked(
          counts,
          (key) => d.skill.values[key]!,
          (key) => d.skillName.values[names[key]!]!,
        );
      }
      case 'durations': {
        const names = ['UNDER_10_HOURS', '10_TO_40_HOURS', '40_TO_120_HOURS', '120_HOURS_OR_MORE', 'UNKNOWN'];
        const counts = new Float64Array(5);
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
        const counts = new Float64Array(7);
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
