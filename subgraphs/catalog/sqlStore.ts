import { createHash } from 'node:crypto';
import { durationToHours } from '../../schema/index.js';
import { deepFreeze } from '../kit/frozen.js';
import { BASE_CURRENCY, type CurrencyRates } from './currency.js';
import { MemoryIndex, type MemoryRow, type OrderName } from './memoryIndex.js';
import { pickPage } from './memoryPage.js';
import { buckets, FACET_COLUMNS, isUnfiltered, matchWhere, ORDER_SQL, pageSql } from './searchSql.js';
import { type IndexedCredential, skillKeys } from './skills.js';
import { Mutex, type SqlDatabase, type SqlQueryable, type SqlValue } from './sqlDatabase.js';
import { CATALOG_TABLES, SCHEMA_VERSION, schemaSql } from './sqlSchema.js';
import type {
  CatalogStore,
  FacetCount,
  FacetRequest,
  IssuerPageRequest,
  IssuerRow,
  MatchSpec,
  PageRequest,
  PageRow,
  ProviderChanges,
  ProviderRow,
  RelationType,
} from './store.js';
import {
  indexedTerms,
  POSTGRES_VECTOR_SQL,
  postgresTextIndex,
  relevanceTermsText,
  sqliteTextIndex,
  TEXT_FIELDS,
  type TextField,
  type TextIndexDialect,
} from './textIndex.js';

/** Rows per multi-row statement: far below both databases' limits on parameters. */
const ROWS_PER_STATEMENT = 200;
/** Issuers and skills facets of the whole index are cached this deep; requests ask for at most 100. */
const CACHED_TOP = 1000;
/** Change-log entries kept for replicas catching up; one further behind reloads its memory index whole. */
const CHANGES_KEPT = 100_000;
/** Changes beyond which the memory index reloads whole rather than replaying them. */
const REPLAY_LIMIT = 50_000;
/** Terms `knownTerms` remembers at most. */
const KNOWN_TERMS = 200_000;
/** Docs read at a time when the memory index loads whole. */
const LOAD_RANGE = 20_000;

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** Most parsed records the store keeps (see SqlCatalogStore.records): some 2 KB each. */
const RECORDS_KEPT = 5_000;

function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** Inserts rows with one statement per chunk; `row` is the VALUES tuple for one row (default: one `?` per value). */
async function insertRows(
  tx: SqlQueryable,
  table: string,
  columns: string[],
  rows: SqlValue[][],
  row = `(${placeholders(columns.length)})`,
): Promise<void> {
  for (const chunk of chunks(rows)) {
    await tx.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`,
      chunk.flat(),
    );
  }
}

/**
 * What makes two harvests of a credential the same: the record without the time it was fetched. A harvest that
 * brings nothing new therefore writes nothing.
 */
export function contentHash(record: IndexedCredential): string {
  const stable = { ...record, provenance: { ...record.provenance, fetchedAt: '' } };
  return createHash('sha1').update(JSON.stringify(stable)).digest('base64url');
}

/**
 * The keys under which two records are the same credential: each identifier, and the issuer's name with the
 * credential's name (folded), which is how one issuer's credential listed by two providers usually meets.
 */
function identityKeys(record: IndexedCredential): string[] {
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
  return [...new Set(keys)];
}

const PROVIDER_COLUMNS: Record<keyof Omit<ProviderRow, 'id'>, string> = {
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
  lastMode: 'last_mode',
  lastFullAt: 'last_full_at',
  watermark: 'watermark',
  lastFullCount: 'last_full_count',
  progress: 'progress',
};

/**
 * The catalog index over SQL: one row per credential with the columns search filters and sorts on, side tables
 * for list-valued fields, the full record as JSON, and a full-text index. SQLite and PostgreSQL run the same
 * statements except for text matching, so that both answer every search the same way.
 */
export class SqlCatalogStore implements CatalogStore {
  readonly backend: 'sqlite' | 'postgres';
  private readonly text: TextIndexDialect;
  /** Values computed once per index version (see catalog_state), such as credential counts per provider. */
  private readonly memo = new Map<string, { version: number; value: unknown }>();
  /** Filter and facet columns in memory: counts and facets are computed here (see MemoryIndex). */
  private memory = new MemoryIndex();
  private readonly memorySync = new Mutex();
  /** Terms known to be in `index_terms` already (SQLite), so that writes skip them. */
  private readonly knownTerms = new Set<string>();
  /** The docs each search matched, kept while the index version stays, so facets of one search share them. */
  private readonly matched = new WeakMap<MatchSpec, { version: number; docs: Int32Array }>();
  /**
   * Records read lately, parsed and frozen, for the index version they were read at: pages and the gateway's
   * entity fetches ask for the same popular credentials again and again, and reading and parsing their JSON was
   * a tenth of the catalog's CPU on a catalog page. A write starts a new version, which empties it.
   */
  private records = { version: -1, byId: new Map<string, IndexedCredential>() };

  protected constructor(
    protected readonly db: SqlDatabase,
    readonly rates: CurrencyRates,
  ) {
    this.backend = db.dialect;
    this.text = db.dialect === 'postgres' ? postgresTextIndex : sqliteTextIndex;
  }

  /** Opens the index, creating it, rebuilding it after a layout change and re-converting costs after a change of rates. */
  static async open(db: SqlDatabase, rates: CurrencyRates): Promise<SqlCatalogStore> {
    const store = new SqlCatalogStore(db, rates);
    await store.prepare();
    await store.withMemory(async () => {});
    return store;
  }

  protected async prepare(): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Replicas starting together must not race to create (or rebuild) the same tables.
      if (this.db.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(74120001)');
      const hasMeta = await tx.get<{ found: string | null }>(
        this.db.dialect === 'postgres'
          ? "SELECT CAST(to_regclass('catalog_meta') AS TEXT) AS found"
          : "SELECT name AS found FROM sqlite_master WHERE type = 'table' AND name = 'catalog_meta'",
      );
      const version = hasMeta?.found
        ? await tx.get<{ value: string }>("SELECT value FROM catalog_meta WHERE key = 'schema_version'")
        : undefined;
      if (version?.value !== String(SCHEMA_VERSION)) {
        for (const table of CATALOG_TABLES) await tx.exec(`DROP TABLE IF EXISTS ${table}`);
      }
      await tx.exec(schemaSql(this.db.dialect));
      await tx.run('INSERT INTO catalog_state (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
      await tx.run(
        "INSERT INTO catalog_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [String(SCHEMA_VERSION)],
      );
      const rates = await tx.get<{ value: string }>("SELECT value FROM catalog_meta WHERE key = 'rates'");
      if (rates?.value !== this.rates.fingerprint()) {
        await this.convertCosts(tx);
        await tx.run(
          "INSERT INTO catalog_meta (key, value) VALUES ('rates', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [this.rates.fingerprint()],
        );
      }
    });
  }

  /** Costs are compared in the base currency, converted when they are indexed; new rates convert them again. */
  private async convertCosts(tx: SqlQueryable): Promise<void> {
    const cases = Object.entries(this.rates.usdPerUnit)
      .map(([code, rate]) => `WHEN '${code}' THEN cost_amount * ${rate}`)
      .join(' ');
    const { changes } = await tx.run(
      `UPDATE credentials SET cost_base = CASE WHEN cost_amount = 0 THEN 0 ELSE CASE cost_currency ${cases} ELSE NULL END END
       WHERE cost_amount IS NOT NULL`,
    );
    // The memory index is loaded after this, at open, so it needs no change-log entries.
    if (changes > 0) await this.bumpVersion(tx);
  }

  /**
   * Starts a new index version. Every write takes it first, so writes (from every replica) queue on this one row
   * and versions follow commit order: the change log can then be replayed in version order.
   */
  private async bumpVersion(tx: SqlQueryable): Promise<number> {
    const row = await tx.get<{ version: number }>(
      'UPDATE catalog_state SET version = version + 1 WHERE id = 1 RETURNING version',
    );
    return Number(row!.version);
  }

  private async logChanges(tx: SqlQueryable, version: number, docs: readonly number[], added: boolean) {
    await insertRows(
      tx,
      'credential_changes',
      ['version', 'doc', 'added'],
      docs.map((doc) => [version, doc, added ? 1 : 0]),
    );
  }

  /** The index version: it changes with every write, so caches keyed by it never serve an answer from before one. */
  indexVersion(): Promise<number> {
    return this.version();
  }

  private async version(): Promise<number> {
    return (
      (await this.db.get<{ version: number }>('SELECT version FROM catalog_state WHERE id = 1'))?.version ?? 0
    );
  }

  private async perVersion<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const version = await this.version();
    const cached = this.memo.get(key);
    if (cached && cached.version === version) return cached.value as T;
    const value = await compute();
    this.memo.set(key, { version, value });
    return value;
  }

  // ---- writing ----

  async writeCredentials(
    records: readonly IndexedCredential[],
  ): Promise<{ written: number; unchanged: number }> {
    const byId = new Map(records.map((record) => [record.id, record]));
    const incoming = [...byId.values()].map((record) => ({ record, hash: contentHash(record) }));
    const notedTerms: string[] = [];
    const outcome = await this.db.transaction(async (tx) => {
      const existing = new Map<string, { doc: number; hash: string }>();
      for (const chunk of chunks([...byId.keys()])) {
        const rows = await tx.all<{ id: string; doc: number; content_hash: string }>(
          `SELECT id, doc, content_hash FROM credentials WHERE id IN (${placeholders(chunk.length)})`,
          chunk,
        );
        for (const row of rows) existing.set(row.id, { doc: Number(row.doc), hash: row.content_hash });
      }
      const changed = incoming.filter(({ record, hash }) => existing.get(record.id)?.hash !== hash);
      if (changed.length === 0) return { written: 0, unchanged: incoming.length };
      const version = await this.bumpVersion(tx);
      const stale = changed
        .map(({ record }) => existing.get(record.id)?.doc)
        .filter((doc): doc is number => doc !== undefined);
      await this.deleteDocs(tx, stale);
      await this.logChanges(tx, version, stale, false);
      await this.logChanges(tx, version, await this.insertCredentials(tx, changed, notedTerms), true);
      return { written: changed.length, unchanged: incoming.length - changed.length };
    });
    // Remembered once committed: a rolled-back transaction leaves its terms out of index_terms.
    if (this.knownTerms.size + notedTerms.length > KNOWN_TERMS) this.knownTerms.clear();
    for (const term of notedTerms) this.knownTerms.add(term);
    return outcome;
  }

  /** Inserts credentials and everything indexed about them; answers their new docs. */
  private async insertCredentials(
    tx: SqlQueryable,
    items: Array<{ record: IndexedCredential; hash: string }>,
    notedTerms: string[],
  ): Promise<number[]> {
    const postgres = this.db.dialect === 'postgres';
    const columns = [
      'id',
      'provider',
      'issuer_id',
      'name_key',
      'credential_type',
      'level',
      'delivery_mode',
      'estimated_hours',
      'cost_amount',
      'cost_currency',
      'cost_base',
      'updated_at',
      'relevance_terms',
      'content_hash',
    ];
    const terms = new Map(items.map(({ record }) => [record.id, indexedTerms(record)]));
    const docs = new Map<string, number>();
    for (const chunk of chunks(items)) {
      const values = chunk.map(({ record, hash }) => {
        const row: SqlValue[] = [
          record.id,
          record.provider,
          record.issuer.id,
          record.name.toLowerCase(),
          record.credentialType,
          record.level,
          record.deliveryMode,
          record.estimatedDuration ? durationToHours(record.estimatedDuration) : null,
          record.cost?.amount ?? null,
          record.cost?.currency ?? null,
          record.cost ? this.rates.toBase(record.cost.amount, record.cost.currency) : null,
          // One format, so that text order is time order (filters and sorts compare the text).
          new Date(record.updatedAt).toISOString(),
          relevanceTermsText(terms.get(record.id)!),
          hash,
        ];
        if (postgres) row.push(...TEXT_FIELDS.map((field) => terms.get(record.id)![field]));
        return row;
      });
      const tuple = `(${placeholders(columns.length)}${postgres ? `, ${POSTGRES_VECTOR_SQL}` : ''})`;
      const insert = `INSERT INTO credentials (${columns.join(', ')}${postgres ? ', search_vector' : ''})
         VALUES ${values.map(() => tuple).join(', ')}`;
      const rows = await tx.all<{ id: string; doc: number }>(
        postgres
          ? // With the words text matching reads, in the same statement: the tsvector just built, stripped of
            // its positions and weights.
            `WITH inserted AS (${insert} RETURNING id, doc, search_vector),
               words AS (INSERT INTO credential_words (doc, words) SELECT doc, strip(search_vector) FROM inserted)
             SELECT id, doc FROM inserted`
          : `${insert} RETURNING id, doc`,
        values.flat(),
      );
      for (const row of rows) docs.set(row.id, Number(row.doc));
    }
    const docOf = (record: IndexedCredential) => docs.get(record.id)!;
    const records = items.map(({ record }) => record);
    await insertRows(
      tx,
      'credential_records',
      ['doc', 'record', 'raw'],
      records.map((record) => {
        const { raw, ...provenance } = record.provenance;
        return [
          docOf(record),
          JSON.stringify({ ...record, provenance }),
          raw === undefined ? null : JSON.stringify(raw),
        ];
      }),
    );
    await insertRows(
      tx,
      'credential_skills',
      ['skill_key', 'doc', 'primary_name'],
      records.flatMap((record) => {
        const keys = new Map<string, string | null>();
        for (const skill of record.skills) {
          for (const { key, primaryName } of skillKeys(skill)) keys.set(key, keys.get(key) ?? primaryName);
        }
        return [...keys].map(([key, primaryName]) => [key, docOf(record), primaryName]);
      }),
    );
    await insertRows(
      tx,
      'credential_sectors',
      ['sector', 'doc'],
      records.flatMap((record) => [...new Set(record.sectors)].map((sector) => [sector, docOf(record)])),
    );
    await insertRows(
      tx,
      'credential_languages',
      ['language', 'doc'],
      records.flatMap((record) =>
        [...new Set(record.languages.map((language) => language.toLowerCase()))].map((language) => [
          language,
          docOf(record),
        ]),
      ),
    );
    await insertRows(
      tx,
      'credential_relations',
      ['doc', 'type', 'target', 'ord'],
      records.flatMap((record) => {
        const seen = new Set<string>();
        return (record.relations ?? [])
          .filter((relation) => {
            const key = `${relation.type} ${relation.target}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          })
          .map((relation) => [docOf(record), relation.type, relation.target, relation.order]);
      }),
    );
    await insertRows(
      tx,
      'credential_identifiers',
      ['identifier', 'doc'],
      records.flatMap((record) => identityKeys(record).map((key) => [key, docOf(record)])),
    );
    if (!postgres) {
      await insertRows(
        tx,
        'credentials_fts',
        ['rowid', ...TEXT_FIELDS],
        records.map((record) => {
          const fields = terms.get(record.id)!;
          return [docOf(record), ...TEXT_FIELDS.map((field) => fields[field])];
        }),
      );
      notedTerms.push(...(await this.noteTerms(tx, terms.values())));
    }
    const issuers = new Map(records.map((record) => [record.issuer.id, record]));
    for (const chunk of chunks([...issuers.values()])) {
      await tx.run(
        `INSERT INTO issuers (id, provider, name, name_key, url, verified)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, url = excluded.url,
           verified = excluded.verified`,
        chunk.flatMap((record) => [
          record.issuer.id,
          record.provider,
          record.issuer.name,
          record.issuer.name.toLowerCase(),
          record.issuer.url,
          record.issuer.verified === null ? null : Number(record.issuer.verified),
        ]),
      );
    }
    return [...docs.values()];
  }

  /**
   * Adds the terms the full-text index holds to `index_terms` (SQLite), where prefixes are looked up; answers
   * those it added. Terms stay when their last credential goes: a term without credentials only costs a lookup.
   */
  private async noteTerms(tx: SqlQueryable, fields: Iterable<Record<TextField, string>>): Promise<string[]> {
    const fresh = new Set<string>();
    for (const record of fields) {
      for (const field of TEXT_FIELDS) {
        for (const term of record[field].split(' ')) if (term && !this.knownTerms.has(term)) fresh.add(term);
      }
    }
    for (const chunk of chunks([...fresh])) {
      await tx.run(
        `INSERT INTO index_terms (term) VALUES ${chunk.map(() => '(?)').join(', ')} ON CONFLICT (term) DO NOTHING`,
        chunk,
      );
    }
    return [...fresh];
  }

  private async deleteDocs(tx: SqlQueryable, docs: readonly number[]): Promise<void> {
    const tables = [
      'credential_records',
      'credential_skills',
      'credential_sectors',
      'credential_languages',
      'credential_relations',
      'credential_identifiers',
      'credentials',
    ];
    for (const chunk of chunks(docs, 500)) {
      const list = placeholders(chunk.length);
      for (const table of tables) await tx.run(`DELETE FROM ${table} WHERE doc IN (${list})`, chunk);
      if (this.db.dialect === 'sqlite')
        await tx.run(`DELETE FROM credentials_fts WHERE rowid IN (${list})`, chunk);
      else await tx.run(`DELETE FROM credential_words WHERE doc IN (${list})`, chunk);
    }
  }

  async credentialIdsOf(provider: string): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>('SELECT id FROM credentials WHERE provider = ?', [
      provider,
    ]);
    return rows.map((row) => row.id);
  }

  async removeCredentials(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const docs: number[] = [];
      for (const chunk of chunks(ids, 500)) {
        const rows = await tx.all<{ doc: number }>(
          `SELECT doc FROM credentials WHERE id IN (${placeholders(chunk.length)})`,
          chunk,
        );
        docs.push(...rows.map((row) => Number(row.doc)));
      }
      if (docs.length === 0) return 0;
      const version = await this.bumpVersion(tx);
      await this.deleteDocs(tx, docs);
      await this.logChanges(tx, version, docs, false);
      return docs.length;
    });
  }

  async pruneIssuers(provider: string): Promise<void> {
    await this.db.run(
      `DELETE FROM issuers WHERE provider = ?
         AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.issuer_id = issuers.id)`,
      [provider],
    );
  }

  async refreshStatistics(): Promise<void> {
    if (this.db.dialect === 'sqlite') await this.db.exec('PRAGMA optimize');
    else await this.db.exec('ANALYZE credentials');
    await this.db.run('DELETE FROM credential_changes WHERE version < ?', [
      (await this.version()) - CHANGES_KEPT,
    ]);
    const everything: MatchSpec = {
      text: null,
      filter: {
        skills: [],
        sectors: [],
        credentialTypes: [],
        levels: [],
        issuers: [],
        providers: [],
        deliveryModes: [],
        languages: [],
        maxDurationHours: null,
        maxCost: null,
        updatedSince: null,
      },
    };
    await this.countMatches(everything);
    for (const facet of [
      'credentialTypes',
      'levels',
      'providers',
      'deliveryModes',
      'issuers',
      'sectors',
      'languages',
      'skills',
      'durations',
      'costs',
    ] as const) {
      await this.facet({ match: everything, facet, currency: BASE_CURRENCY });
    }
  }

  // ---- searching ----

  /** Answers for the whole index (no text, no filter) are kept per index version, in the index for every replica. */
  private async cachedForWholeIndex<T>(
    facet: string,
    currency: string,
    compute: () => Promise<T>,
  ): Promise<T> {
    return this.perVersion(`whole:${facet}:${currency}`, async () => {
      const version = await this.version();
      const cached = await this.db.get<{ counts: string }>(
        'SELECT counts FROM facet_cache WHERE facet = ? AND currency = ? AND version = ?',
        [facet, currency, version],
      );
      if (cached) return JSON.parse(cached.counts) as T;
      const value = await compute();
      await this.db.run(
        `INSERT INTO facet_cache (facet, currency, version, counts) VALUES (?, ?, ?, ?)
         ON CONFLICT (facet, currency) DO UPDATE SET version = excluded.version, counts = excluded.counts`,
        [facet, currency, version, JSON.stringify(value)],
      );
      return value;
    });
  }

  async countMatches(match: MatchSpec): Promise<number> {
    if (isUnfiltered(match)) {
      return this.cachedForWholeIndex('totalCount', '', () => this.withMemory(async () => this.memory.size));
    }
    return this.withMemory(async (reads, version) => (await this.matchingDocs(reads, version, match)).length);
  }

  /**
   * Runs `work` on the memory index brought to the database's current version, with every read in one snapshot
   * of the database at that version. The text matches a search reads then belong to the same index version as
   * the memory index it picks, counts and pages with, even while harvests commit: a credential rewritten
   * meanwhile is found under its old doc or its new one, never lost between them. One at a time, as the memory
   * index changes under the replay.
   */
  private withMemory<T>(work: (reads: SqlQueryable, version: number) => Promise<T>): Promise<T> {
    return this.memorySync.run(() =>
      this.db.snapshot(async (reads) => work(reads, await this.syncMemory(reads))),
    );
  }

  /** The docs a search matches: text through the database's full-text index, filters in memory. */
  private async matchingDocs(reads: SqlQueryable, version: number, match: MatchSpec): Promise<Int32Array> {
    const known = this.matched.get(match);
    if (known?.version === version) return known.docs;
    let candidates: number[] | null = null;
    if (match.text) {
      candidates = await this.text.docs(reads, match.text);
    }
    const docs = this.memory.match(match.filter, this.rates, candidates);
    this.matched.set(match, { version, docs });
    return docs;
  }

  /**
   * Brings the memory index up to the version `reads` see: replays the change log, or loads everything when it
   * is too far behind (or has never loaded). Answers the version it reflects. Runs inside withMemory only.
   */
  private async syncMemory(reads: SqlQueryable): Promise<number> {
    const version =
      (await reads.get<{ version: number }>('SELECT version FROM catalog_state WHERE id = 1'))?.version ?? 0;
    if (version === this.memory.version) return version;
    const oldest = await reads.get<{ version: number | null }>(
      'SELECT min(version) AS version FROM credential_changes',
    );
    const pending = await reads.get<{ n: number }>(
      'SELECT CAST(count(*) AS INTEGER) AS n FROM credential_changes WHERE version > ?',
      [this.memory.version],
    );
    // Far behind (after a first harvest, say), loading everything at once beats replaying doc by doc.
    const replayable =
      this.memory.version >= 0 &&
      this.memory.version < version &&
      Number(pending?.n ?? 0) <= REPLAY_LIMIT &&
      (oldest?.version == null || Number(oldest.version) <= this.memory.version + 1);
    if (!replayable) {
      const fresh = new MemoryIndex();
      // In ranges of docs: a million rows read at once would be gigabytes of short-lived objects.
      const last = await reads.get<{ doc: number | null }>('SELECT max(doc) AS doc FROM credentials');
      for (let from = 0; from <= Number(last?.doc ?? -1); from += LOAD_RANGE) {
        for (const row of await this.memoryRows(reads, { from, to: from + LOAD_RANGE })) fresh.add(row);
      }
      fresh.trim();
      for (const [kind, order] of Object.entries(ORDER_SQL)) {
        fresh.loadOrder(
          kind as OrderName,
          await reads.numbers(`SELECT doc FROM credentials c ORDER BY ${order}`),
        );
      }
      this.memory = fresh;
    } else {
      const changes = await reads.all<{ doc: number; added: number }>(
        'SELECT doc, added FROM credential_changes WHERE version > ? AND version <= ? ORDER BY version, added',
        [this.memory.version, version],
      );
      const added = new Set<number>();
      for (const change of changes) {
        const doc = Number(change.doc);
        if (Number(change.added)) added.add(doc);
        else {
          added.delete(doc);
          this.memory.remove(doc);
        }
      }
      for (const chunk of chunks([...added], 500)) {
        for (const row of await this.memoryRows(reads, chunk)) this.memory.add(row);
      }
    }
    this.memory.version = version;
    return version;
  }

  /** The memory index's fields of the given docs (a list, or a range), read from the database. */
  private async memoryRows(
    reads: SqlQueryable,
    docs: number[] | { from: number; to: number },
  ): Promise<MemoryRow[]> {
    const [where, params] = Array.isArray(docs)
      ? [`WHERE doc IN (${placeholders(docs.length)})`, docs]
      : ['WHERE doc >= ? AND doc < ?', [docs.from, docs.to]];
    const rows = await reads.all<{
      doc: number;
      id: string;
      name_key: string;
      credential_type: string;
      level: string | null;
      delivery_mode: string | null;
      provider: string;
      issuer_id: string;
      estimated_hours: number | null;
      cost_amount: number | null;
      cost_currency: string | null;
      cost_base: number | null;
      updated_at: string;
      relevance_terms: string;
    }>(
      `SELECT doc, id, name_key, credential_type, level, delivery_mode, provider, issuer_id, estimated_hours,
         cost_amount, cost_currency, cost_base, updated_at, relevance_terms FROM credentials ${where}`,
      params,
    );
    const byDoc = new Map<number, MemoryRow>();
    for (const row of rows) {
      const doc = Number(row.doc);
      byDoc.set(doc, {
        doc,
        id: row.id,
        nameKey: row.name_key,
        credentialType: row.credential_type,
        level: row.level,
        deliveryMode: row.delivery_mode,
        provider: row.provider,
        issuerId: row.issuer_id,
        estimatedHours: row.estimated_hours === null ? null : Number(row.estimated_hours),
        costAmount: row.cost_amount === null ? null : Number(row.cost_amount),
        costCurrency: row.cost_currency,
        costBase: row.cost_base === null ? null : Number(row.cost_base),
        updatedAt: row.updated_at,
        relevanceTerms: row.relevance_terms,
        sectors: [],
        languages: [],
        skills: [],
      });
    }
    for (const row of await reads.all<{ doc: number; sector: string }>(
      `SELECT doc, sector FROM credential_sectors ${where}`,
      params,
    )) {
      byDoc.get(Number(row.doc))?.sectors.push(row.sector);
    }
    for (const row of await reads.all<{ doc: number; language: string }>(
      `SELECT doc, language FROM credential_languages ${where}`,
      params,
    )) {
      byDoc.get(Number(row.doc))?.languages.push(row.language);
    }
    for (const row of await reads.all<{ doc: number; skill_key: string; primary_name: string | null }>(
      `SELECT doc, skill_key, primary_name FROM credential_skills ${where}`,
      params,
    )) {
      byDoc.get(Number(row.doc))?.skills.push({ key: row.skill_key, primaryName: row.primary_name });
    }
    return [...byDoc.values()];
  }

  /**
   * A page, picked in memory (see memoryPage.ts) among the matches the counts come from; relevance to a text
   * query is scored in memory from each credential's name, skills and issuer terms.
   */
  async searchPage(request: PageRequest): Promise<PageRow[]> {
    const { match } = request;
    return this.withMemory(async (reads, version) => {
      const docs = isUnfiltered(match) ? null : await this.matchingDocs(reads, version, match);
      const relevance =
        match.text && request.sort.field === 'RELEVANCE' ? this.memory.relevanceScorer(match.text) : null;
      return pickPage(this.memory, request, { docs, relevance });
    });
  }

  /** The same page read by the database alone, with keyset SQL: the reference memory pages are tested against. */
  async pageInSql(request: PageRequest): Promise<PageRow[]> {
    const { sql, params } = pageSql(request, this.text, this.rates);
    const rows = await this.db.all<Record<string, number | string>>(sql, params);
    return rows.map((row) => {
      const keys: Array<number | string> = [];
      for (let index = 0; `k${index}` in row; index++) keys.push(row[`k${index}`]!);
      keys.push(row.id!);
      return { id: String(row.id), keys };
    });
  }

  async facet(request: FacetRequest): Promise<FacetCount[]> {
    const currency = request.facet === 'costs' ? request.currency : '';
    const limited = request.facet === 'issuers' || request.facet === 'skills';
    const compute = (limit: number | undefined) =>
      this.withMemory(async (reads, version) =>
        this.memory.facet(
          await this.matchingDocs(reads, version, request.match),
          request.facet,
          request.currency,
          this.rates,
          limit,
        ),
      );
    if (isUnfiltered(request.match)) {
      const all = await this.cachedForWholeIndex(request.facet, currency, () =>
        compute(limited ? CACHED_TOP : undefined),
      );
      return limited && request.limit !== undefined ? all.slice(0, request.limit) : all;
    }
    return compute(request.limit);
  }

  /** The same counts computed by the database alone: the reference the memory index is tested against. */
  async facetInSql(request: FacetRequest): Promise<FacetCount[]> {
    const where = matchWhere(request.match, this.text, this.rates);
    const limit = request.limit === undefined ? '' : ` LIMIT ${Math.trunc(request.limit)}`;
    const counted = (rows: Array<{ facet_value: string; n: number; label?: string | null }>) =>
      rows.map((row) => ({
        value: row.facet_value,
        count: Number(row.n),
        ...(row.label === undefined ? {} : { label: row.label }),
      }));
    switch (request.facet) {
      case 'credentialTypes':
      case 'levels':
      case 'providers':
      case 'deliveryModes':
      case 'issuers': {
        const column = `COALESCE(${FACET_COLUMNS[request.facet]}, 'UNKNOWN')`;
        return counted(
          await this.db.all(
            `SELECT ${column} AS facet_value, CAST(count(*) AS INTEGER) AS n FROM credentials c WHERE ${where.sql}
             GROUP BY ${column} ORDER BY n DESC, facet_value${limit}`,
            where.params,
          ),
        );
      }
      case 'sectors':
      case 'languages': {
        const [table, column] =
          request.facet === 'sectors'
            ? ['credential_sectors', 'sector']
            : ['credential_languages', 'language'];
        return counted(
          await this.db.all(
            `SELECT t.${column} AS facet_value, CAST(count(*) AS INTEGER) AS n
             FROM credentials c JOIN ${table} t ON t.doc = c.doc WHERE ${where.sql}
             GROUP BY t.${column} ORDER BY n DESC, facet_value${limit}`,
            where.params,
          ),
        );
      }
      case 'skills':
        return counted(
          await this.db.all(
            `SELECT t.skill_key AS facet_value, max(t.primary_name) AS label, CAST(count(*) AS INTEGER) AS n
             FROM credentials c JOIN credential_skills t ON t.doc = c.doc AND t.primary_name IS NOT NULL
             WHERE ${where.sql} GROUP BY t.skill_key ORDER BY n DESC, facet_value${limit}`,
            where.params,
          ),
        );
      case 'durations':
      case 'costs': {
        const list = buckets(request.facet, request.currency, this.rates);
        const sums = list.map(
          ([, condition], index) =>
            `CAST(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END) AS INTEGER) AS b${index}`,
        );
        const row = await this.db.get<Record<string, number | null>>(
          `SELECT ${sums.join(', ')} FROM credentials c WHERE ${where.sql}`,
          where.params,
        );
        return list.map(([value], index) => ({ value, count: Number(row?.[`b${index}`] ?? 0) }));
      }
    }
  }

  /** Counts matches with the database alone (see facetInSql). */
  async countInSql(match: MatchSpec): Promise<number> {
    const where = matchWhere(match, this.text, this.rates);
    const row = await this.db.get<{ n: number }>(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM credentials c WHERE ${where.sql}`,
      where.params,
    );
    return Number(row?.n ?? 0);
  }

  // ---- reading ----

  async credentialsById(ids: readonly string[]): Promise<Array<IndexedCredential | null>> {
    if (ids.length === 0) return [];
    // Read before the records: a write landing in between leaves them newer than the version, never older.
    const version = await this.version();
    if (version > this.records.version) this.records = { version, byId: new Map() };
    // A call that raced one which has since seen a newer version reads the database rather than go back a version.
    if (version < this.records.version) return this.readCredentialRecords(ids);
    const { byId } = this.records;
    const missing = [...new Set(ids)].filter((id) => !byId.has(id));
    if (missing.length > 0) {
      for (const record of await this.readCredentialRecords(missing)) {
        if (record) byId.set(record.id, deepFreeze(record));
      }
      // Map keeps insertion order: the records first read longest ago go first.
      for (const id of byId.keys()) {
        if (byId.size <= RECORDS_KEPT) break;
        byId.delete(id);
      }
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Credentials by id straight from the database, parsed afresh (the search bench's baseline lookup). */
  async readCredentialRecords(ids: readonly string[]): Promise<Array<IndexedCredential | null>> {
    const byId = new Map<string, IndexedCredential>();
    for (const chunk of chunks([...new Set(ids)], 500)) {
      const rows = await this.db.all<{ id: string; record: string }>(
        `SELECT c.id, r.record FROM credentials c JOIN credential_records r ON r.doc = c.doc
         WHERE c.id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) byId.set(row.id, JSON.parse(row.record) as IndexedCredential);
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Credentials related to `id` by `type`, in both directions: A HAS_PART B also answers B's IS_PART_OF, so a
   * stack is navigable whichever side its source described. Only credentials in the index are returned, in the
   * source's order where it gives one.
   */
  async related(id: string, type: RelationType): Promise<Array<{ id: string; order: number | null }>> {
    const inverse = { HAS_PART: 'IS_PART_OF', IS_PART_OF: 'HAS_PART', PREPARES_FOR: 'PREPARED_BY' }[type];
    const rows = await this.db.all<{ id: string; ord: number | null }>(
      `SELECT x.target AS id, min(x.ord) AS ord FROM (
         SELECT r.target AS target, r.ord AS ord FROM credential_relations r JOIN credentials s ON s.doc = r.doc
           WHERE s.id = ? AND r.type = ?
         UNION ALL
         SELECT s.id AS target, r.ord AS ord FROM credential_relations r JOIN credentials s ON s.doc = r.doc
           WHERE r.target = ? AND r.type = ?
       ) x JOIN credentials c ON c.id = x.target
       GROUP BY x.target ORDER BY min(x.ord) IS NULL, min(x.ord), x.target`,
      [id, type, id, inverse],
    );
    return rows.map((row) => ({ id: row.id, order: row.ord === null ? null : Number(row.ord) }));
  }

  /** Other credentials that are the same credential: they share an identifier (a CTID, say) or issuer and name. */
  async sameAsIds(id: string): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(
      `SELECT DISTINCT o.id AS id FROM credentials me
       JOIN credential_identifiers mine ON mine.doc = me.doc
       JOIN credential_identifiers other ON other.identifier = mine.identifier AND other.doc <> mine.doc
       JOIN credentials o ON o.doc = other.doc
       WHERE me.id = ? ORDER BY o.id`,
      [id],
    );
    return rows.map((row) => row.id);
  }

  async issuer(id: string): Promise<IssuerRow | null> {
    const row = await this.db.get<Omit<IssuerRow, 'verified'> & { verified: number | null }>(
      'SELECT id, provider, name, url, verified FROM issuers WHERE id = ?',
      [id],
    );
    return row ? { ...row, verified: row.verified === null ? null : Number(row.verified) === 1 } : null;
  }

  async issuerNames(ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const chunk of chunks([...new Set(ids)], 500)) {
      const rows = await this.db.all<{ id: string; name: string }>(
        `SELECT id, name FROM issuers WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) names.set(row.id, row.name);
    }
    return names;
  }

  private issuerWhere(request: Omit<IssuerPageRequest, 'after' | 'limit'>) {
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    if (request.nameContains?.trim()) {
      clauses.push("name_key LIKE ? ESCAPE '\\'");
      params.push(
        `%${request.nameContains
          .trim()
          .toLowerCase()
          .replace(/[\\%_]/g, (char) => `\\${char}`)}%`,
      );
    }
    if (request.providers.length) {
      clauses.push(`provider IN (${placeholders(request.providers.length)})`);
      params.push(...request.providers);
    }
    return { clauses, params };
  }

  async countIssuers(request: Omit<IssuerPageRequest, 'after' | 'limit'>): Promise<number> {
    const { clauses, params } = this.issuerWhere(request);
    const row = await this.db.get<{ n: number }>(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM issuers ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}`,
      params,
    );
    return row?.n ?? 0;
  }

  async issuerPage(request: IssuerPageRequest): Promise<Array<IssuerRow & { nameKey: string }>> {
    const { clauses, params } = this.issuerWhere(request);
    if (request.after) {
      clauses.push('(name_key, id) > (?, ?)');
      params.push(request.after.nameKey, request.after.id);
    }
    const rows = await this.db.all<
      Omit<IssuerRow, 'verified'> & { verified: number | null; nameKey: string }
    >(
      `SELECT id, provider, name, name_key AS "nameKey", url, verified FROM issuers
       ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY name_key, id LIMIT ?`,
      [...params, request.limit],
    );
    return rows.map((row) => ({
      ...row,
      verified: row.verified === null ? null : Number(row.verified) === 1,
    }));
  }

  // ---- providers ----

  async registerProvider(id: string, feedUrl: string): Promise<void> {
    await this.db.run(
      `INSERT INTO providers (id, name, kind, url, feed_url, state) VALUES (?, ?, 'OTHER', NULL, ?, 'NEVER_RUN')
       ON CONFLICT (id) DO UPDATE SET feed_url = excluded.feed_url`,
      [id, id, feedUrl],
    );
  }

  async forgetProvider(id: string): Promise<void> {
    await this.db.run('DELETE FROM providers WHERE id = ?', [id]);
  }

  async updateProvider(id: string, changes: ProviderChanges): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as Array<
      [keyof typeof PROVIDER_COLUMNS, SqlValue]
    >;
    if (entries.length === 0) return;
    const assignments = entries.map(([key]) => `${PROVIDER_COLUMNS[key]} = ?`).join(', ');
    await this.db.run(`UPDATE providers SET ${assignments} WHERE id = ?`, [
      ...entries.map(([, value]) => value),
      id,
    ]);
  }

  async providers(): Promise<ProviderRow[]> {
    const selected = Object.entries(PROVIDER_COLUMNS)
      .map(([key, column]) => `${column} AS "${key}"`)
      .join(', ');
    const rows = await this.db.all<ProviderRow>(`SELECT id, ${selected} FROM providers ORDER BY id`);
    return rows.map((row) => ({
      ...row,
      lastDurationMs: row.lastDurationMs === null ? null : Number(row.lastDurationMs),
      lastFullCount: row.lastFullCount === null ? null : Number(row.lastFullCount),
    }));
  }

  credentialCounts(): Promise<Map<string, number>> {
    return this.perVersion('credentialCounts', async () => {
      const rows = await this.db.all<{ provider: string; n: number }>(
        'SELECT provider, CAST(count(*) AS INTEGER) AS n FROM credentials GROUP BY provider',
      );
      return new Map(rows.map((row) => [row.provider, Number(row.n)]));
    });
  }

  async acquireHarvestLease(provider: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    const { changes } = await this.db.run(
      `UPDATE providers SET lease_owner = ?, lease_until = ?
       WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
      [owner, new Date(now.getTime() + ttlMs).toISOString(), provider, owner, now.toISOString()],
    );
    return changes === 1;
  }

  async releaseHarvestLease(provider: string, owner: string): Promise<void> {
    await this.db.run(
      'UPDATE providers SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?',
      [provider, owner],
    );
  }

  async harvestLeaseOwner(provider: string): Promise<string | null> {
    const row = await this.db.get<{ owner: string | null }>(
      'SELECT lease_owner AS owner FROM providers WHERE id = ?',
      [provider],
    );
    return row?.owner ?? null;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
