import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor } from '../kit/index.js';
import { BASE_CURRENCY } from './currency.js';
import { type IndexedCredential, skillFilterKey } from './skills.js';
import type {
  CatalogStore,
  MatchSpec,
  NormalizedFilter,
  SortDirection,
  SortField,
  SortKeys,
} from './store.js';
import { highlightText, parseTextQuery, snippetText, type TextQuery, textQueryKey } from './text.js';

export type { SortDirection, SortField };

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

export interface SearchArgs {
  query?: string | null;
  filter?: CredentialFilter | null;
  sort?: { field: SortField; direction?: SortDirection | null } | null;
  first?: number | null;
  after?: string | null;
}

export interface CredentialHighlights {
  name: string;
  description: string | null;
}

export interface CredentialEdge {
  cursor: string;
  node: IndexedCredential;
  highlights: CredentialHighlights | null;
}

/** What a search resolves to; totalCount and facets are computed only when asked for. */
export interface SearchResult {
  /** The matching set, for facets and counts. */
  matches: MatchingSet;
  totalCount: () => Promise<number>;
  edges: CredentialEdge[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** A search's matches before paging: what facets count. */
export interface MatchingSet {
  store: CatalogStore;
  match: MatchSpec;
  /** The currency of cost buckets: the filter's, else the base currency. */
  currency: string;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

interface CursorState {
  /** The sort and text the cursor belongs to. */
  s: string;
  /** The sort keys of the row it points after. */
  k: SortKeys;
}

const isCursorState = (value: unknown): value is CursorState =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CursorState).s === 'string' &&
  Array.isArray((value as CursorState).k) &&
  (value as CursorState).k.every((key) => typeof key === 'number' || typeof key === 'string');

/** Whether cursor keys have the types of the sort's keys (see searchSql.sortKeys): a relevance tier, then text or a number, then the id. */
function cursorKeysFit(keys: SortKeys, field: SortField, hasText: boolean): boolean {
  const value = field === 'COST' || field === 'DURATION' ? 'number' : 'string';
  const expected = field === 'RELEVANCE' && hasText ? ['number', 'string', 'string'] : [value, 'string'];
  if (keys.length !== expected.length || keys.some((key, index) => typeof key !== expected[index]))
    return false;
  if (field === 'RELEVANCE' && hasText) {
    const tier = keys[0] as number;
    return Number.isInteger(tier) && tier >= 0 && tier <= 7;
  }
  return true;
}

export const badInput = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

const list = (values: readonly string[] | null | undefined) => [...new Set(values ?? [])];

/** The filter as the store applies it: validated, defaulted, with skills and languages in their index form. */
export function normalizeFilter(filter: CredentialFilter | null | undefined): NormalizedFilter {
  if (filter?.maxDurationHours != null && filter.maxDurationHours < 0) {
    throw badInput('filter.maxDurationHours must not be negative');
  }
  if (filter?.maxCost != null && filter.maxCost < 0) throw badInput('filter.maxCost must not be negative');
  if (filter?.updatedSince && Number.isNaN(Date.parse(filter.updatedSince))) {
    throw badInput('filter.updatedSince must be a date-time');
  }
  return {
    skills: list(filter?.skills?.map(skillFilterKey)),
    sectors: list(filter?.sectors),
    credentialTypes: list(filter?.credentialTypes),
    levels: list(filter?.levels),
    issuers: list(filter?.issuers),
    providers: list(filter?.providers),
    deliveryModes: list(filter?.deliveryModes),
    languages: list(filter?.languages?.map((language) => language.toLowerCase())),
    maxDurationHours: filter?.maxDurationHours ?? null,
    maxCost:
      filter?.maxCost != null ? { amount: filter.maxCost, currency: filter.currency ?? BASE_CURRENCY } : null,
    updatedSince: filter?.updatedSince ? new Date(filter.updatedSince).toISOString() : null,
  };
}

function highlightsOf(record: IndexedCredential, text: TextQuery | null): CredentialHighlights | null {
  if (!text) return null;
  return {
    name: highlightText(record.name, text),
    description: record.description ? snippetText(record.description, text) : null,
  };
}

/**
 * Searches the index: free text, filters, a sort and keyset pagination. A cursor holds the sort keys of the row
 * it follows (see `sortKeys` in searchSql), so the next page starts exactly after it whatever the index did in
 * between; see the catalog README for what that guarantees while a harvest rewrites the index.
 */
export async function searchCredentials(store: CatalogStore, args: SearchArgs): Promise<SearchResult> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
  }
  const text = parseTextQuery(args.query);
  const field = args.sort?.field ?? 'RELEVANCE';
  const direction = args.sort?.direction ?? 'ASC';
  const sortKey = `${field}:${direction}:${textQueryKey(text)}`;
  const match: MatchSpec = { text, filter: normalizeFilter(args.filter) };
  let after: SortKeys | null = null;
  if (args.after) {
    const cursor = decodeCursor(args.after, isCursorState);
    if (!cursor) throw badInput('after is not a cursor from this connection');
    if (cursor.s !== sortKey) {
      throw badInput('after is a cursor from a different query or sort; start again without it');
    }
    if (!cursorKeysFit(cursor.k, field, text !== null)) {
      throw badInput('after is not a cursor from this connection');
    }
    after = cursor.k;
  }

  const rows = await store.searchPage({ match, sort: { field, direction }, after, limit: first + 1 });
  const page = rows.slice(0, first);
  const records = await store.credentialsById(page.map((row) => row.id));
  const edges: CredentialEdge[] = [];
  page.forEach((row, index) => {
    const node = records[index];
    // A credential removed between the two reads is left out rather than answered half.
    if (node) {
      edges.push({
        cursor: encodeCursor({ s: sortKey, k: row.keys } satisfies CursorState),
        node,
        highlights: highlightsOf(node, text),
      });
    }
  });
  let totalCount: Promise<number> | null = null;
  return {
    matches: { store, match, currency: args.filter?.currency ?? BASE_CURRENCY },
    totalCount: () => {
      totalCount ??= store.countMatches(match);
      return totalCount;
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
