import pg from 'pg';
import { Mutex, type SqlDatabase, type SqlQueryable, type SqlValue } from './sqlDatabase.js';

/** `?` placeholders to PostgreSQL's `$1, $2, …` (the catalog's SQL has no `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

const INT8 = 20;
const NUMERIC = 1700;
/** Counts and sums come back as int8 or numeric, which node-postgres leaves as strings; they fit in a double. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => (value === null ? null : Number(value));
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

const sqlCache = new Map<string, string>();
const numbered = (sql: string) => {
  let text = sqlCache.get(sql);
  if (text === undefined) {
    text = numberPlaceholders(sql);
    if (sqlCache.size > 2000) sqlCache.clear();
    sqlCache.set(sql, text);
  }
  return text;
};

function queryable(client: pg.Pool | pg.PoolClient): SqlQueryable {
  const query = async <T>(sql: string, params: readonly SqlValue[] = []) =>
    (await client.query({ text: numbered(sql), values: params as unknown[] })) as pg.QueryResult & {
      rows: T[];
    };
  return {
    all: async <T>(sql: string, params?: readonly SqlValue[]) => (await query<T>(sql, params)).rows,
    get: async <T>(sql: string, params?: readonly SqlValue[]) => (await query<T>(sql, params)).rows[0],
    run: async (sql: string, params?: readonly SqlValue[]) => ({
      changes: (await query(sql, params)).rowCount ?? 0,
    }),
    exec: async (sql: string) => {
      await client.query(sql);
    },
    numbers: async (sql: string, params: readonly SqlValue[] = []) => {
      const result = await client.query<unknown[]>({
        text: numbered(sql),
        values: params as unknown[],
        rowMode: 'array',
      });
      return result.rows.map((row) => Number(row[0]));
    },
  };
}

/** The name of a PostgreSQL schema, checked so that it can be written into SQL. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(
      `the catalog schema name must be lower-case letters, digits and _; got ${JSON.stringify(schema)}`,
    );
  }
  return schema;
}

/**
 * PostgreSQL through node-postgres: a pool of connections that all work in the catalog's own schema. Writes
 * from this process queue behind each other; other replicas' writes are ordered by PostgreSQL's row locks.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly writes = new Mutex();
  private readonly snapshots = new Mutex();
  private readonly queries: SqlQueryable;

  constructor(
    connectionString: string,
    readonly schema: string,
    poolSize = 8,
  ) {
    checkSchemaName(schema);
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      types,
      options: `-c search_path=${schema}`,
      application_name: 'credgraph-catalog',
    });
    // An idle client's error (the server restarting, say) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
    this.queries = queryable(this.pool);
  }

  /** Creates the schema if it is missing; every connection then resolves unqualified names in it. */
  async ensureSchema(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.queries.all<T>(sql, params);
  }
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.queries.get<T>(sql, params);
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.queries.run(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.queries.exec(sql);
  }

  numbers(sql: string, params?: readonly SqlValue[]): Promise<number[]> {
    return this.queries.numbers(sql, params);
  }

  snapshot<T>(work: (reads: SqlQueryable) => Promise<T>): Promise<T> {
    return this.snapshots.run(() =>
      this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work),
    );
  }

  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.writes.run(() => this.inTransaction('BEGIN', work));
  }

  /** Runs `work` on one pooled connection between `begin` and COMMIT, rolling back if it throws. */
  private async inTransaction<T>(begin: string, work: (queries: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(queryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.writes.run(() => this.pool.end());
  }
}
