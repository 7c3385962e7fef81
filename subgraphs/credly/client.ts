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
/** Bounds the template → organization index so that a long-lived process cannot grow it without limit. */
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
  /** Which organization each template seen so far belongs to, since Credly's template path needs it. */
  private readonly templateOrganizations = new Map<string, string>();

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
    return this.remember(organizationId, listEnvelope(body));
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
    return this.remember(organizationId, listEnvelope(body));
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
    this.rememberTemplate(template.id, organizationId);
    return template;
  }

  /**
   * A template by id alone. Credly addresses templates under their organization, and credgraph ids carry only
   * the template id, so this asks the organization it last saw the template in, then the other configured
   * ones in order, and answers null when none knows it.
   */
  async findBadgeTemplate(templateId: string): Promise<FoundBadgeTemplate | null> {
    const known = this.templateOrganizations.get(templateId);
    const candidates = known
      ? [known, ...this.config.organizationIds.filter((id) => id !== known)]
      : this.config.organizationIds;
    for (const organizationId of candidates) {
      const template = await this.badgeTemplate(organizationId, templateId);
      if (template) return { template, organizationId };
    }
    return null;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private remember(
    organizationId: string,
    page: CredlyListEnvelope<CredlyBadgeTemplate>,
  ): CredlyListEnvelope<CredlyBadgeTemplate> {
    for (const template of page.data) this.rememberTemplate(template.id, organizationId);
    return page;
  }

  private rememberTemplate(templateId: string, organizationId: string): void {
    if (typeof templateId !== 'string') return;
    this.templateOrganizations.delete(templateId);
    this.templateOrganizations.set(templateId, organizationId);
    if (this.templateOrganizations.size > MAX_KNOWN_TEMPLATES) {
      const oldest = this.templateOrganizations.keys().next().value;
      if (oldest !== undefined) this.templateOrganizations.delete(oldest);
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
