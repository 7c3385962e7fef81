import { type Closable, type Query, UpstreamError, UpstreamHttp } from '../kit/index.js';
import type { CredlyConfig } from './config.js';
import type {
  CredlyBadgeTemplate,
  CredlyListEnvelope,
  CredlyOrganization,
  CredlyPageMetadata,
} from './upstream.js';

const PROVIDER = 'credly';
/** Organizations change rarely, and every feed page needs its organization: one fetch per org per interval. */
const ORGANIZATION_TTL_MS = 5 * 60_000;
/** Bounds the index of templates seen so that a long-lived process cannot grow it without limit. */
const MAX_KNOWN_TEMPLATES = 20_000;

export interface BadgeTemplateListOptions {
  page?: number;
  per?: number;
  /** Credly filter expression, e.g. `state::active|query::security`. */
  filter?: string;
  /** Credly sort key, e.g. `name` or `-name`. */
  sort?: string;
}

export interface FoundBadgeTemplate {
  template: CredlyBadgeTemplate;
  organizationId: string;
}

/** What the client last saw of a template: where it is listed, and whether it was active and public. */
export interface TemplateSighting {
  organizationId: string;
  state: string;
  public: boolean;
}

/**
 * Credly's Web Service API over the kit's UpstreamHttp: HTTP Basic auth with the org token, the `{data,
 * metadata}` envelope and `next_page_url` pagination. It knows HTTP, not GraphQL or the common schema.
 */
export class CredlyClient implements Closable {
  private readonly http: UpstreamHttp;
  private readonly organizations = new Map<
    string,
    { expiresAt: number; value: Promise<CredlyOrganization> }
  >();
  /**
   * Templates seen so far, by lower-case id: their organization (Credly's template path needs it) and their
   * state. Null for a template no configured organization knew when last asked.
   */
  private readonly sightings = new Map<string, TemplateSighting | null>();

  constructor(readonly config: CredlyConfig) {
    this.http = new UpstreamHttp({
      provider: PROVIDER,
      baseUrl: config.baseUrl,
      // Credly takes the token as the Basic username with an empty password.
      headers: { authorization: `Basic ${Buffer.from(`${config.apiToken}:`).toString('base64')}` },
      credentialsSetting: 'CREDLY_API_TOKEN',
      timeoutMs: config.timeoutMs,
    });
  }

  /** `GET organizations/{org}`, cached for a few minutes and shared by concurrent callers. */
  organization(organizationId: string): Promise<CredlyOrganization> {
    const cached = this.organizations.get(organizationId);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const value = this.http
      .getJson<unknown>(organizationPath(organizationId))
      .then((body) => itemData<CredlyOrganization>(body, 'organization'));
    this.organizations.set(organizationId, { expiresAt: Date.now() + ORGANIZATION_TTL_MS, value });
    value.catch(() => {
      if (this.organizations.get(organizationId)?.value === value) this.organizations.delete(organizationId);
    });
    return value;
  }

  /** The first page of `GET organizations/{org}/badge_templates`. */
  async listBadgeTemplates(
    organizationId: string,
    options: BadgeTemplateListOptions = {},
  ): Promise<CredlyListEnvelope<CredlyBadgeTemplate>> {
    const query: Query = {
      page: options.page,
      per: options.per,
      filter: options.filter,
      sort: options.sort,
    };
    const body = await this.http.getJson<unknown>(badgeTemplatesPath(organizationId), query);
    return this.rememberPage(organizationId, listEnvelope(body));
  }

  /**
   * A later page, by the absolute `next_page_url` Credly handed us. Refuses URLs that are not this
   * organization's template list (UpstreamHttp already refuses other hosts, which would receive our token).
   */
  async badgeTemplatesPage(
    organizationId: string,
    pageUrl: string,
  ): Promise<CredlyListEnvelope<CredlyBadgeTemplate>> {
    if (!this.isBadgeTemplatesPageUrl(organizationId, pageUrl)) {
      throw badResponse(
        `next_page_url ${JSON.stringify(pageUrl)} is not a badge template list of ${organizationId}`,
      );
    }
    const body = await this.http.getJson<unknown>(pageUrl);
    return this.rememberPage(organizationId, listEnvelope(body));
  }

  /** Every template of an organization, following `next_page_url` to the last page. */
  async *allBadgeTemplates(
    organizationId: string,
    options: BadgeTemplateListOptions = {},
  ): AsyncGenerator<CredlyBadgeTemplate> {
    let page = await this.listBadgeTemplates(organizationId, options);
    yield* page.data;
    while (page.metadata.next_page_url) {
      page = await this.badgeTemplatesPage(organizationId, page.metadata.next_page_url);
      yield* page.data;
    }
  }

  /** Whether a URL points at this organization's template list on the configured upstream. */
  isBadgeTemplatesPageUrl(organizationId: string, pageUrl: string): boolean {
    try {
      const url = new URL(pageUrl);
      const expected = this.http.resolve(badgeTemplatesPath(organizationId));
      return url.origin === expected.origin && url.pathname === expected.pathname;
    } catch {
      return false;
    }
  }

  /** `GET organizations/{org}/badge_templates/{id}`; null when Credly answers 404. */
  async badgeTemplate(organizationId: string, templateId: string): Promise<CredlyBadgeTemplate | null> {
    let body: unknown;
    try {
      body = await this.http.getJson<unknown>(
        `${badgeTemplatesPath(organizationId)}/${encodeURIComponent(templateId)}`,
      );
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'UPSTREAM_NOT_FOUND') return null;
      throw error;
    }
    const template = itemData<CredlyBadgeTemplate>(body, 'badge template');
    this.rememberTemplate(template, organizationId);
    return template;
  }

  /**
   * A template by id alone. Credly addresses templates under their organization, and credgraph ids carry only
   * the template id, so this asks the organization it last saw the template in (else `likelyOrganizationId`,
   * when the caller has a good guess), then the other configured ones in order, and answers null when none
   * knows it.
   */
  async findBadgeTemplate(
    templateId: string,
    likelyOrganizationId?: string,
  ): Promise<FoundBadgeTemplate | null> {
    const first = this.sightings.get(templateId.toLowerCase())?.organizationId ?? likelyOrganizationId;
    const candidates = first
      ? [first, ...this.config.organizationIds.filter((id) => id !== first)]
      : this.config.organizationIds;
    for (const organizationId of candidates) {
      const template = await this.badgeTemplate(organizationId, templateId);
      if (template) return { template, organizationId };
    }
    this.remember(templateId.toLowerCase(), null);
    return null;
  }

  /**
   * What the client last saw of a template, from any list page or lookup: undefined when it never saw it,
   * null when no configured organization knew it. It may be stale; a later sighting replaces it.
   */
  sighting(templateId: string): TemplateSighting | null | undefined {
    return this.sightings.get(templateId.toLowerCase());
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private rememberPage(
    organizationId: string,
    page: CredlyListEnvelope<CredlyBadgeTemplate>,
  ): CredlyListEnvelope<CredlyBadgeTemplate> {
    for (const template of page.data) this.rememberTemplate(template, organizationId);
    return page;
  }

  private rememberTemplate(template: CredlyBadgeTemplate, organizationId: string): void {
    if (typeof template.id !== 'string') return;
    this.remember(template.id.toLowerCase(), {
      organizationId,
      state: String(template.state),
      public: template.public === true,
    });
  }

  private remember(key: string, sighting: TemplateSighting | null): void {
    this.sightings.delete(key);
    this.sightings.set(key, sighting);
    if (this.sightings.size > MAX_KNOWN_TEMPLATES) {
      const oldest = this.sightings.keys().next().value;
      if (oldest !== undefined) this.sightings.delete(oldest);
    }
  }
}

function organizationPath(organizationId: string): string {
  return `organizations/${encodeURIComponent(organizationId)}`;
}

function badgeTemplatesPath(organizationId: string): string {
  return `${organizationPath(organizationId)}/badge_templates`;
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER, `${PROVIDER}: ${detail}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function listEnvelope(body: unknown): CredlyListEnvelope<CredlyBadgeTemplate> {
  if (!isObject(body) || !Array.isArray(body.data) || !body.data.every(isTemplateLike)) {
    throw badResponse('answered a badge template list without the {data: [template…]} envelope');
  }
  const metadata = isObject(body.metadata) ? (body.metadata as CredlyPageMetadata) : {};
  return { data: body.data as CredlyBadgeTemplate[], metadata };
}

function itemData<T extends { id: string }>(body: unknown, what: string): T {
  if (!isObject(body) || !isObject(body.data) || typeof body.data.id !== 'string') {
    throw badResponse(`answered a ${what} without the {data: {id, …}} envelope`);
  }
  return body.data as unknown as T;
}

function isTemplateLike(value: unknown): boolean {
  return isObject(value) && typeof value.id === 'string';
}
