import type { CurrencyRates } from './currency.js';
import type { FacetCount, FacetName, NormalizedFilter } from './store.js';

/**
 * A columnar copy of the index's filter and facet fields, in memory, so that counting a search's matches and
 * its facets costs a few nanoseconds per match instead of a database row visit each. The database stays the
 * source of truth: this copy is loaded from it and follows it through the change log that every write appends
 * to (see `credential_changes`), so replicas sharing a PostgreSQL index each keep theirs current.
 *
 * Rows are addressed by `doc`; a changed credential gets a new doc, so arrays only grow and a removed doc is
 * simply marked absent.
 */

/** The fields of one stored credential version that filters and facets read. */
export interface MemoryRow {
  doc: number;
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

function grow<T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(
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
  }

  add(row: MemoryRow): void {
    const { doc } = row;
    this.ensure(doc);
    if (!this.present[doc]) this.liveCount += 1;
    this.present[doc] = 1;
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
  }

  remove(doc: number): void {
    if (doc < this.present.length && this.present[doc]) {
      this.present[doc] = 0;
      this.liveCount -= 1;
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
