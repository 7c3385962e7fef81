import { Dictionary, grow } from './memoryColumns.js';
import type { TextQuery } from './text.js';
import { RELEVANCE_FIELDS } from './textIndex.js';

const FIELDS = RELEVANCE_FIELDS.length;
/** What a field adds to the relevance when it holds every word of the query: name 4, skills 2, issuer 1. */
const WEIGHTS = [4, 2, 1];

/** Scores docs for one text query (see RelevanceTerms.scorer). */
export interface RelevanceScorer {
  /** The doc's relevance, 0 to 7. */
  score(doc: number): number;
  /** No doc scores more: only fields where every word of the query occurs somewhere in the index can count. */
  best: number;
}

/**
 * The terms of the fields relevance weighs (name, skills, issuer), per doc, so that the memory index scores a
 * search's matches itself (searchSql.sortKeys defines the score) instead of asking the full-text index three
 * more times. Docs are addressed as in the memory index; a doc's run is appended when it is added, and a new run
 * replaces it if the doc comes again.
 */
export class RelevanceTerms {
  private readonly terms = new Dictionary();
  /** The fields (bits 1, 2, 4 for name, skills, issuer) each term has occurred in: never cleared, a bound only. */
  private termFields = new Uint8Array(0);
  /**
   * Per doc, from `start` on in `data`: the number of the name's terms, of the skills' and of the issuer's, then
   * those terms (each field's without repeats). Counts and terms side by side: scoring many docs is bound by
   * memory reads, one cache line a doc here.
   */
  private start = new Int32Array(0);
  private data = new Uint32Array(0);
  private length = 0;

  /** Room for docs below `docLimit`. */
  ensure(docLimit: number): void {
    this.start = grow(this.start, docLimit);
  }

  /** Records a doc's terms: one line a field, terms separated by spaces (see relevanceTermsText). */
  add(doc: number, text: string): void {
    const start = this.length;
    this.data = grow(this.data, start + FIELDS + text.length + 1);
    const data = this.data;
    let at = start + FIELDS;
    let fieldStart = at;
    let field = 0;
    let wordStart = 0;
    for (let i = 0; i <= text.length; i++) {
      const char = i < text.length ? text.charCodeAt(i) : 10;
      if (char !== 32 && char !== 10) continue;
      if (i > wordStart && field < FIELDS) {
        const code = this.terms.code(text.slice(wordStart, i));
        let repeated = false;
        for (let j = fieldStart; j < at && !repeated; j++) repeated = data[j] === code;
        if (!repeated) {
          data[at++] = code;
          this.termFields = grow(this.termFields, code + 1);
          this.termFields[code]! |= 1 << field;
        }
      }
      wordStart = i + 1;
      if (char === 10 && field < FIELDS) {
        data[start + field++] = at - fieldStart;
        fieldStart = at;
      }
    }
    while (field < FIELDS) data[start + field++] = 0;
    this.start[doc] = start;
    this.length = at;
  }

  /** Lets go of room beyond what the terms hold (see MemoryIndex.trim). */
  trim(): void {
    const keep = this.length + (this.length >>> 3) + 1024;
    if (this.data.length > keep) this.data = this.data.slice(0, keep);
  }

  /** A scorer for a text query: which query words each index term satisfies is worked out once, as bits. */
  scorer(query: TextQuery): RelevanceScorer {
    const words = query.exact.length + 1;
    const width = Math.ceil(words / 32);
    const values = this.terms.values;
    const masks = new Int32Array(values.length * width);
    const satisfies = (code: number, word: number) => {
      masks[code * width + (word >>> 5)]! |= 1 << (word & 31);
    };
    query.exact.forEach((term, word) => {
      const code = this.terms.find(term);
      if (code !== undefined) satisfies(code, word);
    });
    const last = words - 1;
    const { prefix, alternatives, exactOnly } = query.last;
    if (exactOnly) {
      const code = this.terms.find(prefix);
      if (code !== undefined) satisfies(code, last);
    } else {
      for (let code = 1; code < values.length; code++)
        if (values[code]!.startsWith(prefix)) satisfies(code, last);
      for (const term of alternatives) {
        const code = this.terms.find(term);
        if (code !== undefined) satisfies(code, last);
      }
    }
    const full = new Int32Array(width);
    for (let word = 0; word < words; word++) full[word >>> 5]! |= 1 << (word & 31);
    return {
      score: width === 1 ? this.narrowScore(masks, full[0]!) : this.wideScore(masks, full),
      best: this.best(masks, full),
    };
  }

  /** The most a doc can score: the fields where every word has some term that occurs there in some doc. */
  private best(masks: Int32Array, full: Int32Array): number {
    const width = full.length;
    let best = 0;
    for (let field = 0; field < FIELDS; field++) {
      const seen = new Int32Array(width);
      for (let code = 1; code < this.termFields.length; code++) {
        if (!(this.termFields[code]! & (1 << field))) continue;
        for (let part = 0; part < width; part++) seen[part]! |= masks[code * width + part]!;
      }
      if (seen.every((bits, part) => bits === full[part])) best += WEIGHTS[field]!;
    }
    return best;
  }

  /** Queries of up to 32 words, that is all but pathological ones: one mask a term. */
  private narrowScore(masks: Int32Array, all: number): (doc: number) => number {
    const data = this.data;
    const starts = this.start;
    return (doc) => {
      const start = starts[doc]!;
      const nameEnd = start + FIELDS + data[start]!;
      const skillsEnd = nameEnd + data[start + 1]!;
      const issuerEnd = skillsEnd + data[start + 2]!;
      let name = 0;
      let skills = 0;
      let issuer = 0;
      for (let at = start + FIELDS; at < nameEnd; at++) name |= masks[data[at]!]!;
      for (let at = nameEnd; at < skillsEnd; at++) skills |= masks[data[at]!]!;
      for (let at = skillsEnd; at < issuerEnd; at++) issuer |= masks[data[at]!]!;
      return (name === all ? 4 : 0) + (skills === all ? 2 : 0) + (issuer === all ? 1 : 0);
    };
  }

  private wideScore(masks: Int32Array, full: Int32Array): (doc: number) => number {
    const width = full.length;
    const data = this.data;
    const starts = this.start;
    const seen = new Int32Array(width);
    return (doc) => {
      const start = starts[doc]!;
      let from = start + FIELDS;
      let score = 0;
      for (let field = 0; field < FIELDS; field++) {
        const to = from + data[start + field]!;
        seen.fill(0);
        for (let at = from; at < to; at++) {
          const base = data[at]! * width;
          for (let part = 0; part < width; part++) seen[part]! |= masks[base + part]!;
        }
        if (seen.every((bits, part) => bits === full[part])) score += WEIGHTS[field]!;
        from = to;
      }
      return score;
    };
  }
}
