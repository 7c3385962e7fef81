import { type Closable, linkTargets, type Query, UpstreamError, UpstreamHttp } from '../kit/index.js';
import { OPENBADGES_MAX_PAGE_SIZE, type OpenBadgesConfig, PROVIDER_ID } from './config.js';
import { type HostCollection, hostPath } from './ids.js';
import {
  type AchievementsPage,
  type GetOpenBadgeCredentialsResponse,
  hasType,
  type ObAchievement,
  type ObProfile,
  type ServiceDescriptionDocument,
} from './upstream.js';

/** The OB API's own paths, relative to the host's base URL. */
export const OB_API = 'ims/ob/v3p0/';

export interface PageRequest {
  offset: number;
  limit: number;
}

/** One page of an issuer's achievements, and what the host's `Link` header says of a next one. */
export interface IssuerAchievements {
  achievements: ObAchievement[];
  /** Whether the `Link` header names a `next` page; null when the host sends no `Link` header at all. */
  hasNext: boolean | null;
}

export interface CredentialsRequest extends PageRequest {
  /** Only credentials issued after this date-time. */
  since?: string | null;
}

/**
 * An Open Badges 3.0 host over the kit's `UpstreamHttp`: discovery, issuer Profiles, issuers' achievement
 * listings, single Achievements and the OB API's `getCredentials`. Sends the OAuth 2.0 bearer token, resolves
 * OB identifiers to paths on the configured host and checks every answer's shape. Knows nothing of GraphQL.
 */
export class OpenBadgesClient implements Closable {
  private readonly http: UpstreamHttp;

  constructor(readonly config: OpenBadgesConfig) {
    this.http = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.baseUrl,
      headers: { authorization: `Bearer ${config.apiToken}` },
      credentialsSetting: 'OPENBADGES_API_TOKEN',
      timeoutMs: config.timeoutMs,
    });
  }

  /** `GET ims/ob/v3p0/discovery`: the Service Description Document (public: no token needed). */
  async getServiceDescription(): Promise<ServiceDescriptionDocument> {
    const body = await this.http.getJson<unknown>(`${OB_API}discovery`);
    const document = body as Partial<ServiceDescriptionDocument> | null;
    if (!isObject(document) || typeof document.openapi !== 'string' || !isObject(document.info)) {
      throw badResponse('the discovery document is not an OpenAPI Service Description Document');
    }
    return document as ServiceDescriptionDocument;
  }

  /**
   * The issuer Profile URLs to harvest, in order: `OPENBADGES_ISSUER_URLS` when set, else the discovery
   * document's `x-issuer-profiles`.
   */
  async listIssuerUrls(): Promise<string[]> {
    if (this.config.issuerUrls.length > 0) return this.config.issuerUrls;
    const listed = (await this.getServiceDescription())['x-issuer-profiles'];
    if (!Array.isArray(listed) || !listed.every((url) => typeof url === 'string')) {
      throw badResponse(
        'the discovery document lists no issuers (x-issuer-profiles); set OPENBADGES_ISSUER_URLS instead',
      );
    }
    const unusable = listed.find((url) => hostPath(url, 'issuers') === null);
    if (unusable !== undefined) {
      throw badResponse(
        `the discovery document lists ${JSON.stringify(unusable)}, not an issuer Profile URL`,
      );
    }
    return [...new Set(listed)];
  }

  /** `GET issuers/{id}`: an issuer Profile, or null when the host does not know it (or it is not a URL). */
  async getProfile(profileId: string): Promise<ObProfile | null> {
    const profile = await this.getResource(profileId, 'issuers');
    if (profile === null) return null;
    if (!hasType((profile as Partial<ObProfile>).type, 'Profile')) {
      throw badResponse(`${hostPath(profileId, 'issuers')} answered something that is not a Profile`);
    }
    return profile as unknown as ObProfile;
  }

  /** Several Profiles at once, `detailsConcurrency` requests in flight; unknown ones are left out. */
  async getProfiles(profileIds: Iterable<string>): Promise<Map<string, ObProfile>> {
    const ids = [...new Set(profileIds)];
    const profiles = await mapConcurrent(ids, this.config.detailsConcurrency, (id) => this.getProfile(id));
    const byId = new Map<string, ObProfile>();
    for (const profile of profiles) if (profile) byId.set(profile.id, profile);
    return byId;
  }

  /** `GET issuers/{id}/achievements?limit=&offset=`: one page of the achievements an issuer offers. */
  async listAchievements(issuerUrl: string, page: PageRequest): Promise<IssuerAchievements> {
    const issuerPath = hostPath(issuerUrl, 'issuers');
    if (issuerPath === null) throw badResponse(`${JSON.stringify(issuerUrl)} is not an issuer Profile URL`);
    const path = `${issuerPath}/achievements`;
    const { body, headers } = await this.http.getAnswer<unknown>(path, pageQuery(page));
    const listing = (body as Partial<AchievementsPage> | null)?.achievement;
    if (!Array.isArray(listing)) throw badResponse(`${path} answered without an "achievement" array`);
    for (const achievement of listing) checkAchievement(achievement, path);
    const hasNext = headers.link === undefined ? null : linkTargets(headers, this.http.baseUrl).has('next');
    return { achievements: listing as ObAchievement[], hasNext };
  }

  /** `GET achievements/{id}`: one Achievement, or null when the host does not know it (or it is not a URL). */
  async getAchievement(achievementId: string): Promise<ObAchievement | null> {
    const achievement = await this.getResource(achievementId, 'achievements');
    if (achievement !== null) checkAchievement(achievement, hostPath(achievementId, 'achievements') ?? '');
    return achievement as ObAchievement | null;
  }

  /** `GET ims/ob/v3p0/credentials?limit=&offset=&since=`: the token holder's awarded credentials, one page. */
  async getCredentials(request: CredentialsRequest): Promise<GetOpenBadgeCredentialsResponse> {
    const body = await this.http.getJson<unknown>(`${OB_API}credentials`, {
      ...pageQuery(request),
      since: request.since ?? undefined,
    });
    const response = body as GetOpenBadgeCredentialsResponse | null;
    const listsOk =
      isObject(response) &&
      (response.credential === undefined || Array.isArray(response.credential)) &&
      (response.compactJwsString === undefined || Array.isArray(response.compactJwsString));
    if (!listsOk)
      throw badResponse('credentials answered something that is not a GetOpenBadgeCredentialsResponse');
    return response;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * A JSON-LD resource by its OB id, fetched at its path on the configured host. Null when the id is not a URL
   * the host serves, or the host answers 404; a document whose `id` is another one is a bad response.
   */
  private async getResource(
    resourceId: string,
    collection: HostCollection,
  ): Promise<Record<string, unknown> | null> {
    const path = hostPath(resourceId, collection);
    if (path === null) return null;
    let body: unknown;
    try {
      body = await this.http.getJson<unknown>(path);
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'UPSTREAM_NOT_FOUND') return null;
      throw error;
    }
    if (!isObject(body)) throw badResponse(`${path} answered something that is not a JSON-LD object`);
    if (body.id !== resourceId) {
      throw badResponse(`${path} answered the resource ${JSON.stringify(body.id)}, not ${resourceId}`);
    }
    return body;
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep the order of `items`. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function pageQuery(page: PageRequest): Query {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > OPENBADGES_MAX_PAGE_SIZE) {
    throw new RangeError(`openbadges: limit must be a whole number from 1 to ${OPENBADGES_MAX_PAGE_SIZE}`);
  }
  if (!Number.isInteger(page.offset) || page.offset < 0) {
    throw new RangeError('openbadges: offset must be a whole number of at least 0');
  }
  return { limit: page.limit, offset: page.offset };
}

/** An Achievement needs at least its id and its type for anything to be done with it; the mapping checks the rest. */
function checkAchievement(value: unknown, where: string): void {
  const achievement = value as Partial<ObAchievement> | null;
  if (
    !isObject(achievement) ||
    typeof achievement.id !== 'string' ||
    !hasType(achievement.type, 'Achievement')
  ) {
    throw badResponse(`${where} answered an element that is not an Achievement with an id`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER_ID, `${PROVIDER_ID}: ${detail}`);
}
