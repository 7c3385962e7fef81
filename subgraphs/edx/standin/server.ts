import {
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import { EDX_DEFAULT_PAGE_SIZE, EDX_DEMO_TOKEN, EDX_MAX_PAGE_SIZE } from '../config.js';
import type { EdxCourse, EdxCourseRun, EdxNestedProgram, EdxProgram } from '../upstream.js';

/**
 * A local stand-in for edX Course Discovery API v1 over the sample data in `data/`: the same paths under
 * `/api/v1/`, JWT auth with DRF's error bodies, DRF page-number pagination with absolute `next`/`previous`
 * links, the `keys`/`uuids`/`timestamp`/`status` filters, and a per-user throttle answered like DRF's
 * (429, `Retry-After`, `{"detail": "Request was throttled. …"}`).
 */

export interface EdxStandinOptions {
  port?: number;
  host?: string;
  /** The JWT the stand-in accepts (default: the demo token the adapter sends unless configured otherwise). */
  token?: string;
  /**
   * DRF's throttle rate for each user, `<requests>/<second|minute|hour|day>` (Discovery: `200/hour`). The
   * default, `10000/hour`, never gets in the demo's way; tests lower it to see a 429.
   */
  throttleRate?: string;
  /**
   * The origin `next`/`previous` links name instead of the one the request came to, as DRF behind a proxy
   * that does not forward the Host header does (`http://discovery.internal:18381`).
   */
  linkOrigin?: string;
}

const DATA_DIR = 'subgraphs/edx/standin/data';
const API_PREFIX = '/api/v1/';

export const DEFAULT_THROTTLE_RATE = '10000/hour';

interface SampleData {
  courses: EdxCourse[];
  programs: EdxProgram[];
}

let sample: SampleData | null = null;

/** The bundled sample data, read once: courses without `programs` (derived when served) and programs. */
export function edxSampleData(): SampleData {
  sample ??= {
    courses: readProjectJson<EdxCourse[]>(`${DATA_DIR}/courses.json`),
    programs: readProjectJson<EdxProgram[]>(`${DATA_DIR}/programs.json`),
  };
  return sample;
}

const detail = (status: number, message: string, headers?: Record<string, string>): StandinReply =>
  json(status, { detail: message }, headers);

const NOT_FOUND = () => detail(404, 'Not found.');

/** DRF's throttle duration units, by the first letter of the period, as `SimpleRateThrottle.parse_rate` reads. */
const PERIOD_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses `200/hour` into a count and a window; throws on anything else. */
export function parseThrottleRate(rate: string): { requests: number; windowMs: number } {
  const match = /^\s*(\d+)\s*\/\s*([smhd])[a-z]*\s*$/i.exec(rate);
  const requests = Number(match?.[1]);
  const seconds = PERIOD_SECONDS[match?.[2]?.toLowerCase() ?? ''];
  if (!match || !Number.isInteger(requests) || requests < 1 || seconds === undefined) {
    throw new Error(`throttle rate must look like "200/hour"; got ${JSON.stringify(rate)}`);
  }
  return { requests, windowMs: seconds * 1000 };
}

/**
 * DRF's `SimpleRateThrottle`: a sliding window of request times per user. When it is full, the answer is 429
 * with the wait DRF computes (the time until the oldest request leaves the window, shared among the requests
 * that would then be free) rounded up to whole seconds.
 */
function createThrottle(rate: string) {
  const { requests, windowMs } = parseThrottleRate(rate);
  const history = new Map<string, number[]>();
  return (user: string): StandinReply | null => {
    const now = Date.now();
    const times = (history.get(user) ?? []).filter((time) => time > now - windowMs);
    if (times.length >= requests) {
      history.set(user, times);
      const oldest = times[0] ?? now;
      const waitMs = (windowMs - (now - oldest)) / (requests - times.length + 1);
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      return detail(
        429,
        `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        { 'retry-after': String(seconds) },
      );
    }
    times.push(now);
    history.set(user, times);
    return null;
  };
}

/** DRF's `_positive_int`: a page size outside 1…max is cut to max or falls back to the default. */
function pageSizeOf(params: URLSearchParams): number {
  const raw = params.get('page_size');
  if (raw === null || !/^\d+$/.test(raw)) return EDX_DEFAULT_PAGE_SIZE;
  const value = Number(raw);
  if (value < 1) return EDX_DEFAULT_PAGE_SIZE;
  return Math.min(value, EDX_MAX_PAGE_SIZE);
}

/** DRF's `PageNumberPagination.paginate_queryset` and `get_paginated_response`. */
function paginate<T>(items: readonly T[], url: URL, linkOrigin: string): StandinReply {
  const size = pageSizeOf(url.searchParams);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const raw = url.searchParams.get('page') ?? '1';
  const page = raw === 'last' ? pages : Number(raw);
  if (!Number.isInteger(page) || page < 1 || page > pages) return detail(404, 'Invalid page.');
  const link = (target: number | null): string | null => {
    if (target === null) return null;
    const linked = new URL(`${url.pathname}${url.search}`, linkOrigin);
    if (target === 1) linked.searchParams.delete('page');
    else linked.searchParams.set('page', String(target));
    return linked.href;
  };
  return json(200, {
    count: items.length,
    next: link(page < pages ? page + 1 : null),
    previous: link(page > 1 ? page - 1 : null),
    results: items.slice((page - 1) * size, page * size),
  });
}

function listParam(params: URLSearchParams, name: string): string[] | null {
  const raw = params.get(name);
  if (raw === null || raw === '') return null;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** django-filter's `timestamp` (`data_modified_timestamp >= value`), or the 400 it answers for a bad value. */
function timestampFilter(params: URLSearchParams): ((modified: string) => boolean) | StandinReply {
  const raw = params.get('timestamp');
  if (raw === null || raw === '') return () => true;
  const since = Date.parse(raw);
  if (Number.isNaN(since)) return json(400, { timestamp: ['Enter a valid date/time.'] });
  return (modified) => Date.parse(modified) >= since;
}

const uuidKey = (uuid: string) => uuid.toLowerCase().replace(/-/g, '');

class Catalog {
  private readonly courses: EdxCourse[];
  private readonly runs: EdxCourseRun[];

  constructor(private readonly data: SampleData) {
    const programsByCourse = new Map<string, EdxNestedProgram[]>();
    for (const program of data.programs) {
      // Discovery's CourseWithProgramsSerializer leaves deleted programs out unless asked for them.
      if (program.status === 'deleted') continue;
      for (const course of program.courses) {
        const nested: EdxNestedProgram = {
          uuid: program.uuid,
          title: program.title,
          type: program.type,
          marketing_slug: program.marketing_slug ?? null,
          marketing_url: program.marketing_url,
          number_of_courses: program.courses.length,
        };
        programsByCourse.set(course.key, [...(programsByCourse.get(course.key) ?? []), nested]);
      }
    }
    // Discovery orders courses by lower-cased key.
    this.courses = data.courses
      .map((course) => ({ ...course, programs: programsByCourse.get(course.key) ?? [] }))
      .sort((a, b) => a.key.toLowerCase().localeCompare(b.key.toLowerCase()));
    this.runs = this.courses.flatMap((course) =>
      course.course_runs.map((run) => ({ ...run, course: course.key })),
    );
  }

  courseList(url: URL, linkOrigin: string): StandinReply {
    const params = url.searchParams;
    const keys = listParam(params, 'keys');
    const uuids = listParam(params, 'uuids')?.map(uuidKey);
    const since = timestampFilter(params);
    if (typeof since !== 'function') return since;
    const selected = this.courses.filter(
      (course) =>
        (keys === null || keys.includes(course.key)) &&
        (uuids === undefined || uuids.includes(uuidKey(course.uuid))) &&
        since(course.modified),
    );
    return paginate(selected, url, linkOrigin);
  }

  course(keyOrUuid: string): StandinReply {
    const course = this.courses.find(
      (candidate) => candidate.key === keyOrUuid || uuidKey(candidate.uuid) === uuidKey(keyOrUuid),
    );
    return course ? json(200, course) : NOT_FOUND();
  }

  runList(url: URL, linkOrigin: string): StandinReply {
    const keys = listParam(url.searchParams, 'keys');
    return paginate(
      this.runs.filter((run) => keys === null || keys.includes(run.key)),
      url,
      linkOrigin,
    );
  }

  run(key: string): StandinReply {
    const run = this.runs.find((candidate) => candidate.key === key);
    return run ? json(200, run) : NOT_FOUND();
  }

  programList(url: URL, linkOrigin: string): StandinReply {
    const params = url.searchParams;
    const uuids = listParam(params, 'uuids')?.map(uuidKey);
    const statuses = params.getAll('status').filter(Boolean);
    const types = listParam(params, 'types');
    const since = timestampFilter(params);
    if (typeof since !== 'function') return since;
    const selected = this.data.programs.filter(
      (program) =>
        (uuids === undefined || uuids.includes(uuidKey(program.uuid))) &&
        (statuses.length === 0 || statuses.includes(program.status)) &&
        (types === null || types.includes(slugOf(program.type))) &&
        since(program.modified),
    );
    return paginate(selected, url, linkOrigin);
  }

  program(uuid: string): StandinReply {
    const program = this.data.programs.find((candidate) => uuidKey(candidate.uuid) === uuidKey(uuid));
    return program ? json(200, program) : NOT_FOUND();
  }
}

function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** The request handler, separate from the server so that its behaviour reads in one place. */
export function edxStandinHandler(options: EdxStandinOptions = {}) {
  const token = options.token ?? EDX_DEMO_TOKEN;
  const throttle = createThrottle(options.throttleRate ?? DEFAULT_THROTTLE_RATE);
  const catalog = new Catalog(edxSampleData());
  const unauthenticated = { 'www-authenticate': 'JWT realm="api"' };
  return (request: StandinRequest): StandinReply => {
    // DRF authenticates, then checks permissions, then throttles: a bad token is a 401 even when throttled.
    // A header of another scheme is not JwtAuthentication's to judge: like none, it leaves the user anonymous.
    const match = /^JWT\s+(\S*)$/i.exec(request.headers.authorization ?? '');
    if (!match) return detail(401, 'Authentication credentials were not provided.', unauthenticated);
    if (match[1] !== token) return detail(401, 'Error decoding signature.', unauthenticated);
    const throttled = throttle(token);
    if (throttled) return throttled;
    if (request.method !== 'GET') return detail(405, `Method "${request.method}" not allowed.`);

    const { pathname } = request.url;
    if (!pathname.startsWith(API_PREFIX)) return NOT_FOUND();
    const [resource, id, ...rest] = pathname.slice(API_PREFIX.length).split('/');
    // DRF routes end in a slash: `courses/` and `courses/{key}/`.
    if (rest.some(Boolean) || !pathname.endsWith('/')) return NOT_FOUND();
    const linkOrigin = options.linkOrigin ?? request.url.origin;
    const lookup = id ? decodeURIComponent(id) : null;
    switch (resource) {
      case 'courses':
        return lookup === null ? catalog.courseList(request.url, linkOrigin) : catalog.course(lookup);
      case 'course_runs':
        return lookup === null ? catalog.runList(request.url, linkOrigin) : catalog.run(lookup);
      case 'programs':
        return lookup === null ? catalog.programList(request.url, linkOrigin) : catalog.program(lookup);
      default:
        return NOT_FOUND();
    }
  };
}

/** Starts the edX stand-in; its API base URL is `${origin}/api/v1/`. */
export async function startEdxStandin(options: EdxStandinOptions = {}): Promise<RunningStandin> {
  return startStandin(edxStandinHandler(options), { port: options.port, host: options.host });
}
