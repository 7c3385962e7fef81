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
  constructor(readonly connection: Connection) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      if (this.statements.size > 2000) this.statements.clear();
      this.statements.set(sql, statement);
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
