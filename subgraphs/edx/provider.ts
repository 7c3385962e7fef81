import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  type FeedPage,
  type FeedRequest,
  InvalidCursorError,
} from '../kit/index.js';
import { EdxClient } from './client.js';
import { EDX_MAX_PAGE_SIZE, type EdxConfig, PROVIDER_ID, readConfig } from './config.js';
import {
  DETAILS_TYPE_NAME,
  detailsResolvers,
  detailsTypeDefs,
  type EdxItemDetails,
  toCourseDetails,
  toProgramDetails,
} from './details.js';
import { courseToRecord, programToRecord } from './mapping.js';
import type { EdxProgram } from './upstream.js';

/**
 * Where the feed stands: which list (courses first, then programs), which DRF page of it, at which page size,
 * and the `updatedSince` the walk began with. Page numbers only mean something at one size and one filter, so
 * both travel in the cursor rather than being taken from later requests.
 */
interface FeedCursor {
  v: 1;
  list: 'courses' | 'programs';
  page: number;
  size: number;
  since: string | null;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const cursor = value as FeedCursor;
  return (
    typeof value === 'object' &&
    value !== null &&
    cursor.v === 1 &&
    (cursor.list === 'courses' || cursor.list === 'programs') &&
    Number.isInteger(cursor.page) &&
    cursor.page >= 1 &&
    Number.isInteger(cursor.size) &&
    cursor.size >= 1 &&
    cursor.size <= EDX_MAX_PAGE_SIZE &&
    (cursor.since === null || (typeof cursor.since === 'string' && !Number.isNaN(Date.parse(cursor.since))))
  );
}

/** Deleted programs stay in Discovery's lists; they are gone for learners, so not in the feed. */
export function isListedProgram(program: EdxProgram): boolean {
  return program.status?.trim().toLowerCase() !== 'deleted';
}

/**
 * One feed page per upstream page: every page of `courses/`, then every page of `programs/`, so that a
 * program's parts and a course's wholes are all in the same harvest. `updatedSince` becomes Discovery's
 * `timestamp` filter on both lists.
 */
export async function edxFeedPage(client: EdxClient, request: FeedRequest): Promise<FeedPage> {
  let cursor: FeedCursor;
  if (request.cursor === null) {
    cursor = {
      v: 1,
      list: 'courses',
      page: 1,
      size: Math.max(1, Math.min(request.limit, client.config.pageSize)),
      since: request.updatedSince,
    };
  } else {
    const decoded = decodeCursor(request.cursor, isFeedCursor);
    if (!decoded) throw new InvalidCursorError();
    cursor = decoded;
  }
  const list = { page: cursor.page, pageSize: cursor.size, modifiedSince: cursor.since };
  const fetchedAt = new Date().toISOString();

  if (cursor.list === 'courses') {
    const page = await client.listCourses(list);
    const next: FeedCursor =
      page.nextPage === null ? { ...cursor, list: 'programs', page: 1 } : { ...cursor, page: page.nextPage };
    return {
      items: page.results.map((course) => courseToRecord(course, fetchedAt)),
      nextCursor: encodeCursor(next),
    };
  }
  const page = await client.listPrograms(list);
  return {
    items: page.results.filter(isListedProgram).map((program) => programToRecord(program, fetchedAt)),
    nextCursor: page.nextPage === null ? null : encodeCursor({ ...cursor, page: page.nextPage }),
  };
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Discovery writes UUIDs hyphenated and lower-case but accepts them either way; compare them so. */
function uuidKey(uuid: string): string {
  return uuid.toLowerCase().replace(/-/g, '');
}

/** Whether a course key can go into a `keys=` list: Discovery splits that list on commas. */
function isCourseKey(key: string): boolean {
  return key.length > 0 && !key.includes(',');
}

/**
 * Live details for a DataLoader batch: one `courses/?keys=` request for its courses and one
 * `programs/?uuids=` request for its programs (each per 100), in parallel. One result per ref, in order; null
 * for ids that are not edX courses or programs, that edX does not know, or for deleted programs.
 */
export async function loadEdxDetails(
  client: EdxClient,
  refs: readonly ParsedId[],
): Promise<Array<EdxItemDetails | null>> {
  const courseKeys = refs
    .filter((ref) => ref.kind === 'course' && isCourseKey(ref.upstreamId))
    .map((ref) => ref.upstreamId);
  const programUuids = refs
    .filter((ref) => ref.kind === 'program' && UUID.test(ref.upstreamId))
    .map((ref) => ref.upstreamId);
  const [courses, programs] = await Promise.all([
    courseKeys.length > 0 ? client.coursesByKeys(courseKeys) : [],
    programUuids.length > 0 ? client.programsByUuids(programUuids) : [],
  ]);
  const coursesByKey = new Map(courses.map((course) => [course.key, course]));
  const programsByUuid = new Map(
    programs.filter(isListedProgram).map((program) => [uuidKey(program.uuid), program]),
  );
  return refs.map((ref) => {
    if (ref.kind === 'course') {
      const course = coursesByKey.get(ref.upstreamId);
      return course ? toCourseDetails(course) : null;
    }
    if (ref.kind === 'program' && UUID.test(ref.upstreamId)) {
      const program = programsByUuid.get(uuidKey(ref.upstreamId));
      return program ? toProgramDetails(program) : null;
    }
    return null;
  });
}

/** edX Course Discovery as a credgraph provider: courses and programs. */
export const edxProvider = defineProvider<EdxConfig, EdxClient, EdxItemDetails>({
  info: { id: PROVIDER_ID, name: 'edX', kind: 'COURSE_CATALOG', url: 'https://www.edx.org' },
  readConfig,
  createClient: (config) => new EdxClient(config),
  feedPage: edxFeedPage,
  loadDetails: loadEdxDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs, resolvers: detailsResolvers },
});
