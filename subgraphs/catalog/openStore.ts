import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CurrencyRates } from './currency.js';
import { PostgresDatabase } from './postgresDatabase.js';
import { SqliteDatabase } from './sqliteDatabase.js';
import { SqlCatalogStore } from './sqlStore.js';
import type { CatalogStore } from './store.js';

export interface StoreLocation {
  /** SQLite file (`:memory:` for a throwaway index); used when there is no `databaseUrl`. */
  databasePath: string;
  /** `postgres://…`: the index lives in PostgreSQL, where several catalog replicas can share it. */
  databaseUrl?: string | null;
  /** The PostgreSQL schema that holds the index (created when missing). */
  databaseSchema?: string | null;
}

export const DEFAULT_POSTGRES_SCHEMA = 'catalog';

/** Opens the index where the config says: PostgreSQL when given a URL, SQLite otherwise. */
export async function openCatalogStore(location: StoreLocation, rates: CurrencyRates): Promise<CatalogStore> {
  if (location.databaseUrl) {
    const db = new PostgresDatabase(location.databaseUrl, location.databaseSchema ?? DEFAULT_POSTGRES_SCHEMA);
    try {
      await db.ensureSchema();
      return await SqlCatalogStore.open(db, rates);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  if (location.databasePath !== ':memory:') mkdirSync(dirname(location.databasePath), { recursive: true });
  const db = new SqliteDatabase(location.databasePath);
  try {
    return await SqlCatalogStore.open(db, rates);
  } catch (error) {
    await db.close();
    throw error;
  }
}
