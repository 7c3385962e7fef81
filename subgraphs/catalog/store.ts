import Database from 'better-sqlite3';
import type { CredentialRecord, ProviderKind } from '../../schema/index.js';
import { durationToHours } from '../../schema/index.js';
import { type IndexedCredential, skillKeys } from './skills.js';

/** A provider as the catalog knows it: what its feed said about itself, and how the last harvest went. */
export interface ProviderRow {
  id: string;
  name: string;
  kind: ProviderKind;
  url: string | null;
  feedUrl: string;
  state: 'NEVER_RUN' | 'RUNNING' | 'OK' | 'FAILED';
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  lastDurationMs: number | null;
}

export interface IssuerRow {
  id: string;
  provider: string;
  name: string;
  url: string | null;
  verified: boolean | null;
}

/** Bumped whenever the layout changes: the index is rebuilt from the feeds rather than migrated. */
const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  issuer_id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  credential_type TEXT NOT NULL,
  level TEXT,
  delivery_mode TEXT,
  estimated_hours REAL,
  cost_amount REAL,
  cost_currency TEXT,
  updated_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_provider ON credentials (provider, id);
CREATE INDEX IF NOT EXISTS credentials_issuer ON credentials (issuer_id, id);
CREATE INDEX IF NOT EXISTS credentials_name ON credentials (name_key, id);
CREATE INDEX IF NOT EXISTS credentials_updated ON credentials (updated_at, id);
CREATE TABLE IF NOT EXISTS credential_skills (credential_id TEXT NOT NULL, skill_key TEXT NOT NULL, primary_name TEXT, PRIMARY KEY (skill_key, credential_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS credential_skills_credential ON credential_skills (credential_id);
CREATE TABLE IF NOT EXISTS credential_relations (credential_id TEXT NOT NULL, type TEXT NOT NULL, target TEXT NOT NULL, ord INTEGER, PRIMARY KEY (credential_id, type, target)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS credential_relations_target ON credential_relations (target, type);
CREATE TABLE IF NOT EXISTS credential_identifiers (credential_id TEXT NOT NULL, identifier TEXT NOT NULL, PRIMARY KEY (identifier, credential_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS credential_identifiers_credential ON credential_identifiers (credential_id);
CREATE TABLE IF NOT EXISTS credential_sectors (credential_id TEXT NOT NULL, sector TEXT NOT NULL, PRIMARY KEY (sector, credential_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS credential_languages (credential_id TEXT NOT NULL, language TEXT NOT NULL, PRIMARY KEY (language, credential_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS credentials_fts USING fts5(name, description, skills, issuer, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS issuers (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  url TEXT,
  verified INTEGER
);
CREATE TABLE IF NOT EXISTS providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  url TEXT,
  feed_url TEXT NOT NULL,
  state TEXT NOT NULL,
  last_attempt_at TEXT,
  last_success_at TEXT,
  last_error TEXT,
  last_error_code TEXT,
  last_duration_ms INTEGER
);
`;

/**
 * The catalog's index in SQLite: one row per credential with the columns search filters and sorts on, side
 * tables for list-valued filters, and an FTS5 table for free text. The full record is kept as JSON so that no
 * field is lost and every common field is answered from one read.
 */
export class CatalogStore {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    if (this.db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
      const tables = this.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%'",
        )
        .pluck()
        .all() as string[];
      for (const table of tables) this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Replaces a provider's credentials with a complete harvest, in one transaction: a reader sees either the old
   * index or the new one, and a crash mid-harvest leaves the old one intact. Credentials the provider no longer
   * lists are removed.
   */
  replaceProviderCredentials(provider: string, records: readonly IndexedCredential[]): { removed: number } {
    const keep = new Set(records.map((record) => record.id));
    const existing = this.db
      .prepare('SELECT id FROM credentials WHERE provider = ?')
      .pluck()
      .all(provider) as string[];
    const stale = existing.filter((id) => !keep.has(id));
    this.db.transaction(() => {
      for (const id of stale) this.deleteCredential(id);
      for (const record of records) this.upsertCredential(record);
      this.db
        .prepare('DELETE FROM issuers WHERE provider = ? AND id NOT IN (SELECT issuer_id FROM credentials)')
        .run(provider);
    })();
    return { removed: stale.length };
  }

  private upsertCredential(record: IndexedCredential): void {
    const current = this.db.prepare('SELECT rowid FROM credentials WHERE id = ?').pluck().get(record.id) as
      | number
      | undefined;
    const values = {
      id: record.id,
      provider: record.provider,
      issuer_id: record.issuer.id,
      name: record.name,
      name_key: record.name.toLowerCase(),
      credential_type: record.credentialType,
      level: record.level,
      delivery_mode: record.deliveryMode,
      estimated_hours: record.estimatedDuration ? durationToHours(record.estimatedDuration) : null,
      cost_amount: record.cost?.amount ?? null,
      cost_currency: record.cost?.currency ?? null,
      updated_at: record.updatedAt,
      record: JSON.stringify(record),
    };
    let rowid: number;
    if (current === undefined) {
      rowid = Number(
        this.db
          .prepare(
            `INSERT INTO credentials (id, provider, issuer_id, name, name_key, credential_type, level, delivery_mode,
               estimated_hours, cost_amount, cost_currency, updated_at, record)
             VALUES (@id, @provider, @issuer_id, @name, @name_key, @credential_type, @level, @delivery_mode,
               @estimated_hours, @cost_amount, @cost_currency, @updated_at, @record)`,
          )
          .run(values).lastInsertRowid,
      );
    } else {
      rowid = current;
      this.db
        .prepare(
          `UPDATE credentials SET provider = @provider, issuer_id = @issuer_id, name = @name, name_key = @name_key,
             credential_type = @credential_type, level = @level, delivery_mode = @delivery_mode,
             estimated_hours = @estimated_hours, cost_amount = @cost_amount, cost_currency = @cost_currency,
             updated_at = @updated_at, record = @record
           WHERE id = @id`,
        )
        .run(values);
      this.deleteSideRows(record.id, rowid);
    }
    const insertSkill = this.db.prepare(
      `INSERT INTO credential_skills (credential_id, skill_key, primary_name) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET primary_name = COALESCE(primary_name, excluded.primary_name)`,
    );
    for (const skill of record.skills) {
      for (const { key, primaryName } of skillKeys(skill)) insertSkill.run(record.id, key, primaryName);
    }
    const insertRelation = this.db.prepare(
      'INSERT OR IGNORE INTO credential_relations (credential_id, type, target, ord) VALUES (?, ?, ?, ?)',
    );
    for (const relation of record.relations ?? []) {
      insertRelation.run(record.id, relation.type, relation.target, relation.order);
    }
    const insertIdentifier = this.db.prepare(
      'INSERT OR IGNORE INTO credential_identifiers (credential_id, identifier) VALUES (?, ?)',
    );
    for (const key of identityKeys(record)) insertIdentifier.run(record.id, key);
    const insertSector = this.db.prepare(
      'INSERT OR IGNORE INTO credential_sectors (credential_id, sector) VALUES (?, ?)',
    );
    for (const sector of record.sectors) insertSector.run(record.id, sector);
    const insertLanguage = this.db.prepare(
      'INSERT OR IGNORE INTO credential_languages (credential_id, language) VALUES (?, ?)',
    );
    for (const language of record.languages) insertLanguage.run(record.id, language.toLowerCase());
    this.db
      .prepare(
        'INSERT INTO credentials_fts (rowid, name, description, skills, issuer) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        rowid,
        record.name,
        record.description ?? '',
        record.skills.map((skill) => skill.label).join(' | '),
        record.issuer.name,
      );
    this.db
      .prepare(
        `INSERT INTO issuers (id, provider, name, name_key, url, verified) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, url = excluded.url,
           verified = excluded.verified`,
      )
      .run(
        record.issuer.id,
        record.provider,
        record.issuer.name,
        record.issuer.name.toLowerCase(),
        record.issuer.url,
        record.issuer.verified === null ? null : Number(record.issuer.verified),
      );
  }

  private deleteCredential(id: string): void {
    const rowid = this.db.prepare('SELECT rowid FROM credentials WHERE id = ?').pluck().get(id) as
      | number
      | undefined;
    if (rowid === undefined) return;
    this.deleteSideRows(id, rowid);
    this.db.prepare('DELETE FROM credentials WHERE id = ?').run(id);
  }

  private deleteSideRows(id: string, rowid: number): void {
    this.db.prepare('DELETE FROM credential_skills WHERE credential_id = ?').run(id);
    this.db.prepare('DELETE FROM credential_sectors WHERE credential_id = ?').run(id);
    this.db.prepare('DELETE FROM credential_languages WHERE credential_id = ?').run(id);
    this.db.prepare('DELETE FROM credential_relations WHERE credential_id = ?').run(id);
    this.db.prepare('DELETE FROM credential_identifiers WHERE credential_id = ?').run(id);
    this.db.prepare('DELETE FROM credentials_fts WHERE rowid = ?').run(rowid);
  }

  /**
   * Credentials related to `id` by `type`, in both directions: A HAS_PART B also answers B's IS_PART_OF, so a
   * stack is navigable whichever side its source described. Only credentials in the index are returned, in the
   * source's order where it gives one.
   */
  related(
    id: string,
    type: 'HAS_PART' | 'IS_PART_OF' | 'PREPARES_FOR',
  ): Array<{ id: string; order: number | null }> {
    const inverse = { HAS_PART: 'IS_PART_OF', IS_PART_OF: 'HAS_PART', PREPARES_FOR: 'PREPARED_BY' }[type];
    return this.db
      .prepare(
        `SELECT target AS id, min(ord) AS "order" FROM (
           SELECT r.target, r.ord FROM credential_relations r WHERE r.credential_id = ? AND r.type = ?
           UNION ALL
           SELECT r.credential_id, r.ord FROM credential_relations r WHERE r.target = ? AND r.type = ?
         ) JOIN credentials c ON c.id = target
         GROUP BY target ORDER BY "order" IS NULL, "order", target`,
      )
      .all(id, type, id, inverse) as Array<{ id: string; order: number | null }>;
  }

  /** Other credentials that are the same credential: they share an identifier (a CTID, say) or issuer and name. */
  sameAsIds(id: string): string[] {
    return this.db
      .prepare(
        `SELECT DISTINCT other.credential_id FROM credential_identifiers mine
         JOIN credential_identifiers other ON other.identifier = mine.identifier AND other.credential_id <> mine.credential_id
         WHERE mine.credential_id = ? ORDER BY other.credential_id`,
      )
      .pluck()
      .all(id) as string[];
  }

  credentialsById(ids: readonly string[]): Array<CredentialRecord | null> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT id, record FROM credentials WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as Array<{ id: string; record: string }>;
    const byId = new Map(rows.map((row) => [row.id, JSON.parse(row.record) as CredentialRecord]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  issuer(id: string): IssuerRow | null {
    const row = this.db
      .prepare('SELECT id, provider, name, url, verified FROM issuers WHERE id = ?')
      .get(id) as (Omit<IssuerRow, 'verified'> & { verified: number | null }) | undefined;
    return row ? { ...row, verified: row.verified === null ? null : row.verified === 1 } : null;
  }

  /** Makes sure every configured provider has a row, so that one never harvested still shows in `providers`. */
  registerProvider(id: string, feedUrl: string): void {
    this.db
      .prepare(
        `INSERT INTO providers (id, name, kind, url, feed_url, state) VALUES (?, ?, 'OTHER', NULL, ?, 'NEVER_RUN')
         ON CONFLICT (id) DO UPDATE SET feed_url = excluded.feed_url`,
      )
      .run(id, id, feedUrl);
  }

  forgetProvider(id: string): void {
    this.db.prepare('DELETE FROM providers WHERE id = ?').run(id);
  }

  updateProvider(id: string, changes: Partial<Omit<ProviderRow, 'id'>>): void {
    const columns: Record<keyof Omit<ProviderRow, 'id'>, string> = {
      name: 'name',
      kind: 'kind',
      url: 'url',
      feedUrl: 'feed_url',
      state: 'state',
      lastAttemptAt: 'last_attempt_at',
      lastSuccessAt: 'last_success_at',
      lastError: 'last_error',
      lastErrorCode: 'last_error_code',
      lastDurationMs: 'last_duration_ms',
    };
    const entries = Object.entries(changes) as Array<[keyof typeof columns, unknown]>;
    if (entries.length === 0) return;
    const assignments = entries.map(([key]) => `${columns[key]} = ?`).join(', ');
    this.db
      .prepare(`UPDATE providers SET ${assignments} WHERE id = ?`)
      .run(...entries.map(([, value]) => value), id);
  }

  providers(): ProviderRow[] {
    return this.db
      .prepare(
        `SELECT id, name, kind, url, feed_url AS feedUrl, state, last_attempt_at AS lastAttemptAt,
           last_success_at AS lastSuccessAt, last_error AS lastError, last_error_code AS lastErrorCode,
           last_duration_ms AS lastDurationMs
         FROM providers ORDER BY id`,
      )
      .all() as ProviderRow[];
  }

  credentialCounts(): Map<string, number> {
    const rows = this.db
      .prepare('SELECT provider, count(*) AS n FROM credentials GROUP BY provider')
      .all() as Array<{
      provider: string;
      n: number;
    }>;
    return new Map(rows.map((row) => [row.provider, row.n]));
  }
}

/**
 * The keys under which two records are the same credential: each identifier, and the issuer's name with the
 * credential's name (folded), which is how one issuer's credential listed by two providers usually meets.
 */
function identityKeys(record: CredentialRecord): string[] {
  const fold = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  const keys = (record.identifiers ?? []).map(
    (identifier) => `${identifier.scheme}:${identifier.value.toLowerCase()}`,
  );
  keys.push(`NAME:${fold(record.issuer.name)}|${fold(record.name)}`);
  return keys;
}
