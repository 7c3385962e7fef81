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
import { type CourseraCourseDetails, DETAILS_TYPE_NAME, detailsTypeDefs, toDetails } from './details.js';
import { indexPartners, toCredentialRecord } from './mapping.js';
import type { CourseraCourse, CourseraPartner } from './upstream.js';

/** What a feed cursor carries: the Naptime `start` of the next page. */
interface FeedCursor {
  start: number;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const start = (value as Partial<FeedCursor> | null)?.start;
  return typeof start === 'number' && Number.isInteger(start) && start >= 0;
}

/**
 * Partners by id for a set of courses: those Naptime linked, completed with one `partners.v1` request for
 * any a course references that `linked` left out.
 */
async function partnersFor(
  client: CourseraClient,
  courses: readonly CourseraCourse[],
  linked: readonly CourseraPartner[],
): Promise<Map<string, CourseraPartner>> {
  const byId = indexPartners(linked);
  const missing = new Set(courses.flatMap((course) => course.partnerIds ?? []).filter((id) => !byId.has(id)));
  if (missing.size > 0) {
    for (const partner of await client.getPartners([...missing])) byId.set(partner.id, partner);
  }
  return byId;
}

/**
 * One feed page: a Naptime page of `courses.v1` (start/limit, following `paging.next`), mapped to the common
 * schema. Naptime cannot filter by modification time, so `updatedSince` is ignored and every page is whole.
 */
export async function courseraFeedPage(
  client: CourseraClient,
  request: { cursor: string | null; limit: number },
): Promise<FeedPage> {
  let start = 0;
  if (request.cursor !== null) {
    const state = decodeCursor(request.cursor, isFeedCursor);
    if (!state) throw new InvalidCursorError();
    start = state.start;
  }
  const limit = Math.max(1, Math.min(request.limit, client.config.pageSize));
  const page = await client.listCourses({ start, limit });
  const partners = await partnersFor(client, page.courses, page.linkedPartners);
  const fetchedAt = new Date().toISOString();
  return {
    items: page.courses.map((course) => toCredentialRecord(course, partners, fetchedAt)),
    nextCursor: page.nextStart === null ? null : encodeCursor({ start: page.nextStart } satisfies FeedCursor),
  };
}

/**
 * Live details for a DataLoader batch: one `courses.v1?ids=` request for up to 100 courses (plus one
 * `partners.v1` request if `linked` missed a partner). One result per ref, in order; null for ids that are not
 * courses or that Coursera does not know.
 */
export async function loadCourseraDetails(
  client: CourseraClient,
  refs: readonly ParsedId[],
): Promise<Array<CourseraCourseDetails | null>> {
  const ids = refs.filter((ref) => ref.kind === 'course').map((ref) => ref.upstreamId);
  if (ids.length === 0) return refs.map(() => null);
  const batch = await client.getCourses(ids);
  const partners = await partnersFor(client, batch.courses, batch.linkedPartners);
  const coursesById = new Map(batch.courses.map((course) => [course.id, course]));
  return refs.map((ref) => {
    const course = ref.kind === 'course' ? coursesById.get(ref.upstreamId) : undefined;
    return course ? toDetails(course, partners) : null;
  });
}

/** Coursera's course catalog as a credgraph provider. */
export const courseraProvider = defineProvider<CourseraConfig, CourseraClient, CourseraCourseDetails>({
  info: { id: PROVIDER_ID, name: 'Coursera', kind: 'COURSE_CATALOG', url: 'https://www.coursera.org' },
  readConfig,
  createClient: (config) => new CourseraClient(config),
  feedPage: courseraFeedPage,
  loadDetails: loadCourseraDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs },
});
