import { decodeCursor, encodeCursor } from '../kit/index.js';
import { badInput, MAX_PAGE_SIZE } from './search.js';
import type { CatalogStore } from './store.js';

interface IssuerCursor {
  n: string;
  id: string;
}
const isIssuerCursor = (value: unknown): value is IssuerCursor =>
  typeof (value as IssuerCursor)?.n === 'string' && typeof (value as IssuerCursor)?.id === 'string';

export interface IssuerSearchArgs {
  query?: string | null;
  providers?: string[] | null;
  first?: number | null;
  after?: string | null;
}

/** Issuers in name order, filtered by a name fragment and providers, with keyset cursors. */
export async function searchIssuers(store: CatalogStore, args: IssuerSearchArgs) {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
  }
  let after: { nameKey: string; id: string } | null = null;
  if (args.after) {
    const cursor = decodeCursor(args.after, isIssuerCursor);
    if (!cursor) throw badInput('after is not a cursor from this connection');
    after = { nameKey: cursor.n, id: cursor.id };
  }
  const where = { nameContains: args.query ?? null, providers: args.providers ?? [] };
  const [totalCount, rows] = await Promise.all([
    store.countIssuers(where),
    store.issuerPage({ ...where, after, limit: first + 1 }),
  ]);
  const edges = rows.slice(0, first).map(({ nameKey, ...row }) => ({
    cursor: encodeCursor({ n: nameKey, id: row.id } satisfies IssuerCursor),
    node: row,
  }));
  return {
    totalCount,
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
