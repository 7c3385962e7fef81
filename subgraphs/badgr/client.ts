import { type Closable, type Query, UpstreamError, UpstreamHttp } from '../kit/index.js';
import { BadgrTokenSource } from './auth.js';
import { BADGR_MAX_PAGE_SIZE, type BadgrConfig, PROVIDER_ID } from './config.js';
import type { BadgrBadgeClass, BadgrEnvelope, BadgrIssuer } from './upstream.js';

/** Issuers change rarely, and every feed page needs them: one `GET /v2/issuers` per interval. */
const ISSUERS_TTL_MS = 5 * 60_000;
/** Bounds the cache of issuers fetched one by one, so that a long-lived process cannot grow it without limit. */
const MAX_EXTRA_ISSUERS = 1_000;

export const CHANGED_BADGE_CLASSES_PATH = 'v2/badgeclasses/changed';

/** One page of `GET /v2/badgeclasses/changed`. */
export interface BadgeClassPage {
  badgeClasses: BadgrBadgeClass[];
  /** Badgr's absolute link to the next page, or null on the last page. */
  next: string | null;
  /** Badgr's server time taken before the query: the `since` for the next incremental harvest. */
  timestamp: string | null;
}

export interface ChangedBadgeClassesRequest {
  /** Page size (`?num=`), 1–500. */
  num: number;
  /** Only badge classes changed after this ISO 8601 date-time (with time zone); all when null. */
  since: string | null;
}

/**
 * Badgr's API v2 over the kit's `UpstreamHttp`: a Bearer token from the password grant (renewed before it
 * expires, and once more when Badgr answers 401), the `{status, result, pagination}` envelope, and the cursor
 * links of the `changed` lists. It knows HTTP and Badgr, nothing of GraphQL or the common schema.
 *
 * The kit's `UpstreamHttp` takes each request's `Authorization` from the token source, and renews it once
 * when Badgr answers 401.
 */
export class BadgrClient implements Closable {
  readonly tokens: BadgrTokenSource;
  private readonly http: UpstreamHttp;
  private issuerList: { expiresAt: number; value: Promise<Map<string, BadgrIssuer>> } | null = null;
  /** Issuers fetched one by one because the list did not have them, or null when Badgr does not know them. */
  private readonly extraIssuers = new Map<string, Promise<BadgrIssuer | null>>();
  private readonly changedPath: string;

  constructor(readonly config: BadgrConfig) {
    this.tokens = new BadgrTokenSource(config);
    const tokens = this.tokens;
    this.http = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.baseUrl,
      authorization: {
        header: async () => `Bearer ${(await tokens.token()).value}`,
        renew: async (rejected) => void (await tokens.renew(rejected.replace(/^Bearer /, ''))),
      },
      credentialsSetting: 'BADGR_USERNAME / BADGR_PASSWORD',
      timeoutMs: config.timeoutMs,
    });
    this.changedPath = new URL(CHANGED_BADGE_CLASSES_PATH, config.baseUrl).pathname;
  }

  /** `GET /v2/issuers`: every issuer the account is staff of (Badgr does not paginate this list). */
  async listIssuers(): Promise<BadgrIssuer[]> {
    const envelope = await this.getEnvelope<BadgrIssuer>('v2/issuers');
    return envelope.result;
  }

  /** `GET /v2/issuers/{entityId}`; null when Badgr answers 404. */
  async getIssuer(entityId: string): Promise<BadgrIssuer | null> {
    return this.getOne<BadgrIssuer>(`v2/issuers/${encodeURIComponent(entityId)}`);
  }

  /**
   * The issuers with these entity ids, by id: from `GET /v2/issuers`, cached for a few minutes and shared by
   * concurrent callers, completed with `GET /v2/issuers/{entityId}` for any the list lacks. Ids Badgr does not
   * know are absent from the answer.
   */
  async issuersById(entityIds: Iterable<string>): Promise<Map<string, BadgrIssuer>> {
    const all = await this.cachedIssuerList();
    const found = new Map<string, BadgrIssuer>();
    const missing: string[] = [];
    for (const id of new Set(entityIds)) {
      const issuer = all.get(id);
      if (issuer) found.set(id, issuer);
      else missing.push(id);
    }
    const extras = await Promise.all(missing.map((id) => this.extraIssuer(id)));
    for (const issuer of extras) if (issuer) found.set(issuer.entityId, issuer);
    return found;
  }

  /**
   * `GET /v2/issuers/{entityId}/badgeclasses` without `num`: Badgr then answers the whole list at once. With
   * `num` it pages through a `Link` response header only: more requests for the same list.
   */
  async listIssuerBadgeClasses(issuerEntityId: string): Promise<BadgrBadgeClass[]> {
    const envelope = await this.getEnvelope<BadgrBadgeClass>(
      `v2/issuers/${encodeURIComponent(issuerEntityId)}/badgeclasses`,
    );
    return envelope.result;
  }

  /** `GET /v2/badgeclasses/{entityId}`; null when Badgr answers 404. */
  async getBadgeClass(entityId: string): Promise<BadgrBadgeClass | null> {
    return this.getOne<BadgrBadgeClass>(`v2/badgeclasses/${encodeURIComponent(entityId)}`);
  }

  /** The first page of `GET /v2/badgeclasses/changed?num=&since=`: every badge class of the account's issuers. */
  async changedBadgeClasses(request: ChangedBadgeClassesRequest): Promise<BadgeClassPage> {
    if (!Number.isInteger(request.num) || request.num < 1 || request.num > BADGR_MAX_PAGE_SIZE) {
      throw new RangeError(`${PROVIDER_ID}: num must be a whole number from 1 to ${BADGR_MAX_PAGE_SIZE}`);
    }
    const query: Query = { num: request.num, since: request.since };
    return this.badgeClassPage(CHANGED_BADGE_CLASSES_PATH, query);
  }

  /** A later page, by the `pagination.nextResults` link Badgr handed us; refuses links to anything else. */
  async changedBadgeClassesPage(nextResults: string): Promise<BadgeClassPage> {
    if (!this.isChangedPageUrl(nextResults)) {
      throw badResponse(
        `pagination.nextResults ${JSON.stringify(nextResults)} is not a badge class changes link`,
      );
    }
    return this.badgeClassPage(nextResults);
  }

  /** Whether a URL is a page of the badge class changes list on the configured upstream. */
  isChangedPageUrl(pageUrl: string): boolean {
    try {
      const url = new URL(pageUrl);
      return url.origin === new URL(this.config.baseUrl).origin && url.pathname === this.changedPath;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.http.close();
    await this.tokens.close();
  }

  private async badgeClassPage(pathOrUrl: string, query?: Query): Promise<BadgeClassPage> {
    const envelope = await this.getEnvelope<BadgrBadgeClass>(pathOrUrl, query);
    const pagination = envelope.pagination;
    let next: string | null = null;
    if (pagination?.hasNext) {
      if (typeof pagination.nextResults !== 'string' || pagination.nextResults === '') {
        throw badResponse('a badge class changes page says hasNext but gives no nextResults link');
      }
      if (pagination.nextResults === pathOrUrl) {
        throw badResponse('a badge class changes page links to itself as the next page');
      }
      next = pagination.nextResults;
    }
    return {
      badgeClasses: envelope.result,
      next,
      timestamp: typeof envelope.timestamp === 'string' ? envelope.timestamp : null,
    };
  }

  private cachedIssuerList(): Promise<Map<string, BadgrIssuer>> {
    const cached = this.issuerList;
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const value = this.listIssuers().then(
      (issuers) => new Map(issuers.map((issuer) => [issuer.entityId, issuer])),
    );
    const entry = { expiresAt: Date.now() + ISSUERS_TTL_MS, value };
    this.issuerList = entry;
    value.catch(() => {
      if (this.issuerList === entry) this.issuerList = null;
    });
    return value;
  }

  private extraIssuer(entityId: string): Promise<BadgrIssuer | null> {
    const cached = this.extraIssuers.get(entityId);
    if (cached) return cached;
    const value = this.getIssuer(entityId);
    this.extraIssuers.set(entityId, value);
    if (this.extraIssuers.size > MAX_EXTRA_ISSUERS) {
      const oldest = this.extraIssuers.keys().next().value;
      if (oldest !== undefined) this.extraIssuers.delete(oldest);
    }
    value.catch(() => {
      if (this.extraIssuers.get(entityId) === value) this.extraIssuers.delete(entityId);
    });
    return value;
  }

  private async getOne<T extends { entityId: string }>(path: string): Promise<T | null> {
    let envelope: BadgrEnvelope<T>;
    try {
      envelope = await this.getEnvelope<T>(path);
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'UPSTREAM_NOT_FOUND') return null;
      throw error;
    }
    return envelope.result[0] ?? null;
  }

  private async getEnvelope<T>(pathOrUrl: string, query?: Query): Promise<BadgrEnvelope<T>> {
    const body = await this.http.getJson<unknown>(pathOrUrl, query);
    return checkEnvelope<T>(body, new URL(pathOrUrl, this.config.baseUrl).pathname);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The v2 envelope, checked: `status.success` true and `result` an array of entities (objects with an
 * `entityId`). Badgr reports some failures with HTTP 200 and `success: false`; those are not data.
 */
function checkEnvelope<T>(body: unknown, path: string): BadgrEnvelope<T> {
  if (!isObject(body) || !isObject(body.status) || !Array.isArray(body.result)) {
    throw badResponse(`${path} answered without the {status, result} envelope`);
  }
  if (body.status.success !== true) {
    const description = typeof body.status.description === 'string' ? `: ${body.status.description}` : '';
    throw badResponse(`${path} answered status.success=false${description.slice(0, 200)}`);
  }
  if (!body.result.every((item) => isObject(item) && typeof item.entityId === 'string')) {
    throw badResponse(`${path} answered a result that is not a list of entities with an entityId`);
  }
  const pagination = body.pagination;
  if (pagination !== undefined && pagination !== null && !isObject(pagination)) {
    throw badResponse(`${path} answered a malformed pagination`);
  }
  return body as unknown as BadgrEnvelope<T>;
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER_ID, `${PROVIDER_ID}: ${detail}`);
}
