import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  type FeedPage,
  InvalidCursorError,
} from '../kit/index.js';
import { CourseraClient } from './client.js';
import { type CourseraConfig, PROVIDER_ID, readConfig } from './config.js';
import {
  type CourseraCourseDetails,
  DETAILS_TYPE_NAME,
  detailsResolvers,
  detailsTypeDefs,
  toDetails,
  toSpecializationDetails,
} from './details.js';
import { indexPartners, toCredentialRecord, toSpecializationRecord } from './mapping.js';
import type { CourseraPartner } from './upstream.js';

/** The Naptime lists the feed walks, in this order. */
export const FEED_LISTS = ['courses', 'specializations'] as const;
export type FeedList = (typeof FEED_LISTS)[number];

/** What a feed cursor carries: which list the next page is on, and its Naptime `start`. */
interface FeedCursor {
  list: FeedList;
  start: number;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const cursor = value as Partial<FeedCursor> | null;
  return (
    typeof cursor === 'object' &&
    cursor !== null &&
    (FEED_LISTS as readonly unknown[]).includes(cursor.list) &&
    typeof cursor.start === 'number' &&
    Number.isInteger(cursor.start) &&
    cursor.start >= 0
  );
}

/**
 * Partners by id for a set of credentials: those Naptime linked, completed with one `partners.v1` request for
 * any of `partnerIds` that `linked` left out.
 */
async function partnersFor(
  client: CourseraClient,
  partnerIds: Iterable<string>,
  linked: readonly CourseraPartner[],
): Promise<Map<string, CourseraPartner>> {
  const byId = indexPartners(linked);
  const missing = new Set([...partnerIds].filter((id) => !byId.has(id)));
  if (missing.size > 0) {
    for (const partner of await client.getPartners([...missing])) byId.set(partner.id, partner);
  }
  return byId;
}

/**
 * One feed page: a Naptime page of `courses.v1`, then, after its last page, of `onDemandSpecializations.v1`
 * (start/limit, following `paging.next`), mapped to the common schema. Naptime cannot filter by modification
 * time, so `updatedSince` is ignored and every page is whole. Cursors of the course-only feed are refused.
 */
export async function courseraFeedPage(
  client: CourseraClient,
  request: { cursor: string | null; limit: number },
): Promise<FeedPage> {
  let cursor: FeedCursor = { list: 'courses', start: 0 };
  if (request.cursor !== null) {
    const state = decodeCursor(request.cursor, isFeedCursor);
    if (!state) throw new InvalidCursorError();
    cursor = state;
  }
  const limit = Math.max(1, Math.min(request.limit, client.config.pageSize));
  const page =
    cursor.list === 'courses'
      ? await coursePage(client, cursor.start, limit)
      : await specializationPage(client, cursor.start, limit);
  let next: FeedCursor | null = null;
  if (page.nextStart !== null) next = { list: cursor.list, start: page.nextStart };
  else if (cursor.list === 'courses') next = { list: 'specializations', start: 0 };
  return { items: page.items, nextCursor: next && encodeCursor(next) };
}

interface MappedPage {
  items: FeedPage['items'];
  nextStart: number | null;
}

async function coursePage(client: CourseraClient, start: number, limit: number): Promise<MappedPage> {
  const page = await client.listCourses({ start, limit });
  const partnerIds = page.courses.flatMap((course) => course.partnerIds ?? []);
  const partners = await partnersFor(client, partnerIds, page.linkedPartners);
  const fetchedAt = new Date().toISOString();
  return {
    items: page.courses.map((course) => toCredentialRecord(course, partners, fetchedAt)),
    nextStart: page.nextStart,
  };
}

/**
 * A page of specializations, with what their records need: partners (as for courses) and their courses, for
 * languages, sectors and effort, with one `courses.v1?ids=` request per page (per 100 courses).
 */
async function specializationPage(client: CourseraClient, start: number, limit: number): Promise<MappedPage> {
  const page = await client.listSpecializations({ start, limit });
  const specializations = page.specializations;
  const partnerIds = specializations.flatMap((specialization) => specialization.partnerIds ?? []);
  const partners = await partnersFor(client, partnerIds, page.linkedPartners);
  const courseIds = specializations.flatMap((specialization) => specialization.courseIds ?? []);
  const courses = courseIds.length === 0 ? [] : (await client.getCourses(courseIds)).courses;
  const coursesById = new Map(courses.map((course) => [course.id, course]));
  const fetchedAt = new Date().toISOString();
  return {
    items: specializations.map((specialization) =>
      toSpecializationRecord(specialization, partners, coursesById, fetchedAt),
    ),
    nextStart: page.nextStart,
  };
}

/**
 * Live details for a DataLoader batch: one `courses.v1?ids=` request for its courses and one
 * `onDemandSpecializations.v1?ids=` request for its specializations (each only when the batch has any, chunked
 * at 100 ids), plus one `partners.v1` request if `linked` missed a partner. One result per ref, in order; null
 * for ids of other kinds or that Coursera does not know.
 */
export async function loadCourseraDetails(
  client: CourseraClient,
  refs: readonly ParsedId[],
): Promise<Array<CourseraCourseDetails | null>> {
  const idsOf = (kind: string) => refs.filter((ref) => ref.kind === kind).map((ref) => ref.upstreamId);
  const courseIds = idsOf('course');
  const specializationIds = idsOf('specialization');
  const [courseBatch, specializationBatch] = await Promise.all([
    courseIds.length === 0 ? null : client.getCourses(courseIds),
    specializationIds.length === 0 ? null : client.getSpecializations(specializationIds),
  ]);
  const courses = courseBatch?.courses ?? [];
  const specializations = specializationBatch?.specializations ?? [];
  const partners = await partnersFor(
    client,
    [...courses, ...specializations].flatMap((item) => item.partnerIds ?? []),
    [...(courseBatch?.linkedPartners ?? []), ...(specializationBatch?.linkedPartners ?? [])],
  );
  const coursesById = new Map(courses.map((course) => [course.id, course]));
  const specializationsById = new Map(specializations.map((item) => [item.id, item]));
  return refs.map((ref) => {
    if (ref.kind === 'course') {
      const course = coursesById.get(ref.upstreamId);
      return course ? toDetails(course, partners) : null;
    }
    if (ref.kind === 'specialization') {
      const specialization = specializationsById.get(ref.upstreamId);
      return specialization ? toSpecializationDetails(specialization, partners) : null;
    }
    return null;
  });
}

/** Coursera's course catalog (courses and Specializations) as a credgraph provider. */
export const courseraProvider = defineProvider<CourseraConfig, CourseraClient, CourseraCourseDetails>({
  info: { id: PROVIDER_ID, name: 'Coursera', kind: 'COURSE_CATALOG', url: 'https://www.coursera.org' },
  readConfig,
  createClient: (config) => new CourseraClient(config),
  feedPage: courseraFeedPage,
  loadDetails: loadCourseraDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs, resolvers: detailsResolvers },
});
