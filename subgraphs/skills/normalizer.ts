import {
  compactKey,
  compactText,
  editDistance,
  foldTokens,
  isNumeric,
  isShort,
  splitQualifiers,
  trigrams,
  withoutFiller,
} from './folding.js';

export type MatchKind = 'EXACT' | 'ALT_LABEL' | 'FUZZY' | 'NONE';

/** One provider label and the canonical skill it stands for; `skillId` null means unmatched (the label is kept). */
export interface SkillMatch {
  label: string;
  skillId: string | null;
  skillName: string | null;
  /** 1 for an exact name, 0.95 for an alternative label, at most 0.9 for a fuzzy match, 0 when unmatched. */
  confidence: number;
  match: MatchKind;
}

/** A concept the normaliser can answer with, and every label that names it. */
export interface VocabularyEntry {
  /** The id to answer with: the canonical skill. */
  id: string;
  /** The canonical skill's name; a label equal to it is an EXACT match. */
  name: string;
  /** Other names; a label equal to one is an ALT_LABEL match. */
  altLabels: readonly string[];
  /** Order among concepts that share a label: lower wins. */
  rank: number;
}

export interface NormalizerOptions {
  /** Fuzzy scores below this leave a label unmatched (0..1). */
  threshold?: number;
}

/** Fuzzy matches at or above this score are accepted unless the options say otherwise. */
export const DEFAULT_THRESHOLD = 0.8;

const CONFIDENCE = { EXACT: 1, ALT_LABEL: 0.95 } as const;
/** Confidence kept when a label matched only after its qualifiers were dropped, or only through a qualifier. */
const QUALIFIER_FACTOR = 0.95;
const QUALIFIER_ONLY_FACTOR = 0.9;
/** Confidence kept when a label matched only with its words run together ("Cyber Security" → Cybersecurity). */
const COMPACT_FACTOR = 0.98;
/** Confidence of a match found only after depth or course filler was dropped ("Python Basics"). */
const FILLER_CONFIDENCE = 0.9;
/** Fuzzy matches never claim more than this: below an alternative label, however close. */
const FUZZY_CEILING = 0.9;
/** Each edit costs this many times its share of the word's length ("welding" vs "wedding" stays apart). */
const EDIT_PENALTY = 1.5;
/**
 * Taken off the score when either side has words the other lacks: a typo is safer to forgive than an extra or
 * missing word ("Metal Additive Manufacturing" is narrower than "Additive Manufacturing").
 */
const WORD_MISMATCH_PENALTY = 0.05;

interface IndexedLabel {
  entry: number;
  preferred: boolean;
  tokens: string[];
  length: number;
}

interface Candidate {
  label: number;
  score: number;
}

/** A query word and the vocabulary words it may stand for, with how close each is (1 = the same word). */
interface QueryToken {
  token: string;
  weight: number;
  options: Array<{ token: string; similarity: number }>;
}

/**
 * Normalises free-text skill labels to canonical skills: exact name, then alternative label, then a fuzzy match
 * (typo-tolerant, IDF-weighted token overlap) above a threshold; anything weaker stays unmatched with its label.
 * Pure and deterministic: the same vocabulary and label always give the same answer.
 */
export class SkillNormalizer {
  private readonly entries: readonly VocabularyEntry[];
  private readonly labels: IndexedLabel[] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly byCompact = new Map<string, number[]>();
  private readonly postings = new Map<string, number[]>();
  /** Vocabulary words and run-together labels by length, then by trigram, for typo lookups. */
  private readonly wordsByLength = new Map<number, Map<string, string[]>>();
  private readonly compactsByLength = new Map<number, Map<string, string[]>>();
  private readonly weights = new Map<string, number>();
  private readonly unknownWeight: number;
  private readonly threshold: number;

  constructor(entries: readonly VocabularyEntry[], options: NormalizerOptions = {}) {
    this.entries = entries;
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    entries.forEach((entry, index) => {
      const seen = new Set<string>();
      for (const [text, preferred] of [
        [entry.name, true],
        ...entry.altLabels.map((label) => [label, false] as const),
      ] as const) {
        const tokens = foldTokens(text);
        const key = tokens.join(' ');
        if (!key || seen.has(key)) continue;
        seen.add(key);
        this.addLabel({ entry: index, preferred, tokens, length: text.length }, compactText(text));
      }
    });
    const documentFrequency = new Map<string, number>();
    for (const label of this.labels) {
      for (const token of new Set(label.tokens)) {
        documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
      }
    }
    const total = Math.max(this.labels.length, 1);
    for (const [token, frequency] of documentFrequency) {
      this.weights.set(token, Math.log(1 + total / frequency));
    }
    this.unknownWeight = Math.log(1 + total);
    for (const token of documentFrequency.keys()) indexByTrigram(this.wordsByLength, token);
    for (const compact of this.byCompact.keys()) indexByTrigram(this.compactsByLength, compact);
  }

  /** Normalises many labels, answering in the order given. */
  normalizeAll(labels: readonly string[]): SkillMatch[] {
    return labels.map((label) => this.normalize(label));
  }

  /** Normalises one provider label. */
  normalize(label: string): SkillMatch {
    const exact = this.exact(label);
    if (exact.skillId) return exact;
    const text = label.replace(/\s+/g, ' ').trim();
    const { base, qualifiers } = splitQualifiers(text);
    const candidates = [foldTokens(base)];
    if (qualifiers.length > 0) candidates.push(foldTokens(text));
    for (const tokens of candidates) {
      const trimmed = withoutFiller(tokens);
      if (!trimmed) continue;
      const hit = this.lookup(trimmed, 1);
      if (hit) return this.answer(label, hit.label, 'FUZZY', FILLER_CONFIDENCE);
    }
    let best: Candidate | null = null;
    for (const tokens of candidates) {
      const found = this.fuzzy(tokens);
      if (found && (!best || this.better(found, best))) best = found;
    }
    if (best && best.score >= this.threshold) {
      return this.answer(label, best.label, 'FUZZY', Math.min(best.score, FUZZY_CEILING));
    }
    return unmatched(label);
  }

  /**
   * Only the exact steps: the label, the label without its qualifiers, then a qualifier alone, each by its folded
   * words and then with the words run together. Used where a wrong guess costs more than a miss.
   */
  exact(label: string): SkillMatch {
    const text = label.replace(/\s+/g, ' ').trim();
    const { base, qualifiers } = splitQualifiers(text);
    const attempts: Array<[string, number]> = [[text, 1]];
    if (qualifiers.length > 0) {
      attempts.push([base, QUALIFIER_FACTOR]);
      for (const qualifier of qualifiers) attempts.push([qualifier, QUALIFIER_ONLY_FACTOR]);
    }
    for (const [attempt, factor] of attempts) {
      const hit = this.lookup(foldTokens(attempt), factor, compactText(attempt));
      if (hit) return this.answer(label, hit.label, hit.kind, hit.confidence);
    }
    return unmatched(label);
  }

  private addLabel(label: IndexedLabel, rawCompact: string): void {
    const index = this.labels.push(label) - 1;
    push(this.byKey, label.tokens.join(' '), index);
    const compact = compactKey(label.tokens);
    push(this.byCompact, compact, index);
    if (rawCompact && rawCompact !== compact) push(this.byCompact, rawCompact, index);
    for (const token of new Set(label.tokens)) push(this.postings, token, index);
  }

  /** The best label whose folded words (or run-together words) equal these. */
  private lookup(
    tokens: readonly string[],
    factor: number,
    rawCompact = '',
  ): { label: number; kind: 'EXACT' | 'ALT_LABEL'; confidence: number } | null {
    if (tokens.length === 0) return null;
    const direct = this.pick(this.byKey.get(tokens.join(' ')));
    const hit =
      direct ??
      this.pick(this.byCompact.get(compactKey(tokens))) ??
      (rawCompact ? this.pick(this.byCompact.get(rawCompact)) : null);
    if (hit === null) return null;
    const kind = this.labels[hit]!.preferred ? 'EXACT' : 'ALT_LABEL';
    const confidence = CONFIDENCE[kind] * factor * (direct === null ? COMPACT_FACTOR : 1);
    return { label: hit, kind, confidence };
  }

  /** Among labels with the same key: an entry's own name before an alternative label, then by rank. */
  private pick(labels: readonly number[] | undefined): number | null {
    if (!labels?.length) return null;
    return labels.reduce((best, current) => (this.labelOrder(current, best) < 0 ? current : best));
  }

  private labelOrder(a: number, b: number): number {
    const left = this.labels[a]!;
    const right = this.labels[b]!;
    if (left.preferred !== right.preferred) return left.preferred ? -1 : 1;
    const byRank = this.entries[left.entry]!.rank - this.entries[right.entry]!.rank;
    if (byRank !== 0) return byRank;
    if (left.length !== right.length) return left.length - right.length;
    return this.entries[left.entry]!.id < this.entries[right.entry]!.id ? -1 : 1;
  }

  private better(a: Candidate, b: Candidate): boolean {
    if (a.score !== b.score) return a.score > b.score;
    return this.labelOrder(a.label, b.label) < 0;
  }

  /** The closest label by IDF-weighted word overlap (typos allowed) or by a typo in the run-together words. */
  private fuzzy(tokens: readonly string[]): Candidate | null {
    if (tokens.length === 0) return null;
    const query = tokens.map((token) => this.queryToken(token));
    const candidates = new Set<number>();
    for (const { options } of query) {
      for (const option of options)
        for (const label of this.postings.get(option.token) ?? []) candidates.add(label);
    }
    let best: Candidate | null = null;
    const consider = (candidate: Candidate) => {
      if (!best || this.better(candidate, best)) best = candidate;
    };
    for (const label of candidates) {
      const labelTokens = this.labels[label]!.tokens;
      if (!compatible(tokens, labelTokens)) continue;
      const { score, complete } = this.overlap(query, labelTokens);
      consider({ label, score: complete ? score : score - WORD_MISMATCH_PENALTY });
    }
    // Run together, a label may differ by one typo only: two edits in a long string can make another word.
    const compact = compactKey(tokens);
    for (const [word, distance] of near(this.compactsByLength, compact, 1)) {
      const score = 1 - (EDIT_PENALTY * distance) / Math.max(word.length, compact.length);
      for (const label of this.byCompact.get(word) ?? []) {
        if (compatible(tokens, this.labels[label]!.tokens)) consider({ label, score });
      }
    }
    return best;
  }

  /** A query word with the vocabulary words it may be a typo of (only when it is not itself a vocabulary word). */
  private queryToken(token: string): QueryToken {
    const weight = this.weights.get(token);
    if (weight !== undefined || isShort(token) || isNumeric(token)) {
      return { token, weight: weight ?? this.unknownWeight, options: [{ token, similarity: 1 }] };
    }
    const options = near(this.wordsByLength, token).map(([word, distance]) => ({
      token: word,
      similarity: 1 - (EDIT_PENALTY * distance) / Math.max(word.length, token.length),
    }));
    const closest = options.reduce<{ token: string; similarity: number } | null>(
      (found, option) => (!found || option.similarity > found.similarity ? option : found),
      null,
    );
    return { token, weight: closest ? this.weightOf(closest.token) : this.unknownWeight, options };
  }

  /**
   * Weighted Dice overlap: twice the weight the two sides share over the weight of both, typos counted at their
   * similarity; `complete` when every word on each side found its partner.
   */
  private overlap(
    query: readonly QueryToken[],
    labelTokens: readonly string[],
  ): { score: number; complete: boolean } {
    const unused = new Set(labelTokens);
    let shared = 0;
    let matched = 0;
    for (const { options } of query) {
      let bestOption: { token: string; similarity: number } | null = null;
      for (const option of options) {
        if (unused.has(option.token) && (!bestOption || option.similarity > bestOption.similarity)) {
          bestOption = option;
        }
      }
      if (!bestOption) continue;
      unused.delete(bestOption.token);
      matched += 1;
      shared += this.weightOf(bestOption.token) * bestOption.similarity;
    }
    const queryWeight = query.reduce((sum, token) => sum + token.weight, 0);
    const labelWeight = labelTokens.reduce((sum, token) => sum + this.weightOf(token), 0);
    return {
      score: (2 * shared) / (queryWeight + labelWeight),
      complete: matched === query.length && unused.size === 0,
    };
  }

  private weightOf(token: string): number {
    return this.weights.get(token) ?? this.unknownWeight;
  }

  private answer(label: string, matched: number, match: MatchKind, confidence: number): SkillMatch {
    const entry = this.entries[this.labels[matched]!.entry]!;
    return {
      label,
      skillId: entry.id,
      skillName: entry.name,
      confidence: Math.round(confidence * 1000) / 1000,
      match,
    };
  }
}

const unmatched = (label: string): SkillMatch => ({
  label,
  skillId: null,
  skillName: null,
  confidence: 0,
  match: 'NONE',
});

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Words that make a label name a class of tools (O*NET technology classes), compared as folded words. */
const TOOL_WORDS = ['software', 'system', 'platform'];

/**
 * Whether a fuzzy match may pair these words at all. Numbers and short words (acronyms, codes) must appear on
 * both sides exactly: "ICD-10-CM" never meets "ICD-10-PCS", "TIG Welding" never meets "MIG Welding", "ISO 9001"
 * never meets "ISO 14001".
 */
function compatible(query: readonly string[], label: readonly string[]): boolean {
  // A product class is a tool, not the skill of the same name: "Statistical Analysis" is not "Statistical
  // analysis software", nor "Inventory Management" "Inventory management systems".
  for (const word of TOOL_WORDS) if (query.includes(word) !== label.includes(word)) return false;
  const strict = (token: string) => isNumeric(token) || isShort(token);
  const queryStrict = query.filter(strict);
  const labelStrict = label.filter(strict);
  return (
    queryStrict.every((token) => label.includes(token)) && labelStrict.every((token) => query.includes(token))
  );
}

/** Edits a word of this length may hold and still count as a typo. */
const allowedEdits = (length: number) => (length >= 15 ? 2 : length >= 5 ? 1 : 0);

function indexByTrigram(index: Map<number, Map<string, string[]>>, word: string): void {
  if (allowedEdits(word.length) === 0) return;
  let byTrigram = index.get(word.length);
  if (!byTrigram) {
    byTrigram = new Map();
    index.set(word.length, byTrigram);
  }
  for (const trigram of new Set(trigrams(word))) push(byTrigram, trigram, word);
}

/** Indexed words within the allowed edits of `word` (never `word` itself), with their distance. */
function near(
  index: Map<number, Map<string, string[]>>,
  word: string,
  maxEdits = Number.POSITIVE_INFINITY,
): Array<[string, number]> {
  const limit = Math.min(allowedEdits(word.length), maxEdits);
  if (limit === 0) return [];
  const own = [...new Set(trigrams(word))];
  const found: Array<[string, number]> = [];
  for (let length = word.length - limit; length <= word.length + limit; length += 1) {
    const byTrigram = index.get(length);
    if (!byTrigram) continue;
    // Each edit (a transposition included) spoils at most four trigrams, so a word within `limit` edits shares the rest.
    const needed = Math.max(1, own.length - 4 * limit);
    const shared = new Map<string, number>();
    for (const trigram of own) {
      for (const other of byTrigram.get(trigram) ?? []) shared.set(other, (shared.get(other) ?? 0) + 1);
    }
    for (const [other, count] of shared) {
      if (count < needed || other === word) continue;
      const distance = editDistance(word, other, limit);
      if (distance <= limit) found.push([other, distance]);
    }
  }
  return found;
}
