import type { CredentialRecord, ProviderKind } from '../../schema/index.js';
import type { CurrencyRates } from './currency.js';
import type { IndexedCredential } from './skills.js';
import type { TextQuery } from './text.js';

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
  /** FULL or INCREMENTAL: the kind of the last harvest attempted. */
  lastMode: HarvestMode | null;
  /** When the last full harvest (the one that also removes credentials no longer listed) succeeded. */
  lastFullAt: string | null;
  /** The newest `updatedAt` seen from this provider: the next incremental harvest asks for changes since it. */
  watermark: string | null;
  /** Records in the last full harvest: the expected size of the next, for an ETA. */
  lastFullCount: number | null;
  /** JSON of the running harvest's progress (see HarvestProgress), null when none runs. */
  progress: string | null;
}

export type HarvestMode = 'FULL' | 'INCREMENTAL';

export interface IssuerRow {
  id: string;
  provider: string;
  name: string;
  url: string | null;
  verified: boolean | null;
}

export interface FacetCount {
  value: string;
  count: number;
  label?: string | null;
}

/** Filters as the store applies them: lists OR within, fields AND across; empty lists do not filter. */
export interface NormalizedFilter {
  /** Skill keys (see `skillFilterKey`). */
  skills: string[];
  sectors: string[];
  credentialTypes: string[];
  levels: string[];
  issuers: string[];
  providers: string[];
  deliveryModes: string[];
  /** Lower-case BCP 47 tags. */
  languages: string[];
  maxDurationHours: number | null;
  /** In `currency`; compared exactly with costs in that currency and through the rate table with others. */
  maxCost: { amount: number; currency: string } | null;
  /** ISO 8601, normalised with `toISOString`. */
  updatedSince: string | null;
}

/** What a search matches: free text and filters. */
export interface MatchSpec {
  text: TextQuery | null;
  filter: NormalizedFilter;
}

export type SortField = 'RELEVANCE' | 'NAME' | 'COST' | 'DURATION' | 'UPDATED_AT';
export type SortDirection = 'ASC' | 'DESC';

/** The keys a page is ordered by, in order; the last is always the credential id. */
export type SortKeys = Array<number | string>;

export interface PageRequest {
  match: MatchSpec;
  sort: { field: SortField; direction: SortDirection };
  /** The keys of the last row of the previous page. */
  after: SortKeys | null;
  limit: number;
}

export interface PageRow {
  id: string;
  keys: SortKeys;
}

export type SingleValuedFacet = 'credentialTypes' | 'levels' | 'providers' | 'deliveryModes' | 'issuers';
export type MultiValuedFacet = 'sectors' | 'languages' | 'skills';
export type BucketFacet = 'durations' | 'costs';
export type FacetName = SingleValuedFacet | MultiValuedFacet | BucketFacet;

export interface FacetRequest {
  match: MatchSpec;
  facet: FacetName;
  /** Top N, for issuers and skills. */
  limit?: number;
  /** The currency of cost buckets. */
  currency: string;
}

export type RelationType = 'HAS_PART' | 'IS_PART_OF' | 'PREPARES_FOR';

export interface IssuerPageRequest {
  nameContains: string | null;
  providers: string[];
  after: { nameKey: string; id: string } | null;
  limit: number;
}

export interface ProviderChanges extends Partial<Omit<ProviderRow, 'id'>> {}

/**
 * The catalog's index. Two implementations share this contract (SQLite and PostgreSQL) and answer every search
 * alike; resolvers, search and the harvester only ever see this interface.
 */
export interface CatalogStore {
  readonly backend: 'sqlite' | 'postgres';
  readonly rates: CurrencyRates;

  /**
   * Writes credentials (new or changed; unchanged ones are recognised by content and skipped, so a harvest that
   * rewrites the same data changes nothing), each credential atomically, in one transaction.
   */
  writeCredentials(records: readonly IndexedCredential[]): Promise<{ written: number; unchanged: number }>;
  /** Every credential id the index holds for a provider. */
  credentialIdsOf(provider: string): Promise<string[]>;
  removeCredentials(ids: readonly string[]): Promise<number>;
  /** Forgets a provider's issuers that no credential refers to any more. */
  pruneIssuers(provider: string): Promise<void>;
  /** Precomputes what pays to precompute (facet counts of the whole index) after a harvest changed it. */
  refreshStatistics(): Promise<void>;

  countMatches(match: MatchSpec): Promise<number>;
  searchPage(request: PageRequest): Promise<PageRow[]>;
  facet(request: FacetRequest): Promise<FacetCount[]>;

  /** Credentials by id, in the order asked, null where unknown; records may be shared and are frozen. */
  credentialsById(ids: readonly string[]): Promise<Array<IndexedCredential | null>>;
  /** The same, read from the database every time (a baseline for benchmarks). */
  readCredentialRecords(ids: readonly string[]): Promise<Array<IndexedCredential | null>>;
  related(id: string, type: RelationType): Promise<Array<{ id: string; order: number | null }>>;
  sameAsIds(id: string): Promise<string[]>;
  issuer(id: string): Promise<IssuerRow | null>;
  issuerNames(ids: readonly string[]): Promise<Map<string, string>>;
  countIssuers(request: Omit<IssuerPageRequest, 'after' | 'limit'>): Promise<number>;
  issuerPage(request: IssuerPageRequest): Promise<Array<IssuerRow & { nameKey: string }>>;

  registerProvider(id: string, feedUrl: string): Promise<void>;
  forgetProvider(id: string): Promise<void>;
  updateProvider(id: string, changes: ProviderChanges): Promise<void>;
  providers(): Promise<ProviderRow[]>;
  credentialCounts(): Promise<Map<string, number>>;
  /**
   * Takes (or renews) the right to harvest a provider for `ttlMs`, so that replicas sharing one index never
   * harvest the same provider at once. False while another owner holds an unexpired lease.
   */
  acquireHarvestLease(provider: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseHarvestLease(provider: string, owner: string): Promise<void>;
  /** A number that changes whenever the index changes (the gateway's caches read it through `GET /version`). */
  indexVersion(): Promise<number>;
  /** Who holds a provider's harvest lease now, or null. */
  harvestLeaseOwner(provider: string): Promise<string | null>;

  close(): Promise<void>;
}

export type { CredentialRecord };
