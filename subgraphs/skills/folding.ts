/**
 * Label folding: the text transformations under which two skill labels count as the same words. Pure functions,
 * shared by the normaliser's index and its queries so that both sides fold alike.
 */

/** Words that carry no meaning in a skill label ("Anatomy and Physiology" = "Anatomy & Physiology"). */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'at',
  'by',
  'for',
  'in',
  'of',
  'on',
  'or',
  'the',
  'to',
  'via',
  'with',
]);

/** British spellings that a suffix rule cannot reach, mapped to the American form. */
const SPELLINGS = new Map<string, string>(
  Object.entries({
    practise: 'practice',
    practised: 'practiced',
    practising: 'practicing',
    programme: 'program',
    licence: 'license',
    defence: 'defense',
    offence: 'offense',
    grey: 'gray',
    aluminium: 'aluminum',
    sulphur: 'sulfur',
    tyre: 'tire',
    mould: 'mold',
    ageing: 'aging',
    cheque: 'check',
    judgement: 'judgment',
    enquiry: 'inquiry',
    storey: 'story',
    plough: 'plow',
    manoeuvre: 'maneuver',
  }),
);

/** Ordered suffix rewrites from British to American spelling; the first that applies wins. */
const SUFFIX_RULES: ReadonlyArray<readonly [RegExp, string, number]> = [
  [/isation$/, 'ization', 0],
  [/ising$/, 'izing', 6],
  [/ised$/, 'ized', 6],
  [/ise$/, 'ize', 6],
  [/ysing$/, 'yzing', 0],
  [/ysed$/, 'yzed', 0],
  [/yse$/, 'yze', 0],
  [/ll(ing|ed|er)$/, 'l$1', 6],
  [/our$/, 'or', 6],
  [/tre$/, 'ter', 5],
  [/ogue$/, 'og', 6],
];

/** Greek-derived medical spellings ("paediatric", "haematology", "oesophagus", "anaesthesia"). */
const INFIX_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/paed/g, 'ped'],
  [/aem/g, 'em'],
  [/anaes/g, 'anes'],
  [/^oe(soph|dem|strog)/, 'e$1'],
  [/foet/g, 'fet'],
  [/gynaec/g, 'gynec'],
  [/hoea$/, 'hea'],
];

/** Folds a plural to its singular, so that "Firewalls" meets "Firewall" and "Technologies" meets "Technology". */
export function singular(token: string): string {
  if (token.length <= 3 || /[^a-z]/.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(token)) return token.slice(0, -2);
  if (/(ss|us|is|ous)$/.test(token)) return token;
  if (token.endsWith('s')) return token.slice(0, -1);
  return token;
}

/** Rewrites British spellings to American ones, so that either spelling of a label meets the other. */
export function americanSpelling(token: string): string {
  if (/[^a-z]/.test(token)) return token;
  const known = SPELLINGS.get(token);
  if (known) return known;
  let result = token;
  for (const [pattern, replacement] of INFIX_RULES) result = result.replace(pattern, replacement);
  for (const [pattern, replacement, minLength] of SUFFIX_RULES) {
    if (result.length >= minLength && pattern.test(result)) return result.replace(pattern, replacement);
  }
  return result;
}

/**
 * The words of a label as the normaliser compares them: diacritics and case folded, `&` read as "and",
 * apostrophes dropped, split on anything but letters, digits and a trailing `+`/`#` (C++, C#), stop words
 * removed, each word in American spelling and singular.
 */
export function foldTokens(text: string): string[] {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019`]/g, '');
  const words = plain.match(/[a-z0-9]+[+#]*/g) ?? [];
  return words
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => singular(SPELLINGS.get(word) ?? word))
    .map(americanSpelling);
}

/** The folded label as one string of words, the key of exact matching. */
export function foldedKey(text: string): string {
  return foldTokens(text).join(' ');
}

/** The folded label with its words run together, so that "Cyber Security" meets "Cybersecurity". */
export function compactKey(tokens: readonly string[]): string {
  return tokens.join('');
}

/**
 * The label's letters and digits run together before any word folding ("NodeJS" → "nodejs"), so that a name
 * whose last letter only looks like a plural still meets its spaced form ("Node.js").
 */
export function compactText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9+#]/g, '');
}

/**
 * Splits parenthetical and bracketed qualifiers off a label: "Python (Programming Language)" → base "Python",
 * qualifiers ["Programming Language"]. A label that is only a qualifier keeps it as its base.
 */
export function splitQualifiers(label: string): { base: string; qualifiers: string[] } {
  const qualifiers: string[] = [];
  const base = label
    .replace(/\(([^()]*)\)|\[([^[\]]*)\]/g, (_, round?: string, square?: string) => {
      const inner = (round ?? square ?? '').trim();
      if (inner) qualifiers.push(inner);
      return ' ';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return base ? { base, qualifiers } : { base: label.trim(), qualifiers: [] };
}

/** Leading words that say how deep a course goes, not which skill it is ("Introduction to", "Advanced"). */
const LEADING_FILLER = new Set([
  'introduction',
  'intro',
  'fundamental',
  'principle',
  'basic',
  'foundation',
  'advanced',
  'applied',
  'essential',
  'practical',
  'beginner',
  'intermediate',
  'core',
]);

/** Trailing words that name the kind of learning, not the skill ("Welding Techniques", "Python Basics"). */
const TRAILING_FILLER = new Set([
  'skill',
  'fundamental',
  'basic',
  'essential',
  'foundation',
  'principle',
  'concept',
  'technique',
  'practice',
  'method',
  'methodology',
  'training',
  'certification',
  'certificate',
  'course',
  'overview',
  'programming',
  'language',
]);

/**
 * The folded words with depth and course-kind filler removed from both ends ("Cybersecurity Fundamentals" →
 * cybersecurity), or null when there is none to remove or nothing would be left.
 */
export function withoutFiller(tokens: readonly string[]): string[] | null {
  let start = 0;
  let end = tokens.length;
  while (start < end - 1 && LEADING_FILLER.has(tokens[start]!)) start += 1;
  while (end - 1 > start && TRAILING_FILLER.has(tokens[end - 1]!)) end -= 1;
  return start === 0 && end === tokens.length ? null : tokens.slice(start, end);
}

/** Whether a folded word is a number or holds digits ("10", "27001", "ec2"); such words must match exactly. */
export const isNumeric = (token: string) => /\d/.test(token);

/** Whether a folded word is short enough to be an acronym or code ("aws", "tig", "r"); such words must match exactly. */
export const isShort = (token: string) => token.length <= 3;

/** A readable, stable slug of a label for ids: "C++" → "c-plus-plus", "Microsoft Excel" → "microsoft-excel". */
export function slugOf(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\+/g, '-plus')
    .replace(/#/g, '-sharp')
    .replace(/&/g, '-and-')
    .replace(/['\u2019]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Damerau–Levenshtein distance (optimal string alignment) between two strings, or `limit + 1` as soon as it
 * must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a === b) return 0;
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, twoBack[j - 2]! + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    twoBack = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** Character trigrams of a word, padded so that its first and last letters count. */
export function trigrams(word: string): string[] {
  const padded = ` ${word} `;
  const result: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i += 1) result.push(padded.slice(i, i + 3));
  return result;
}
