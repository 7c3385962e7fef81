import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  type FeedPage,
  type FeedRequest,
  InvalidCursorError,
  loadEachDistinct,
} from '../kit/index.js';
import { BadgrClient } from './client.js';
import { type BadgrConfig, PROVIDER_ID, readConfig } from './config.js';
import { type BadgrBadgeClassDetails, DETAILS_TYPE_NAME, detailsTypeDefs, toDetails } from './details.js';
import { toCredentialRecord } from './mapping.js';

/** Badge classes fetched at once by `loadDetails`: Badgr has no multi-get. */
export const DETAILS_CONCURRENCY = 4;

/** Badgr entity ids are URL-safe base64; anything else cannot be one, so it is not asked for. */
const ENTITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Where the feed stands: Badgr's own link to the next page of the badge class changes list. */
interface FeedCursor {
  v: 1;
  next: string;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const cursor = value as FeedCursor;
  return typeof value === 'object' && value !== null && cursor.v === 1 && typeof cursor.next === 'string';
}

function readCursor(client: BadgrClient, raw: string): FeedCursor {
  const cursor = decodeCursor(raw, isFeedCursor);
  if (!cursor || !client.isChangedPageUrl(cursor.next)) throw new InvalidCursorError();
  return cursor;
}

/**
 * One upstream page per feed page, from `GET /v2/badgeclasses/changed`: every badge class of the account's
 * issuers (or, with `updatedSince`, those changed since), in Badgr's cursor order. The cursor carries Badgr's
 * `nextResults` link, so the feed stays stateless.
 */
export async function badgrFeedPage(client: BadgrClient, request: FeedRequest): Promise<FeedPage> {
  const page = request.cursor
    ? await client.changedBadgeClassesPage(readCursor(client, request.cursor).next)
    : await client.changedBadgeClasses({
        num: Math.max(1, Math.min(request.limit, client.config.pageSize)),
        since: request.updatedSince === null ? null : new Date(request.updatedSince).toISOString(),
      });
  const issuers = await client.issuersById(page.badgeClasses.map((badgeClass) => badgeClass.issuer));
  const fetchedAt = new Date().toISOString();
  const options = { studyLoadUnit: client.config.studyLoadUnit };
  return {
    items: page.badgeClasses.map((badgeClass) =>
      toCredentialRecord(badgeClass, issuers.get(badgeClass.issuer) ?? null, fetchedAt, options),
    ),
    nextCursor: page.next === null ? null : encodeCursor({ v: 1, next: page.next } satisfies FeedCursor),
  };
}

/**
 * Live details, one result per ref in order. Badgr has no multi-get, so badge classes are fetched a few at a time
 * (each id once, however often it is asked for), and their issuers come from the client's cached issuer list. A
 * 401 that survives re-authentication fails the whole batch, since no other item could fare better; other
 * failures are that item's Error; a badge class Badgr does not know is null.
 */
export async function loadBadgrDetails(
  client: BadgrClient,
  refs: readonly ParsedId[],
): Promise<Array<BadgrBadgeClassDetails | null | Error>> {
  const entityIds = refs.map((ref) =>
    ref.provider === PROVIDER_ID && ref.kind === 'badgeclass' && ENTITY_ID.test(ref.upstreamId)
      ? ref.upstreamId
      : null,
  );
  return loadEachDistinct(entityIds, DETAILS_CONCURRENCY, async (entityId) => {
    const badgeClass = await client.getBadgeClass(entityId);
    if (!badgeClass) return null;
    const issuers = await client.issuersById([badgeClass.issuer]);
    return toDetails(badgeClass, issuers.get(badgeClass.issuer) ?? null);
  });
}

/** Canvas Credentials (Badgr): the badge classes of the configured account's issuers, as credentials. */
export const badgrProvider = defineProvider<BadgrConfig, BadgrClient, BadgrBadgeClassDetails>({
  info: {
    id: PROVIDER_ID,
    name: 'Canvas Credentials (Badgr)',
    kind: 'BADGE_PLATFORM',
    url: 'https://badgr.com',
  },
  readConfig,
  createClient: (config) => new BadgrClient(config),
  feedPage: badgrFeedPage,
  loadDetails: loadBadgrDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs },
});
