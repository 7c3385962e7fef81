import { type Closable, chunks, type Query, UpstreamError, UpstreamHttp } from '../kit/index.js';
import { COURSERA_MAX_PAGE_SIZE, type CourseraConfig, PROVIDER_ID } from './config.js';
import type {
  CourseraCourse,
  CourseraPartner,
  CourseraSpecialization,
  NaptimeEnvelope,
  NaptimeLinked,
} from './upstream.js';

/** Every course field the adapter reads, for the feed and for live details alike. */
export const COURSE_FIELDS = [
  'name',
  'slug',
  'description',
  'workload',
  'primaryLanguages',
  'subtitleLanguages',
  'partnerIds',
  'domainTypes',
  'certificates',
  'instructorIds',
  'specializations',
  'photoUrl',
] as const;

export const PARTNER_FIELDS = ['name', 'shortName', 'homeLink', 'description'] as const;

const SPECIALIZATIONS = 'onDemandSpecializations.v1';

export const SPECIALIZATION_FIELDS = [
  'name',
  'slug',
  'courseIds',
  'partnerIds',
  'tagline',
  'description',
] as const;

/** One page of courses with the partners Naptime linked to them. */
export interface CoursePage {
  courses: CourseraCourse[];
  /** Partners from `linked["partners.v1"]`; may miss some that the courses reference. */
  linkedPartners: CourseraPartner[];
  /** The `start` of the next page, or null on the last page. */
  nextStart: number | null;
  total: number | null;
}

/** Courses found by id, with their linked partners. Unknown ids are simply absent (Naptime omits them). */
export interface CourseBatch {
  courses: CourseraCourse[];
  linkedPartners: CourseraPartner[];
}

/** One page of `onDemandSpecializations.v1`, with the partners Naptime linked to them. */
export interface SpecializationPage {
  specializations: CourseraSpecialization[];
  /** Partners from `linked["partners.v1"]`; may miss some that the specializations reference. */
  linkedPartners: CourseraPartner[];
  /** The `start` of the next page, or null on the last page. */
  nextStart: number | null;
  total: number | null;
}

/** Specializations found by id, with their linked partners; unknown ids are absent. */
export interface SpecializationBatch {
  specializations: CourseraSpecialization[];
  linkedPartners: CourseraPartner[];
}

export interface PageRequest {
  start: number;
  limit: number;
}

/**
 * Coursera's catalog API over the kit's `UpstreamHttp`: builds Naptime requests (`fields`, `includes`,
 * `start`/`limit`, `ids`, finders) and checks the envelope. Knows HTTP and Naptime, nothing of GraphQL.
 */
export class CourseraClient implements Closable {
  private readonly http: UpstreamHttp;

  constructor(readonly config: CourseraConfig) {
    this.http = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.baseUrl,
      headers: config.apiToken ? { authorization: `Bearer ${config.apiToken}` } : {},
      credentialsSetting: 'COURSERA_API_TOKEN',
      timeoutMs: config.timeoutMs,
    });
  }

  /** `GET courses.v1?start=&limit=`: one page of the whole catalog. */
  async listCourses(page: PageRequest): Promise<CoursePage> {
    return this.coursePage({ start: page.start, limit: checkLimit(page.limit) });
  }

  /** `GET courses.v1?q=search&query=`: Coursera's own full-text search. */
  async searchCourses(query: string, page: PageRequest): Promise<CoursePage> {
    return this.coursePage({ q: 'search', query, start: page.start, limit: checkLimit(page.limit) });
  }

  /** `GET courses.v1?ids=`: one request per 100 ids (one for a typical DataLoader batch). */
  async getCourses(ids: readonly string[]): Promise<CourseBatch> {
    const batch: CourseBatch = { courses: [], linkedPartners: [] };
    for (const chunk of chunks(unique(ids), COURSERA_MAX_PAGE_SIZE)) {
      const envelope = await this.getEnvelope<CourseraCourse>('courses.v1', {
        ids: chunk.join(','),
        fields: COURSE_FIELDS.join(','),
        includes: 'partnerIds',
      });
      batch.courses.push(...envelope.elements);
      batch.linkedPartners.push(...linkedPartners(envelope));
    }
    return batch;
  }

  /** `GET partners.v1?ids=`: one request per 100 ids; unknown ids are absent from the answer. */
  async getPartners(ids: readonly string[]): Promise<CourseraPartner[]> {
    const partners: CourseraPartner[] = [];
    for (const chunk of chunks(unique(ids), COURSERA_MAX_PAGE_SIZE)) {
      const envelope = await this.getEnvelope<CourseraPartner>('partners.v1', {
        ids: chunk.join(','),
        fields: PARTNER_FIELDS.join(','),
      });
      partners.push(...envelope.elements);
    }
    return partners;
  }

  /** `GET onDemandSpecializations.v1?q=slug&slug=`: the specialization with that slug, or null. */
  async getSpecializationBySlug(slug: string): Promise<CourseraSpecialization | null> {
    const envelope = await this.getEnvelope<CourseraSpecialization>(SPECIALIZATIONS, {
      q: 'slug',
      slug,
      fields: SPECIALIZATION_FIELDS.join(','),
    });
    return envelope.elements[0] ?? null;
  }

  /** `GET onDemandSpecializations.v1?start=&limit=`: one page of every specialization, partners linked. */
  async listSpecializations(page: PageRequest): Promise<SpecializationPage> {
    const start = page.start;
    const envelope = await this.getEnvelope<CourseraSpecialization>(SPECIALIZATIONS, {
      start,
      limit: checkLimit(page.limit),
      fields: SPECIALIZATION_FIELDS.join(','),
      includes: 'partnerIds',
    });
    return {
      specializations: envelope.elements,
      linkedPartners: linkedPartners(envelope),
      nextStart: nextStart(envelope, start, SPECIALIZATIONS),
      total: typeof envelope.paging.total === 'number' ? envelope.paging.total : null,
    };
  }

  /**
   * `GET onDemandSpecializations.v1?ids=`: one request per 100 ids (one for a typical DataLoader batch), with
   * their partners linked; unknown ids are absent.
   */
  async getSpecializations(ids: readonly string[]): Promise<SpecializationBatch> {
    const batch: SpecializationBatch = { specializations: [], linkedPartners: [] };
    for (const chunk of chunks(unique(ids), COURSERA_MAX_PAGE_SIZE)) {
      const envelope = await this.getEnvelope<CourseraSpecialization>(SPECIALIZATIONS, {
        ids: chunk.join(','),
        fields: SPECIALIZATION_FIELDS.join(','),
        includes: 'partnerIds',
      });
      batch.specializations.push(...envelope.elements);
      batch.linkedPartners.push(...linkedPartners(envelope));
    }
    return batch;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async coursePage(query: Query): Promise<CoursePage> {
    const envelope = await this.getEnvelope<CourseraCourse>('courses.v1', {
      ...query,
      fields: COURSE_FIELDS.join(','),
      includes: 'partnerIds',
    });
    return {
      courses: envelope.elements,
      linkedPartners: linkedPartners(envelope),
      nextStart: nextStart(envelope, Number(query.start), 'courses.v1'),
      total: typeof envelope.paging.total === 'number' ? envelope.paging.total : null,
    };
  }

  private async getEnvelope<T>(path: string, query: Query): Promise<NaptimeEnvelope<T>> {
    const body = await this.http.getJson<unknown>(path, query);
    return checkEnvelope<T>(body, path);
  }
}

function checkEnvelope<T>(body: unknown, path: string): NaptimeEnvelope<T> {
  const envelope = body as Partial<NaptimeEnvelope<T>> | null;
  const elementsOk =
    Array.isArray(envelope?.elements) &&
    envelope.elements.every((element) => element !== null && typeof element === 'object');
  if (!elementsOk) throw badResponse(`${path} answered without an "elements" array of objects`);
  const paging = envelope?.paging ?? {};
  if (typeof paging !== 'object' || paging === null)
    throw badResponse(`${path} answered a malformed "paging"`);
  return { elements: envelope.elements as T[], paging, linked: envelope.linked };
}

/**
 * `paging.next` as a number. Naptime writes it as a string ("100"); a value that does not move forward
 * would make the feed loop forever, so it is refused rather than followed.
 */
function nextStart(envelope: NaptimeEnvelope<unknown>, start: number, path: string): number | null {
  const next = envelope.paging.next;
  if (next === undefined || next === null || next === '') return null;
  const value = Number(next);
  if (!Number.isInteger(value) || value <= start) {
    throw badResponse(`${path} answered paging.next ${JSON.stringify(next)} after start ${start}`);
  }
  return value;
}

function linkedPartners(envelope: NaptimeEnvelope<unknown, NaptimeLinked>): CourseraPartner[] {
  const partners = envelope.linked?.['partners.v1'];
  return Array.isArray(partners) ? partners.filter((partner) => typeof partner?.id === 'string') : [];
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > COURSERA_MAX_PAGE_SIZE) {
    throw new RangeError(`coursera: limit must be a whole number from 1 to ${COURSERA_MAX_PAGE_SIZE}`);
  }
  return limit;
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER_ID, `${PROVIDER_ID}: ${detail}`);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
