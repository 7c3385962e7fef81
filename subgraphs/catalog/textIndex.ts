import type { IndexedCredential } from './skills.js';
import type { SqlQueryable, SqlValue } from './sqlDatabase.js';
import { type TextQuery, termsOf } from './text.js';

/** The fields text search looks in, most telling first; relevance weighs a match in each (see searchSql). */
export const TEXT_FIELDS = ['name', 'skills', 'issuer', 'description'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** A credential's index terms per field, space-separated: what both backends index, identically. */
export function indexedTerms(record: IndexedCredential): Record<TextField, string> {
  const skillText = record.skills.flatMap((skill) => [skill.label, skill.canonical?.name ?? '']).join(' ');
  return {
    name: termsOf(record.name).join(' '),
    skills: termsOf(skillText).join(' '),
    issuer: termsOf(record.issuer.name).join(' '),
    description: termsOf(record.description).join(' '),
  };
}

/** The fields relevance weighs (see searchSql.sortKeys), most telling first. */
export const RELEVANCE_FIELDS = ['name', 'skills', 'issuer'] as const;

/**
 * The terms of the fields relevance weighs, one line per field: stored with each credential so that the memory
 * index can tell which fields hold every word of a query without asking the full-text index three more times.
 */
export const relevanceTermsText = (terms: Record<TextField, string>): string =>
  RELEVANCE_FIELDS.map((field) => terms[field]).join('\n');

/** A text condition on the credential row `c`, as SQL with its parameters. */
export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}

/** How a backend indexes and matches text; everything else about search is shared. */
export interface TextIndexDialect {
  /** Matches credentials with every query word in some field, or, given `field`, all of them in that field. */
  match(query: TextQuery, field?: TextField): SqlFragment;
  /** The `doc` of every credential that matches. */
  docs(reads: SqlQueryable, query: TextQuery): Promise<number[]>;
}

const ftsQuote = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * An FTS5 query: exact terms, and the last word as a prefix or one of its alternatives — or, given the terms its
 * prefix begins, as one of those.
 */
export function ftsExpression(query: TextQuery, prefixTerms?: readonly string[]): string {
  const lastOptions = query.last.exactOnly
    ? [ftsQuote(query.last.prefix)]
    : prefixTerms
      ? [...new Set([...prefixTerms, ...query.last.alternatives])].map(ftsQuote)
      : [`${ftsQuote(query.last.prefix)}*`, ...query.last.alternatives.map(ftsQuote)];
  const last = lastOptions.length > 1 ? `(${lastOptions.join(' OR ')})` : lastOptions[0]!;
  return [...query.exact.map(ftsQuote), last].join(' AND ');
}

/** Above this many terms, a prefix is left to FTS5 (a one-letter prefix may begin thousands). */
const MAX_PREFIX_TERMS = 64;

export const sqliteTextIndex: TextIndexDialect = {
  match(query, field) {
    const expression = ftsExpression(query);
    return {
      sql: 'c.doc IN (SELECT rowid FROM credentials_fts WHERE credentials_fts MATCH ?)',
      params: [field ? `{${field}} : (${expression})` : expression],
    };
  },
  async docs(reads, query) {
    let prefixTerms: string[] | undefined;
    if (!query.last.exactOnly) {
      // The terms the prefix begins, from index_terms: an FTS5 prefix query merges their lists itself, at several
      // times the cost of asking for them by name. Every term ever indexed is there, so none is missed.
      const { prefix } = query.last;
      const terms = await reads.all<{ term: string }>(
        'SELECT term FROM index_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
        [prefix, `${prefix}\u{10FFFF}`, MAX_PREFIX_TERMS + 1],
      );
      if (terms.length <= MAX_PREFIX_TERMS) prefixTerms = terms.map((row) => row.term);
      if (prefixTerms?.length === 0 && query.last.alternatives.length === 0) return [];
    }
    return reads.numbers('SELECT rowid AS doc FROM credentials_fts WHERE credentials_fts MATCH ?', [
      ftsExpression(query, prefixTerms),
    ]);
  },
};

/** tsvector weights per field: A for the name, B skills, C issuer, D description. */
export const POSTGRES_WEIGHTS: Record<TextField, 'A' | 'B' | 'C' | 'D'> = {
  name: 'A',
  skills: 'B',
  issuer: 'C',
  description: 'D',
};

const tsLexeme = (term: string, prefix: boolean, weight: string) =>
  `'${term.replace(/'/g, "''").replace(/\\/g, '\\\\')}'${prefix ? ':*' : weight ? ':' : ''}${weight}`;

/** A tsquery over the same terms as `ftsExpression`, restricted to one field's weight when given. */
export function tsQueryText(query: TextQuery, field?: TextField): string {
  const weight = field ? POSTGRES_WEIGHTS[field] : '';
  const lastOptions = query.last.exactOnly
    ? [tsLexeme(query.last.prefix, false, weight)]
    : [
        tsLexeme(query.last.prefix, true, weight),
        ...query.last.alternatives.map((term) => tsLexeme(term, false, weight)),
      ];
  const last = lastOptions.length > 1 ? `(${lastOptions.join(' | ')})` : lastOptions[0]!;
  return [...query.exact.map((term) => tsLexeme(term, false, weight)), last].join(' & ');
}

/** Enough for an exact bitmap of every row of a million-credential table (a lossy one rechecks tsvectors). */
const TEXT_MATCH_WORK_MEM = '64MB';

export const postgresTextIndex: TextIndexDialect = {
  match(query, field) {
    return { sql: 'c.search_vector @@ CAST(? AS tsquery)', params: [tsQueryText(query, field)] };
  },
  async docs(reads, query) {
    // From `credential_words`, each credential's words without positions or weights: under half the pages of
    // `credentials`. For a common word (a fifth of the catalog, say) the planner prefers reading every row and
    // testing its tsvector; the GIN index's bitmap, kept exact by a larger work_mem, reads only the matching rows'
    // pages and tests nothing. Scoped to this statement: the snapshot's other reads (loading the memory index,
    // say) keep the planner's defaults.
    // (A failed statement ends the snapshot's transaction, and the settings with it.)
    await reads.exec(`SET LOCAL enable_seqscan = off; SET LOCAL work_mem = '${TEXT_MATCH_WORK_MEM}'`);
    const docs = await reads.numbers(
      'SELECT w.doc AS doc FROM credential_words w WHERE w.words @@ CAST(? AS tsquery)',
      [tsQueryText(query)],
    );
    await reads.exec('SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL work_mem TO DEFAULT');
    return docs;
  },
};

/** The SQL expression that builds a credential's tsvector from its four term strings (four parameters). */
export const POSTGRES_VECTOR_SQL = TEXT_FIELDS.map(
  (field) => `setweight(to_tsvector('simple', ?), '${POSTGRES_WEIGHTS[field]}')`,
).join(' || ');
