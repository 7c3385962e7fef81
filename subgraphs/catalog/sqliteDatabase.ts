import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Mutex, type SqlDatabase, type SqlQueryable, type SqlValue } from './sqlDatabase.js';

type Connection = Database.Database;

function openConnection(path: string, readonly: boolean): Connection {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // Checkpoint in larger steps: a harvest writes much at once, and each checkpoint stalls a commit.
    db.pragma('wal_autocheckpoint = 16384');
  }
  db.pragma('synchronous = NORMAL');
  // Up to 1 GiB of page cache per connection: the index of a million credentials is a few GiB.
  db.pragma('cache_size = -1048576');
  db.pragma('mmap_size = 4294967296');
  db.pragma('busy_timeout = 10000');
  return db;
}

function bindable(params: readonly SqlValue[]): unknown[] {
  return params.map((value) => {
    if (Array.isArray(value)) throw new TypeError('SQLite statements take no array parameters');
    return value;
  });
}

/** Statements prepared once per connection: preparing costs more than running most of the catalog's. */
class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly plucking = new Map<string, Database.Statement>();
  constructor(readonly connection: Connection) {}

  get(sql: string): Database.Statement {
    return this.cached(this.statements, sql, false);
  }

  /** The statement answering its first column's values rather than row objects. */
  plucked(sql: string): Database.Statement {
    return this.cached(this.plucking, sql, true);
  }

  private cached(statements: Map<string, Database.Statement>, sql: string, pluck: boolean) {
    let statement = statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      if (pluck) statement.pluck();
      if (statements.size > 2000) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  }
}

function queryable(cache: StatementCache): SqlQueryable {
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      cache.get(sql).all(...bindable(params)) as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      cache.get(sql).get(...bindable(params)) as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => ({
      changes: cache.get(sql).run(...bindable(params)).changes,
    }),
    exec: async (sql: string) => {
      cache.connection.exec(sql);
    },
    numbers: async (sql: string, params: readonly SqlValue[] = []) =>
      cache.plucked(sql).all(...bindable(params)) as number[],
  };
}

/**
 * SQLite through better-sqlite3: one connection writes (transactions queue behind each other), another reads,
 * so that a search never sees a transaction half done. `:memory:` is served from a temporary file, deleted at
 * close, because an in-memory database cannot have two connections.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly writer: StatementCache;
  private reader: StatementCache | null = null;
  private readonly writes = new Mutex();
  private readonly snapshots = new Mutex();
  private readonly temporaryDir: string | null;
  private readonly readQueries: SqlQueryable;
  private readonly writeQueries: SqlQueryable;
  readonly path: string;

  constructor(path: string) {
    this.temporaryDir = path === ':memory:' ? mkdtempSync(join(tmpdir(), 'catalog-')) : null;
    this.path = this.temporaryDir ? join(this.temporaryDir, 'catalog.sqlite') : path;
    this.writer = new StatementCache(openConnection(this.path, false));
    this.writeQueries = queryable(this.writer);
    this.readQueries = {
      all: (sql, params) => queryable(this.readCache()).all(sql, params),
      get: (sql, params) => queryable(this.readCache()).get(sql, params),
      run: (sql, params) => this.writes.run(() => this.writeQueries.run(sql, params)),
      exec: (sql) => this.writes.run(() => this.writeQueries.exec(sql)),
      numbers: (sql, params) => queryable(this.readCache()).numbers(sql, params),
    };
  }

  /** The reader opens lazily: the writer must have created the file (and switched it to WAL) first. */
  private readCache(): StatementCache {
    this.reader ??= new StatementCache(openConnection(this.path, true));
    return this.reader;
  }

  /** The underlying connection that writes, for maintenance the store runs itself (ANALYZE, optimize). */
  get connection(): Connection {
    return this.writer.connection;
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.readQueries.all<T>(sql, params);
  }
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.readQueries.get<T>(sql, params);
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.readQueries.run(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.readQueries.exec(sql);
  }

  numbers(sql: string, params?: readonly SqlValue[]): Promise<number[]> {
    return this.readQueries.numbers(sql, params);
  }

  /**
   * A read transaction on the reading connection: WAL mode keeps its snapshot while the writer commits. Other
   * reads meanwhile share the connection and so read the same snapshot, which is consistent too.
   */
  snapshot<T>(work: (reads: SqlQueryable) => Promise<T>): Promise<T> {
    return this.snapshots.run(async () => {
      const reader = this.readCache();
      reader.connection.exec('BEGIN');
      try {
        return await work(queryable(reader));
      } finally {
        if (reader.connection.inTransaction) reader.connection.exec('COMMIT');
      }
    });
  }

  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.writes.run(async () => {
      this.writer.connection.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.writeQueries);
        this.writer.connection.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writer.connection.inTransaction) this.writer.connection.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.writes.run(async () => {});
    this.reader?.connection.close();
    this.writer.connection.close();
    if (this.temporaryDir) rmSync(this.temporaryDir, { recursive: true, force: true });
  }
}
