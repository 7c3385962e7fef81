import { GraphQLError } from 'graphql';
import type { CredentialRecord } from '../../schema/index.js';
import { decodeCursor, encodeCursor } from '../kit/index.js';
import { skillFilterKey } from './skills.js';
import type { CatalogStore } from './store.js';

export interface CredentialFilter {
  skills?: string[] | null;
  sectors?: string[] | null;
  credentialTypes?: string[] | null;
  levels?: string[] | null;
  issuers?: string[] | null;
  providers?: string[] | null;
  maxDurationHours?: number | null;
  maxCost?: number | null;
  currency?: string | null;
  deliveryModes?: string[] | null;
  languages?: string[] | null;
  updatedSince?: string | null;
}

export type SortField = 'RELEVANCE' | 'NAME' | 'COST' | 'DURATION' | 'UPDATED_AT';
export type SortDirection = 'ASC' | 'DESC';

export interface SearchArgs {
  query?: string | null;
  filter?: CredentialFilter | null;
  sort?: { field: SortField; direction?: SortDirection | null } | null;
  first?: number | null;
  after?: string | null;
}

export interface SearchResult {
  totalCount: number;
  /** The matching set, for facets computed on demand. */
  matches: MatchingSet;
  edges: Array<{ cursor: string; node: CredentialRecord }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** Cost filters without a currency compare in this one; amounts in other currencies never match. */
export const DEFAULT_CURRENCY = 'USD';

/** The SQL for the set of credentials a search matched, before paging. */
export interface MatchingSet {
  store: CatalogStore;
  from: string;
  where: string;
  params: unknown[];
  currency: string;
}

interface CursorState {
  s: string;
  v: number | string;
  id: string;
}

const isCursorState = (value: unknown): value is CursorState =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CursorState).s === 'string' &&
  typeof (value as CursorState).id === 'string' &&
  ['number', 'string'].includes(typeof (value as CursorState).v);

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Turns free text into an FTS5 query: every word must match, the last as a prefix so that search-as-you-type
 * works. Words are quoted, so user input can never be read as FTS5 syntax.
 */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.map((word, index) => `"${word}"${index === words.length - 1 ? '*' : ''}`).join(' ');
}

/**
 * Keyset pagination: each sort orders by one value then by id, and the cursor holds both, so a page boundary
 * is exact and independent of rows inserted or removed before it. Missing values sort last in both directions.
 */
function sortSpec(field: SortField, direction: SortDirection, hasText: boolean) {
  const desc = direction === 'DESC';
  const missing = desc ? -1e308 : 1e308;
  switch (field) {
    case 'RELEVANCE':
      // Relevance is only meaningful with text; without it the catalog falls back to name order.
      return hasText
        ? { expr: 'bm25(credentials_fts, 10.0, 2.0, 4.0, 3.0)', desc: false }
        : { expr: 'c.name_key', desc: false };
    case 'NAME':
      return { expr: 'c.name_key', desc };
    case 'COST':
      return { expr: `COALESCE(c.cost_amount, ${missing})`, desc };
    case 'DURATION':
      return { expr: `COALESCE(c.estimated_hours, ${missing})`, desc };
    case 'UPDATED_AT':
      return { expr: 'c.updated_at', desc };
  }
}

function filterClauses(filter: CredentialFilter | null | undefined): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly unknown[]) => {
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  const existsIn = (table: string, column: string, values: readonly unknown[]) => {
    where.push(
      `EXISTS (SELECT 1 FROM ${table} t WHERE t.credential_id = c.id AND t.${column} IN (${values.map(() => '?').join(', ')}))`,
    );
    params.push(...values);
  };
  if (!filter) return { where, params };
  if (filter.skills?.length) existsIn('credential_skills', 'skill_key', filter.skills.map(skillFilterKey));
  if (filter.sectors?.length) existsIn('credential_sectors', 'sector', filter.sectors);
  if (filter.languages?.length)
    existsIn(
      'credential_languages',
      'language',
      filter.languages.map((language) => language.toLowerCase()),
    );
  if (filter.credentialTypes?.length) inList('c.credential_type', filter.credentialTypes);
  if (filter.levels?.length) inList('c.level', filter.levels);
  if (filter.issuers?.length) inList('c.issuer_id', filter.issuers);
  if (filter.providers?.length) inList('c.provider', filter.providers);
  if (filter.deliveryModes?.length) inList('c.delivery_mode', filter.deliveryModes);
  if (filter.maxDurationHours != null) {
    if (filter.maxDurationHours < 0) throw badInput('filter.maxDurationHours must not be negative');
    where.push('c.estimated_hours IS NOT NULL AND c.estimated_hours <= ?');
    params.push(filter.maxDurationHours);
  }
  if (filter.maxCost != null) {
    if (filter.maxCost < 0) throw badInput('filter.maxCost must not be negative');
    where.push('c.cost_amount IS NOT NULL AND c.cost_amount <= ? AND c.cost_currency = ?');
    params.push(filter.maxCost, filter.currency ?? DEFAULT_CURRENCY);
  } else if (filter.currency) {
    where.push('c.cost_currency = ?');
    params.push(filter.currency);
  }
  if (filter.updatedSince) {
    where.push('c.updated_at >= ?');
    params.push(new Date(filter.updatedSince).toISOString());
  }
  return { where, params };
}

export function searchCredentials(store: CatalogStore, args: SearchArgs): SearchResult {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
  }
  const text = args.query ? ftsQuery(args.query) : null;
  const field = args.sort?.field ?? 'RELEVANCE';
  const direction = args.sort?.direction ?? 'ASC';
  const sort = sortSpec(field, direction, text !== null);
  const sortKey = `${field}:${direction}:${text ?? ''}`;
  const { where, params } = filterClauses(args.filter);
  const from = text
    ? 'credentials c JOIN credentials_fts ON credentials_fts.rowid = c.rowid AND credentials_fts MATCH ?'
    : 'credentials c';
  const fromParams = text ? [text] : [];
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';

  const totalCount = (
    store.db.prepare(`SELECT count(*) AS n FROM ${from} ${whereSql}`).get(...fromParams, ...params) as {
      n: number;
    }
  ).n;

  const pageWhere = [...where];
  const pageParams = [...params];
  if (args.after) {
    const cursor = decodeCursor(args.after, isCursorState);
    if (!cursor) throw badInput('after is not a cursor from this connection');
    if (cursor.s !== sortKey)
      throw badInput('after is a cursor from a different query or sort; start again without it');
    const op = sort.desc ? '<' : '>';
    pageWhere.push(`(${sort.expr} ${op} ? OR (${sort.expr} = ? AND c.id > ?))`);
    pageParams.push(cursor.v, cursor.v, cursor.id);
  }
  const pageWhereSql = pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : '';
  const rows = store.db
    .prepare(
      `SELECT c.id, c.record, ${sort.expr} AS sort_value FROM ${from} ${pageWhereSql}
       ORDER BY sort_value ${sort.desc ? 'DESC' : 'ASC'}, c.id ASC LIMIT ?`,
    )
    .all(...fromParams, ...pageParams, first + 1) as Array<{
    id: string;
    record: string;
    sort_value: number | string;
  }>;

  const page = rows.slice(0, first);
  const edges = page.map((row) => ({
    cursor: encodeCursor({ s: sortKey, v: row.sort_value, id: row.id } satisfies CursorState),
    node: JSON.parse(row.record) as CredentialRecord,
  }));
  return {
    totalCount,
    matches: {
      store,
      from,
      where: whereSql,
      params: [...fromParams, ...params],
      currency: args.filter?.currency ?? DEFAULT_CURRENCY,
    },
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
