import { type Closable, forEachConcurrently, UpstreamError, UpstreamHttp } from '../kit/index.js';
import { isCtid, MAX_REGISTRY_PAGE_SIZE, PROVIDER_ID, type RegistryConfig } from './config.js';
import { isObject } from './ctdl.js';
import {
  CREDENTIAL_CLASSES,
  type CtdlCredential,
  type CtdlOrganization,
  type SearchEnvelope,
  type SearchRequest,
} from './upstream.js';

/** The search endpoint, relative to `REGISTRY_BASE_URL`. */
export const SEARCH_PATH = 'assistant/search/ctdl';
/** The sort the feed pages by. */
export const SEARCH_SORT = '^search:relevance';
/** Organizations change rarely and every credential names one, so their records are kept this long. */
export const ORGANIZATION_TTL_MS = 10 * 60_000;
/** Enough for every organization of a large registry; the oldest entries go first beyond it. */
const ORGANIZATION_CACHE_LIMIT = 10_000;

/** One page of search results. */
export interface SearchPage {
  /** The records as the registry sent them; each is a JSON object, not otherwise checked. */
  records: Array<Record<string, unknown>>;
  /** `extra.TotalResults`: every match, not just this page; null when the registry leaves it out. */
  total: number | null;
  /** The `Skip` of the next page, or null on the last page. */
  nextSkip: number | null;
}

export interface PageRequest {
  skip: number;
  take: number;
}

/** What a details lookup found for one CTID: the record, null when there is none, or that lookup's failure. */
export type CredentialLookup = CtdlCredential | null | Error;

/**
 * The Credential Engine Registry over the kit's `UpstreamHttp`: the authenticated search API
 * (`POST assistant/search/ctdl`) for the feed, and the public records (`GET resources/{ctid}`) for details and
 * organizations. The API key goes to the search API only. Knows HTTP and CTDL envelopes, nothing of GraphQL.
 */
export class RegistryClient implements Closable {
  private readonly searchHttp: UpstreamHttp;
  private readonly recordsHttp: UpstreamHttp;
  private readonly organizations = new Map<
    string,
    { expires: number; value: Promise<CtdlOrganization | null> }
  >();
  private readonly now: () => number;

  constructor(
    readonly config: RegistryConfig,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.searchHttp = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.baseUrl,
      headers: { authorization: `ApiToken ${config.apiKey}` },
      credentialsSetting: 'REGISTRY_API_KEY',
      timeoutMs: config.timeoutMs,
    });
    // Following a record link needs no key, so none is sent to the registry's host.
    this.recordsHttp = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.resourcesUrl,
      timeoutMs: config.timeoutMs,
      connections: Math.max(config.concurrency, 1),
    });
  }

  /** The search query the feed runs: every credential class, optionally only the configured owners'. */
  credentialQuery(): Record<string, unknown> {
    const query: Record<string, unknown> = { '@type': [...CREDENTIAL_CLASSES] };
    if (this.config.ownerCtids.length > 0)
      query['ceterms:ownedBy'] = { 'ceterms:ctid': [...this.config.ownerCtids] };
    return query;
  }

  /**
   * `POST assistant/search/ctdl`: one page of credentials. Searching only reads, so the POST is retried after
   * a transient failure (429, 5xx, timeout, connection failure), like a GET.
   */
  async searchCredentials(page: PageRequest): Promise<SearchPage> {
    const take = checkTake(page.take);
    const request: SearchRequest = {
      Query: this.credentialQuery(),
      Skip: page.skip,
      Take: take,
      Sort: SEARCH_SORT,
      DescriptionSetType: 'Resource',
    };
    return readSearchPage(await this.postSearch(request), page.skip, take);
  }

  /** `GET resources/{ctid}`: a registry record of any class, or null when the registry has none. */
  async getResource(ctid: string): Promise<Record<string, unknown> | null> {
    if (!isCtid(ctid)) return null;
    let body: unknown;
    try {
      body = await this.recordsHttp.getJson<unknown>(`resources/${encodeURIComponent(ctid)}`);
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'UPSTREAM_NOT_FOUND') return null;
      throw error;
    }
    if (!isObject(body) || typeof body['@type'] !== 'string' || typeof body['ceterms:ctid'] !== 'string') {
      throw badResponse(`resources/${ctid} answered with something that is not a CTDL record`);
    }
    if (body['ceterms:ctid'].toLowerCase() !== ctid.toLowerCase()) {
      throw badResponse(`resources/${ctid} answered with the record of ${body['ceterms:ctid']}`);
    }
    return body;
  }

  /**
   * Credential records by CTID, `REGISTRY_CONCURRENCY` requests at a time, each CTID once. Null for a CTID the
   * registry does not know or whose record is not a credential; an Error for a lookup that failed on its own.
   */
  async getCredentials(ctids: readonly string[]): Promise<Map<string, CredentialLookup>> {
    const found = new Map<string, CredentialLookup>();
    await forEachConcurrently(unique(ctids), this.config.concurrency, async (ctid) => {
      try {
        const record = await this.getResource(ctid);
        found.set(ctid, record && isCredentialRecord(record) ? (record as CtdlCredential) : null);
      } catch (error) {
        found.set(ctid, error instanceof Error ? error : new Error(String(error)));
      }
    });
    return found;
  }

  /**
   * Organization records by CTID, cached for `ORGANIZATION_TTL_MS` (failures are not cached). CTIDs the
   * registry does not know, or that are not organizations, are absent from the answer. Other failures reject,
   * unless `skipFailures` is set: then those organizations are absent too.
   */
  async getOrganizations(
    ctids: readonly string[],
    { skipFailures = false } = {},
  ): Promise<Map<string, CtdlOrganization>> {
    const found = new Map<string, CtdlOrganization>();
    await forEachConcurrently(unique(ctids), this.config.concurrency, async (ctid) => {
      try {
        const organization = await this.organization(ctid);
        if (organization) found.set(ctid, organization);
      } catch (error) {
        if (!skipFailures) throw error;
      }
    });
    return found;
  }

  async close(): Promise<void> {
    await Promise.all([this.searchHttp.close(), this.recordsHttp.close()]);
  }

  /** The search only reads, so it is retried like a GET (the kit honours Retry-After and backs off). */
  private postSearch(request: SearchRequest): Promise<unknown> {
    return this.searchHttp.postJson<unknown>(SEARCH_PATH, request, { idempotent: true });
  }

  private organization(ctid: string): Promise<CtdlOrganization | null> {
    const now = this.now();
    const cached = this.organizations.get(ctid);
    if (cached && cached.expires > now) return cached.value;
    const value = this.getResource(ctid).then((record) =>
      record && isOrganizationRecord(record) ? (record as CtdlOrganization) : null,
    );
    this.organizations.delete(ctid);
    this.organizations.set(ctid, { expires: now + ORGANIZATION_TTL_MS, value });
    if (this.organizations.size > ORGANIZATION_CACHE_LIMIT) {
      const oldest = this.organizations.keys().next().value;
      if (oldest !== undefined) this.organizations.delete(oldest);
    }
    value.catch(() => {
      if (this.organizations.get(ctid)?.value === value) this.organizations.delete(ctid);
    });
    return value;
  }
}

/**
 * Reads the assistant's envelope. `valid: false` on a 200 means the registry refused the query itself; a
 * missing `data` list, or a page that does not move `Skip` forward, is not the API shape we expect.
 */
export function readSearchPage(body: unknown, skip: number, take: number): SearchPage {
  if (!isObject(body)) throw badResponse(`${SEARCH_PATH} answered with something that is not an object`);
  const envelope = body as Partial<SearchEnvelope<unknown>>;
  if (envelope.valid === false) {
    const said = Array.isArray(envelope.messages)
      ? envelope.messages.filter((m) => typeof m === 'string')
      : [];
    const detail = said.length > 0 ? `: ${said.join('; ').slice(0, 200)}` : '';
    throw new UpstreamError(
      'UPSTREAM_BAD_REQUEST',
      PROVIDER_ID,
      `${PROVIDER_ID}: the search API refused the query${detail}`,
    );
  }
  if (!Array.isArray(envelope.data) || !envelope.data.every(isObject)) {
    throw badResponse(`${SEARCH_PATH} answered without a "data" list of records`);
  }
  const records = envelope.data as Array<Record<string, unknown>>;
  const reported = envelope.extra?.TotalResults;
  const total = typeof reported === 'number' && Number.isInteger(reported) && reported >= 0 ? reported : null;
  let nextSkip: number | null;
  if (records.length === 0) nextSkip = null;
  else if (total !== null) nextSkip = skip + records.length < total ? skip + records.length : null;
  // Without a total, a full page may have more behind it; an empty one then ends the walk.
  else nextSkip = records.length >= take ? skip + records.length : null;
  return { records, total, nextSkip };
}

/** Whether a record is a credential of some CTDL class (not an organization, competency or course). */
export function isCredentialRecord(record: Record<string, unknown>): boolean {
  const type = record['@type'];
  if (typeof type !== 'string') return false;
  return (
    (CREDENTIAL_CLASSES as readonly string[]).includes(type) ||
    // Classes CTDL adds later still end in one of these words.
    /^ceterms:\w*(Credential|Certificate|Certification|Degree|Doctorate|Diploma|Badge|License)$/.test(type)
  );
}

/** Whether a record describes an organization (`ceterms:CredentialOrganization`, `…QACredentialOrganization`). */
export function isOrganizationRecord(record: Record<string, unknown>): boolean {
  const type = record['@type'];
  return typeof type === 'string' && /^ceterms:\w*Organization$/.test(type);
}

function checkTake(take: number): number {
  if (!Number.isInteger(take) || take < 1 || take > MAX_REGISTRY_PAGE_SIZE) {
    throw new RangeError(`registry: Take must be a whole number from 1 to ${MAX_REGISTRY_PAGE_SIZE}`);
  }
  return take;
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER_ID, `${PROVIDER_ID}: ${detail}`);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
