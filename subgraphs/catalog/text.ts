import { porterStem } from './porter.js';

/**
 * Text analysis for the index, done here rather than by either database so that both backends index the same
 * terms, match the same credentials and highlight the same words. Words are runs of letters and digits; a word is
 * folded (compatibility-decomposed, marks removed, lower case) and then Porter-stemmed.
 */

const WORD = /[\p{L}\p{N}]+/gu;
/** A typed last word matches index terms it begins, and stems it is at most this many letters longer than. */
const PREFIX_STEM_SLACK = 3;
const MIN_PREFIX_STEM = 4;
/** A last word shorter than this matches exactly: a one- or two-letter prefix would match most of the index. */
const MIN_PREFIX = 3;
/** Words too common to narrow a search; dropped from queries (not from the index) when other words remain. */
const STOP_WORDS = new Set(['a', 'an', 'and', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

/** The index term for one word. */
export function termOf(word: string): string {
  const folded = foldWord(word);
  let term = stemCache.get(folded);
  if (term === undefined) {
    term = porterStem(folded);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(folded, term);
  }
  return term;
}

/** The index terms of a text, in order (duplicates kept). */
export function termsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return (text.match(WORD) ?? []).map(termOf);
}

/**
 * A free-text query: every word must match. Words before the last match their term exactly; the last is what the
 * user may still be typing, so it matches any term it begins and, since stems are cut short ("nursi" is on its
 * way to "nursing", indexed as "nurs"), any of its own leading parts that is a term.
 */
export interface TextQuery {
  /** Terms that must each occur, exactly. */
  exact: string[];
  /**
   * The last word: it matches a term starting with `prefix` or equal to one of `alternatives`; a very short one
   * (`exactOnly`) matches only the term `prefix` itself.
   */
  last: { prefix: string; alternatives: string[]; exactOnly: boolean };
}

export function parseTextQuery(text: string | null | undefined): TextQuery | null {
  const all = ((text ?? '').match(WORD) ?? []).map(foldWord);
  const meaningful = all.filter((word) => !STOP_WORDS.has(word));
  const words = meaningful.length > 0 ? meaningful : all;
  if (words.length === 0) return null;
  const lastWord = words.at(-1)!;
  const lastTerm = termOf(lastWord);
  if (lastWord.length < MIN_PREFIX) {
    return {
      exact: [...new Set(words.slice(0, -1).map(termOf))],
      last: { prefix: lastTerm, alternatives: [], exactOnly: true },
    };
  }
  const prefix = lastTerm.length < lastWord.length ? lastTerm : lastWord;
  const alternatives = new Set<string>();
  for (
    let length = Math.max(MIN_PREFIX_STEM, lastWord.length - PREFIX_STEM_SLACK);
    length < lastWord.length;
    length++
  ) {
    const part = lastWord.slice(0, length);
    if (!part.startsWith(prefix)) alternatives.add(part);
  }
  if (lastTerm !== prefix && !lastTerm.startsWith(prefix)) alternatives.add(lastTerm);
  return {
    exact: [...new Set(words.slice(0, -1).map(termOf))],
    last: { prefix, alternatives: [...alternatives].sort(), exactOnly: false },
  };
}

/** Whether an index term satisfies one of the query's words (used to highlight). */
export function termMatchesQuery(term: string, query: TextQuery): boolean {
  return (
    query.exact.includes(term) ||
    (query.last.exactOnly ? term === query.last.prefix : term.startsWith(query.last.prefix)) ||
    query.last.alternatives.includes(term)
  );
}

/** A stable text form of a query, for cursors: a cursor only continues the query it came from. */
export const textQueryKey = (query: TextQuery | null): string =>
  query
    ? `${query.exact.join(' ')}|${query.last.prefix}${query.last.exactOnly ? '' : '*'}|${query.last.alternatives.join(' ')}`
    : '';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

interface WordSpan {
  start: number;
  end: number;
  matches: boolean;
}

function wordSpans(text: string, query: TextQuery): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    const start = match.index ?? 0;
    spans.push({ start, end: start + match[0].length, matches: termMatchesQuery(termOf(match[0]), query) });
  }
  return spans;
}

function markSpans(text: string, spans: WordSpan[], from: number, to: number): string {
  let html = '';
  let at = from;
  for (const span of spans) {
    if (!span.matches || span.start < from || span.end > to) continue;
    html += `${escapeHtml(text.slice(at, span.start))}<mark>${escapeHtml(text.slice(span.start, span.end))}</mark>`;
    at = span.end;
  }
  return html + escapeHtml(text.slice(at, to));
}

/** The whole text, HTML-escaped, with every word that matches the query in `<mark>`. */
export function highlightText(text: string, query: TextQuery): string {
  return markSpans(text, wordSpans(text, query), 0, text.length);
}

/**
 * An excerpt of about `words` words around the first match (the start when nothing matches), HTML-escaped with
 * matches in `<mark>` and an ellipsis where the text was cut.
 */
export function snippetText(text: string, query: TextQuery, words = 24): string {
  const spans = wordSpans(text, query);
  if (spans.length <= words) return highlightText(text, query);
  const first = Math.max(
    0,
    spans.findIndex((span) => span.matches),
  );
  const startIndex = Math.max(0, Math.min(first - Math.floor(words / 4), spans.length - words));
  const endIndex = startIndex + words - 1;
  const from = startIndex === 0 ? 0 : spans[startIndex]!.start;
  const to = endIndex >= spans.length - 1 ? text.length : spans[endIndex]!.end;
  return `${from > 0 ? '…' : ''}${markSpans(text, spans, from, to)}${to < text.length ? '…' : ''}`;
}
