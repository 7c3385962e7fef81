/**
 * The little the catalog needs from a SQL database, asynchronously, so that one store serves both SQLite
 * (synchronous underneath) and PostgreSQL. Statements are written with `?` placeholders; the PostgreSQL
 * driver numbers them.
 */
export type SqlValue = string | number | null | readonly string[];

export interface SqlQueryable {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs several statements separated by semicolons (no parameters): DDL. */
  exec(sql: string): Promise<void>;
  /** The first column of every row as numbers (docs, say): large answers without an object per row. */
  numbers(sql: string, params?: readonly SqlValue[]): Promise<number[]>;
}

export interface SqlDatabase extends SqlQueryable {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction; writes are serialised. Readers never see a transaction's writes before it
   * commits (SQLite readers use their own connection; PostgreSQL is MVCC).
   */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work`'s reads against one snapshot of the database: every statement sees the same committed state,
   * whatever commits meanwhile. Snapshots are taken one at a time.
   */
  snapshot<T>(work: (reads: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A promise chain that runs one task at a time, in order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => {});
    return result;
  }
}
