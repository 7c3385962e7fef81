import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor } from '../kit/index.js';
import { MAX_PAGE_SIZE } from './search.js';
import type { CatalogStore, IssuerRow } from './store.js';

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
export function searchIssuers(store: CatalogStore, args: IssuerSearchArgs) {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be a whole number from 0 to ${MAX_PAGE_SIZE}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const where: string[] = [];
  const params: unknown[] = [];
  if (args.query?.trim()) {
    where.push("name_key LIKE ? ESCAPE '\\'");
    params.push(
      `%${args.query
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (char) => `\\${char}`)}%`,
    );
  }
  if (args.providers?.length) {
    where.push(`provider IN (${args.providers.map(() => '?').join(', ')})`);
    params.push(...args.providers);
  }
  const totalCount = (
    store.db
      .prepare(`SELECT count(*) AS n FROM issuers ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`)
      .get(...params) as { n: number }
  ).n;
  if (args.after) {
    const cursor = decodeCursor(args.after, isIssuerCursor);
    if (!cursor)
      throw new GraphQLError('after is not a cursor from this connection', {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    where.push('(name_key > ? OR (name_key = ? AND id > ?))');
    params.push(cursor.n, cursor.n, cursor.id);
  }
  const rows = store.db
    .prepare(
      `SELECT id, provider, name, name_key, url, verified FROM issuers ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY name_key, id LIMIT ?`,
    )
    .all(...params, first + 1) as Array<
    Omit<IssuerRow, 'verified'> & { verified: number | null; name_key: string }
  >;
  const edges = rows.slice(0, first).map(({ name_key, verified, ...row }) => ({
    cursor: encodeCursor({ n: name_key, id: row.id } satisfies IssuerCursor),
    node: { ...row, verified: verified === null ? null : verified === 1 },
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
