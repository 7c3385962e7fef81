import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { CatalogConfig } from '../../subgraphs/catalog/config.js';

/**
 * The index backends every catalog search test runs against. PostgreSQL is the one on this machine (see
 * `.ci/run`), or `CATALOG_TEST_DATABASE_URL`; each suite gets a schema of its own, dropped afterwards, so that
 * parallel runs never meet.
 */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export const TEST_DATABASE_URL =
  process.env.CATALOG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BackendLocation {
  config: Pick<CatalogConfig, 'databasePath' | 'databaseUrl' | 'databaseSchema'>;
  /** Drops what the suite created. */
  dispose(): Promise<void>;
}

export function backendLocation(backend: Backend): BackendLocation {
  if (backend === 'sqlite') return { config: { databasePath: ':memory:' }, dispose: async () => {} };
  const schema = `catalog_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    config: { databasePath: ':memory:', databaseUrl: TEST_DATABASE_URL, databaseSchema: schema },
    async dispose() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Row counts of tables in a PostgreSQL location's schema, for checks of what the index keeps. */
export async function postgresCounts(
  location: BackendLocation,
  tables: readonly string[],
): Promise<number[]> {
  const { databaseUrl, databaseSchema } = location.config;
  if (!databaseUrl || !databaseSchema) throw new Error('not a PostgreSQL location');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const counts: number[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${databaseSchema}.${table}`,
      );
      counts.push(Number(rows[0]!.n));
    }
    return counts;
  } finally {
    await client.end();
  }
}
