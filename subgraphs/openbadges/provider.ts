import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  type FeedPage,
  InvalidCursorError,
  UpstreamError,
} from '../kit/index.js';
import { mapConcurrent, OpenBadgesClient } from './client.js';
import { type OpenBadgesConfig, PROVIDER_ID, readConfig } from './config.js';
import {
  DETAILS_TYPE_NAME,
  detailsTypeDefs,
  type OpenBadgesAchievementDetails,
  toDetails,
} from './details.js';
import { ACHIEVEMENT_KIND, decodeUpstreamId } from './ids.js';
import { creatorIdOf, resolveCreator, toCredentialRecord } from './mapping.js';
import type { ObAchievement, ObProfile } from './upstream.js';

/** What a feed cursor carries: the issuer being listed (its Profile URL) and the offset of its next page. */
interface FeedCursor {
  issuer: string;
  offset: number;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const cursor = value as Partial<FeedCursor> | null;
  return (
    typeof cursor?.issuer === 'string' &&
    typeof cursor.offset === 'number' &&
    Number.isInteger(cursor.offset) &&
    cursor.offset >= 0
  );
}

/**
 * The creator Profiles of a page of achievements, by id: one request per distinct creator (usually the one
 * issuer being listed), so that every record of an issuer carries the same complete issuer. An achievement that
 * names no creator is the listing issuer's, so that Profile is fetched too when one does.
 */
async function creatorsFor(
  client: OpenBadgesClient,
  achievements: readonly ObAchievement[],
  listingIssuer: string,
): Promise<Map<string, ObProfile>> {
  return client.getProfiles(achievements.map((achievement) => creatorIdOf(achievement) ?? listingIssuer));
}

/**
 * One feed page: one page of one issuer's achievements (`limit`/`offset`), mapped to the common schema. Issuers
 * are walked in the order the host lists them, each to the page whose `Link` header names no `next` (or, from a
 * host that sends no `Link`, to its first empty page: README "Pagination"). OB keeps no
 * modification times on achievements, so `updatedSince` is ignored and every harvest is a full walk.
 */
export async function openBadgesFeedPage(
  client: OpenBadgesClient,
  request: { cursor: string | null; limit: number },
): Promise<FeedPage> {
  let state: FeedCursor | null = null;
  if (request.cursor !== null) {
    state = decodeCursor(request.cursor, isFeedCursor);
    if (!state) throw new InvalidCursorError();
  }
  const issuers = await client.listIssuerUrls();
  let index = 0;
  let offset = 0;
  if (state) {
    index = issuers.indexOf(state.issuer);
    if (index < 0) {
      throw new UpstreamError(
        'UPSTREAM_BAD_RESPONSE',
        PROVIDER_ID,
        `${PROVIDER_ID}: the issuer ${state.issuer} is no longer listed by the host; harvest again from the start`,
      );
    }
    offset = state.offset;
  }
  const limit = Math.max(1, Math.min(request.limit, client.config.pageSize));
  while (index < issuers.length) {
    const issuer = issuers[index]!;
    const { achievements, hasNext } = await client.listAchievements(issuer, { offset, limit });
    if (achievements.length > 0) {
      const creators = await creatorsFor(client, achievements, issuer);
      const fetchedAt = new Date().toISOString();
      return {
        items: achievements.map((achievement) =>
          toCredentialRecord(achievement, creatorOf(achievement, creators, issuer), fetchedAt),
        ),
        nextCursor: nextCursorAfter(issuers, index, offset + achievements.length, hasNext),
      };
    }
    index += 1;
    offset = 0;
  }
  return { items: [], nextCursor: null };
}

/**
 * Where the feed goes on after a page of the `index`th issuer that ended at `offset`: on in that issuer's listing,
 * unless the host's `Link` header names no next page; then to the next issuer, or nowhere after the last. A host
 * without `Link` headers is read on to an empty page, as a short page may only mean it capped `limit`.
 */
function nextCursorAfter(
  issuers: readonly string[],
  index: number,
  offset: number,
  hasNext: boolean | null,
): string | null {
  if (hasNext !== false) return encodeCursor({ issuer: issuers[index]!, offset } satisfies FeedCursor);
  const nextIssuer = issuers[index + 1];
  return nextIssuer === undefined
    ? null
    : encodeCursor({ issuer: nextIssuer, offset: 0 } satisfies FeedCursor);
}

function creatorOf(
  achievement: ObAchievement,
  creators: ReadonlyMap<string, ObProfile>,
  listingIssuer: string,
): ObProfile | null {
  if (creatorIdOf(achievement) === null) return creators.get(listingIssuer) ?? null;
  return resolveCreator(achievement, creators);
}

/**
 * Live details for a DataLoader batch. The OB API has no multi-get, so each achievement is one
 * `GET achievements/{id}`, at most `OPENBADGES_DETAILS_CONCURRENCY` in flight, plus one `GET issuers/{id}` per
 * distinct creator in the batch. One result per ref, in order: null for ids that are not achievements or that
 * the host does not know; an Error for one whose fetch failed, so that the others still resolve.
 */
export async function loadOpenBadgesDetails(
  client: OpenBadgesClient,
  refs: readonly ParsedId[],
): Promise<Array<OpenBadgesAchievementDetails | null | Error>> {
  const achievementIds = refs.map((ref) =>
    ref.kind === ACHIEVEMENT_KIND ? decodeUpstreamId(ref.upstreamId) : null,
  );
  const unique = [...new Set(achievementIds.filter((id): id is string => id !== null))];
  const profiles = new Map<string, Promise<ObProfile | null>>();
  const profileOf = (id: string) => {
    let profile = profiles.get(id);
    if (!profile) {
      profile = client.getProfile(id);
      profiles.set(id, profile);
    }
    return profile;
  };
  const loadOne = async (achievementId: string): Promise<OpenBadgesAchievementDetails | null> => {
    const achievement = await client.getAchievement(achievementId);
    if (!achievement) return null;
    const creatorId = creatorIdOf(achievement);
    const creator = creatorId === null ? null : await profileOf(creatorId);
    const known = new Map(creator ? [[creator.id, creator]] : []);
    return toDetails(achievement, resolveCreator(achievement, known));
  };
  const loaded = await mapConcurrent(unique, client.config.detailsConcurrency, (id) =>
    loadOne(id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  );
  const byId = new Map(unique.map((id, position) => [id, loaded[position] ?? null]));
  return achievementIds.map((id) => (id === null ? null : (byId.get(id) ?? null)));
}

/** Open Badges 3.0 issuers on one OB host, as a credgraph provider. */
export const openBadgesProvider = defineProvider<
  OpenBadgesConfig,
  OpenBadgesClient,
  OpenBadgesAchievementDetails
>({
  info: {
    id: PROVIDER_ID,
    name: 'Open Badges 3.0 issuers',
    kind: 'OPEN_BADGES_ISSUER',
    url: 'https://www.1edtech.org/standards/open-badges',
  },
  readConfig,
  createClient: (config) => new OpenBadgesClient(config),
  feedPage: openBadgesFeedPage,
  loadDetails: loadOpenBadgesDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs },
});
