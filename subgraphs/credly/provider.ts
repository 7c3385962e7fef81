import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  type FeedPage,
  type FeedRequest,
  forEachConcurrently,
  InvalidCursorError,
  loadEachDistinct,
} from '../kit/index.js';
import { CredlyClient, type TemplateSighting } from './client.js';
import { isCredlyId, readConfig } from './config.js';
import {
  type CredlyBadgeTemplateDetails,
  credlyDetailsResolvers,
  credlyDetailsTypeDefs,
  toDetails,
} from './details.js';
import { CREDLY_PROVIDER_ID, requiredTemplateIds, toCredentialRecord } from './mapping.js';
import type { CredlyBadgeTemplate } from './upstream.js';

/** Only these reach the feed; the rest (archived, draft, private) are skipped. */
export const FEED_FILTER = 'state::active';
/** A stable order for paging; see README "Quirks" on sorting. */
export const FEED_SORT = 'name';
/** Templates fetched at once by `loadDetails`: Credly has no multi-get and documents no rate limit. */
export const DETAILS_CONCURRENCY = 4;

/** Where the feed stands: which configured organization, and the upstream's link to its next page. */
interface FeedCursor {
  v: 1;
  /** Index into the configured organization ids. */
  org: number;
  /** That organization's id, so that a cursor from another configuration is refused rather than misread. */
  orgId: string;
  /** Credly's `next_page_url` within that organization, or null to start at its first page. */
  next: string | null;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const cursor = value as FeedCursor;
  return (
    typeof value === 'object' &&
    value !== null &&
    cursor.v === 1 &&
    Number.isInteger(cursor.org) &&
    cursor.org >= 0 &&
    typeof cursor.orgId === 'string' &&
    (cursor.next === null || typeof cursor.next === 'string')
  );
}

/** Whether a template may be shown publicly at all: Credly's `public` flag, and not an unpublished draft. */
export function isPublished(template: Pick<CredlyBadgeTemplate, 'state' | 'public'>): boolean {
  return template.public === true && template.state !== 'draft';
}

/** Whether a template belongs in the feed: published and active. */
export function isFeedable(template: Pick<CredlyBadgeTemplate, 'state' | 'public'>): boolean {
  return isPublished(template) && template.state === 'active';
}

/**
 * Which of the prerequisites these templates name the feed publishes, so that stacking relations point only
 * at credentials the catalog will hold. Prerequisites the client has not seen on a list page yet (a later
 * page, another organization) are looked up once each, a few at a time, first in the organization that
 * listed the templates (stacks usually stay within one issuer); the client remembers the answers.
 */
export async function feedablePrerequisites(
  client: CredlyClient,
  templates: readonly CredlyBadgeTemplate[],
  organizationId?: string,
): Promise<(templateId: string) => boolean> {
  const unseen = [
    ...new Set(
      templates
        .flatMap(requiredTemplateIds)
        .map((id) => id.toLowerCase())
        .filter((id) => client.sighting(id) === undefined),
    ),
  ];
  await forEachConcurrently(unseen, DETAILS_CONCURRENCY, async (templateId) => {
    await client.findBadgeTemplate(templateId, organizationId);
  });
  return (templateId) => {
    const sighting: TemplateSighting | null | undefined = client.sighting(templateId);
    return sighting != null && isFeedable(sighting);
  };
}

/**
 * One upstream page per feed page: the configured organizations in order, each paged through Credly's own
 * `next_page_url`, so that the cursor carries all state and the feed stays stateless.
 */
export async function credlyFeedPage(client: CredlyClient, request: FeedRequest): Promise<FeedPage> {
  const organizationIds = client.config.organizationIds;
  const cursor = request.cursor === null ? firstCursor(organizationIds) : readCursor(client, request.cursor);
  if (!cursor) return { items: [], nextCursor: null };

  const organization = await client.organization(cursor.orgId);
  const page = cursor.next
    ? await client.badgeTemplatesPage(cursor.orgId, cursor.next)
    : await client.listBadgeTemplates(cursor.orgId, {
        per: Math.min(request.limit, client.config.pageSize),
        filter: FEED_FILTER,
        sort: FEED_SORT,
      });

  const fetchedAt = new Date().toISOString();
  const since = request.updatedSince === null ? null : Date.parse(request.updatedSince);
  const templates = page.data
    .filter(isFeedable)
    .filter((template) => since === null || !(Date.parse(template.updated_at ?? '') < since));
  const isFeedableTemplate = await feedablePrerequisites(client, templates, cursor.orgId);
  const items = templates.map((template) =>
    toCredentialRecord(template, organization, fetchedAt, { isFeedableTemplate }),
  );

  const next = page.metadata.next_page_url ?? null;
  let nextCursor: FeedCursor | null;
  if (next) {
    nextCursor = { v: 1, org: cursor.org, orgId: cursor.orgId, next };
  } else if (cursor.org + 1 < organizationIds.length) {
    nextCursor = { v: 1, org: cursor.org + 1, orgId: organizationIds[cursor.org + 1]!, next: null };
  } else {
    nextCursor = null;
  }
  return { items, nextCursor: nextCursor && encodeCursor(nextCursor) };
}

function firstCursor(organizationIds: readonly string[]): FeedCursor | null {
  const first = organizationIds[0];
  return first === undefined ? null : { v: 1, org: 0, orgId: first, next: null };
}

function readCursor(client: CredlyClient, raw: string): FeedCursor {
  const cursor = decodeCursor(raw, isFeedCursor);
  if (
    !cursor ||
    client.config.organizationIds[cursor.org] !== cursor.orgId ||
    (cursor.next !== null && !client.isBadgeTemplatesPageUrl(cursor.orgId, cursor.next))
  ) {
    throw new InvalidCursorError();
  }
  return cursor;
}

/**
 * Live details, one result per ref in order. Credly has no multi-get, so templates are fetched a few at a
 * time (each id once, however often it is asked for). A 401 fails the whole batch, since no other item could
 * fare better; other failures are that item's Error.
 */
export async function loadCredlyDetails(
  client: CredlyClient,
  refs: readonly ParsedId[],
): Promise<Array<CredlyBadgeTemplateDetails | null | Error>> {
  const templateIds = refs.map((ref) =>
    ref.provider === CREDLY_PROVIDER_ID && ref.kind === 'template' && isCredlyId(ref.upstreamId)
      ? ref.upstreamId.toLowerCase()
      : null,
  );
  return loadEachDistinct(templateIds, DETAILS_CONCURRENCY, async (templateId) => {
    const found = await client.findBadgeTemplate(templateId);
    return found && isPublished(found.template) ? toDetails(found.template) : null;
  });
}

/** The Credly provider: badge templates of the configured organizations, as credentials. */
export const credlyProvider = defineProvider({
  info: {
    id: CREDLY_PROVIDER_ID,
    name: 'Credly',
    kind: 'BADGE_PLATFORM',
    url: 'https://www.credly.com',
  },
  readConfig,
  createClient: (config) => new CredlyClient(config),
  feedPage: credlyFeedPage,
  loadDetails: loadCredlyDetails,
  details: {
    typeName: 'CredlyBadgeTemplate',
    typeDefs: credlyDetailsTypeDefs,
    resolvers: credlyDetailsResolvers,
  },
});
