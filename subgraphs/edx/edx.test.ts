import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialRecordProblems } from '../../schema/index.js';
import {
  InvalidCursorError,
  type RunningServer,
  type RunningStandin,
  readProjectJson,
  startProviderSubgraph,
  UpstreamError,
} from '../kit/index.js';
import {
  getFeedPage,
  postEntities,
  readProviderFeed,
  readWholeFeed,
  resolveEntities,
  SKILL_LABEL_VARIANTS,
} from '../kit/testing.js';
import { EdxClient, nextPageNumber } from './client.js';
import { EDX_DEMO_TOKEN, readConfig } from './config.js';
import { edxFeedPage, edxProvider } from './provider.js';
import { parseThrottleRate, startEdxStandin } from './standin/server.js';
import type { DrfPage, EdxCourse, EdxCourseRun, EdxProgram } from './upstream.js';

const DATA = 'subgraphs/edx/standin/data';
const sampleCourses = readProjectJson<EdxCourse[]>(`${DATA}/courses.json`);
const samplePrograms = readProjectJson<EdxProgram[]>(`${DATA}/programs.json`);
const listedPrograms = samplePrograms.filter((program) => program.status !== 'deleted');
const deletedProgram = samplePrograms.find((program) => program.status === 'deleted')!;
const expectedFeedIds = [
  ...sampleCourses.map((course) => `edx:course:${course.key}`),
  ...listedPrograms.map((program) => `edx:program:${program.uuid}`),
].sort();
const TOKEN = 'edx-test-jwt';
const SECRET = 'w0rd-that-must-never-leak';

let standin: RunningStandin;
let apiBase: string;

beforeAll(async () => {
  standin = await startEdxStandin({ token: TOKEN });
  apiBase = `${standin.origin}/api/v1/`;
});
afterAll(async () => {
  await standin?.close();
});

async function getJson<T>(
  path: string,
  authorization: string | null = `JWT ${TOKEN}`,
  base = apiBase,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(new URL(path, base), {
    headers: authorization ? { authorization } : {},
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

function clientFor(base: string, env: Record<string, string> = {}): EdxClient {
  return new EdxClient(readConfig({ EDX_BASE_URL: base, EDX_API_TOKEN: TOKEN, ...env }));
}

const walkFeed = (client: EdxClient, limit: number, updatedSince: string | null = null) =>
  readProviderFeed(edxFeedPage, client, limit, updatedSince);

describe('sample data', () => {
  it('covers the catalog the brief asks for', () => {
    expect(sampleCourses.length).toBeGreaterThanOrEqual(60);
    expect(new Set(sampleCourses.map((course) => course.key)).size).toBe(sampleCourses.length);
    const owners = new Set(sampleCourses.flatMap((course) => course.owners.map((owner) => owner.key)));
    expect(owners.size).toBeGreaterThanOrEqual(8);
    for (const course of sampleCourses.filter((candidate) => candidate.course_runs.length > 0)) {
      expect(
        course.course_runs.every((run) => run.seats.length > 0),
        course.key,
      ).toBe(true);
    }
    expect(listedPrograms.length).toBeGreaterThanOrEqual(6);
    const keys = new Set(sampleCourses.map((course) => course.key));
    for (const program of samplePrograms) {
      expect(program.courses.length).toBeGreaterThanOrEqual(3);
      expect(program.courses.length).toBeLessThanOrEqual(5);
      for (const course of program.courses) expect(keys).toContain(course.key);
    }
    const subjects = new Set(
      sampleCourses.flatMap((course) => course.subjects.map((subject) => subject.slug)),
    );
    for (const slug of ['computer-science', 'medicine', 'engineering']) expect(subjects).toContain(slug);
    const security = sampleCourses.filter((course) =>
      /security/i.test(`${course.title} ${course.short_description}`),
    );
    expect(security.length).toBeGreaterThanOrEqual(5);
    const skills = new Set(sampleCourses.flatMap((course) => course.skill_names ?? []));
    for (const label of SKILL_LABEL_VARIANTS) expect(skills).toContain(label);
  });
});

describe('stand-in (Course Discovery API)', () => {
  it('answers the DRF envelope with absolute links and the default page size of 20', async () => {
    const { status, body } = await getJson<DrfPage<EdxCourse>>('courses/');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(body.count).toBe(sampleCourses.length);
    expect(body.results).toHaveLength(20);
    expect(body.previous).toBeNull();
    expect(body.next).toBe(`${apiBase}courses/?page=2`);
    const second = await getJson<DrfPage<EdxCourse>>(body.next!);
    expect(second.body.previous).toBe(`${apiBase}courses/`);
    // Courses come in Discovery's order (lower-cased key), each with the programs that include it.
    const keys = body.results.map((course) => course.key.toLowerCase());
    expect(keys).toEqual([...keys].sort((a, b) => a.localeCompare(b)));
    const cyb101 = (await getJson<EdxCourse>('courses/SentinelSecX+CYB101/')).body;
    expect(cyb101.programs?.map((program) => program.title).sort()).toEqual(['Cybersecurity Fundamentals']);
  });

  it('pages through courses to the last page, every course exactly once', async () => {
    const seen: string[] = [];
    let next: string | null = 'courses/?page_size=7';
    let pages = 0;
    while (next !== null) {
      const page: { body: DrfPage<EdxCourse> } = await getJson<DrfPage<EdxCourse>>(next);
      seen.push(...page.body.results.map((course) => course.key));
      next = page.body.next;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(sampleCourses.length / 7));
    expect(seen.sort()).toEqual(sampleCourses.map((course) => course.key).sort());
  });

  it('cuts page_size at 100 and answers "Invalid page." past the end', async () => {
    const { body } = await getJson<DrfPage<EdxCourse>>('courses/?page_size=500');
    expect(body.results).toHaveLength(Math.min(100, sampleCourses.length));
    const beyond = await getJson<{ detail: string }>('courses/?page=99');
    expect(beyond.status).toBe(404);
    expect(beyond.body).toEqual({ detail: 'Invalid page.' });
  });

  it('refuses a missing or wrong JWT with DRF bodies', async () => {
    const missing = await getJson<{ detail: string }>('courses/', null);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(missing.headers.get('www-authenticate')).toBe('JWT realm="api"');
    const wrong = await getJson<{ detail: string }>('courses/', 'JWT not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Error decoding signature.' });
    const bearer = await getJson<{ detail: string }>('courses/', `Bearer ${TOKEN}`);
    expect(bearer.status).toBe(401);
  });

  it('multi-gets by keys and uuids, leaving unknown ones out', async () => {
    const [a, b] = [sampleCourses[3]!, sampleCourses[50]!];
    const byKeys = await getJson<DrfPage<EdxCourse>>(
      `courses/?keys=${encodeURIComponent(`${b.key},NoSuchX+0,${a.key}`)}`,
    );
    expect(byKeys.body.results.map((course) => course.key).sort()).toEqual([a.key, b.key].sort());
    const program = listedPrograms[2]!;
    const byUuids = await getJson<DrfPage<EdxProgram>>(`programs/?uuids=${program.uuid.toUpperCase()}`);
    expect(byUuids.body.results.map((found) => found.uuid)).toEqual([program.uuid]);
  });

  it('filters by timestamp and rejects a bad one like django-filter', async () => {
    const since = '2025-10-01T00:00:00Z';
    const { body } = await getJson<DrfPage<EdxCourse>>(`courses/?page_size=100&timestamp=${since}`);
    const expected = sampleCourses.filter((course) => Date.parse(course.modified) >= Date.parse(since));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(sampleCourses.length);
    expect(body.results.map((course) => course.key).sort()).toEqual(
      expected.map((course) => course.key).sort(),
    );
    const bad = await getJson<Record<string, string[]>>('courses/?timestamp=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ timestamp: ['Enter a valid date/time.'] });
  });

  it('serves single courses, programs and course runs, and DRF 404s', async () => {
    const course = sampleCourses[10]!;
    expect((await getJson<EdxCourse>(`courses/${course.key}/`)).body.title).toBe(course.title);
    expect((await getJson<EdxCourse>(`courses/${course.uuid}/`)).body.key).toBe(course.key);
    const program = samplePrograms[0]!;
    expect((await getJson<EdxProgram>(`programs/${program.uuid}/`)).body.courses).toEqual(program.courses);
    const runKey = sampleCourses.find((candidate) => candidate.course_runs.length > 0)!.course_runs[0]!.key;
    const runs = await getJson<DrfPage<EdxCourseRun>>(`course_runs/?keys=${encodeURIComponent(runKey)}`);
    expect(runs.body.results.map((found) => [found.key, found.course])).toEqual([
      [runKey, runKey.replace(/^course-v1:/, '').replace(/\+[^+]+$/, '')],
    ]);
    const missing = await getJson<{ detail: string }>('courses/NoSuchX+0/');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'Not found.' });
    expect((await getJson('nothing-here/')).status).toBe(404);
  });

  it('throttles each user like DRF: 429, Retry-After and the wait in the detail', async () => {
    expect(parseThrottleRate('200/hour')).toEqual({ requests: 200, windowMs: 3_600_000 });
    expect(() => parseThrottleRate('lots')).toThrow(/200\/hour/);
    const strict = await startEdxStandin({ token: TOKEN, throttleRate: '2/minute' });
    try {
      const base = `${strict.origin}/api/v1/`;
      expect((await getJson('programs/', `JWT ${TOKEN}`, base)).status).toBe(200);
      expect((await getJson('programs/', `JWT ${TOKEN}`, base)).status).toBe(200);
      const throttled = await getJson<{ detail: string }>('programs/', `JWT ${TOKEN}`, base);
      expect(throttled.status).toBe(429);
      const wait = Number(throttled.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
      expect(throttled.body).toEqual({
        detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
      });
      // Authentication comes first: a wrong token is still a 401.
      expect((await getJson('programs/', 'JWT wrong', base)).status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});

describe('client', () => {
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  it('maps a refused token to UPSTREAM_UNAUTHORIZED naming the setting, never the token', async () => {
    const client = clientFor(apiBase, { EDX_API_TOKEN: SECRET });
    try {
      const failure = await client.listCourses({ page: 1, pageSize: 5 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as UpstreamError).code).toBe('UPSTREAM_UNAUTHORIZED');
      expect((failure as UpstreamError).message).toContain('EDX_API_TOKEN');
      expect((failure as UpstreamError).message).not.toContain(SECRET);
      expect(JSON.stringify(failure)).not.toContain(SECRET);
    } finally {
      await client.close();
    }
  });

  it('waits out the stand-in throttle (429 + Retry-After) and carries on', async () => {
    const strict = await startEdxStandin({ token: TOKEN, throttleRate: '2/second' });
    const client = clientFor(`${strict.origin}/api/v1/`, { EDX_PAGE_SIZE: '30' });
    try {
      const started = Date.now();
      const { items } = await walkFeed(client, 500);
      expect(items.map((item) => item.id).sort()).toEqual(expectedFeedIds);
      // Four upstream pages at two a second: at least one wait of a whole second.
      expect(strict.totalRequests()).toBeGreaterThan(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await client.close();
      await strict.close();
    }
  });

  it('waits out an injected 429 with Retry-After, and retries a 503', async () => {
    const client = clientFor(apiBase);
    try {
      standin.injectFault({
        pathIncludes: '/programs/',
        status: 429,
        body: { detail: 'Request was throttled. Expected available in 1 second.' },
        headers: { 'retry-after': '1' },
      });
      const started = Date.now();
      expect((await client.listPrograms({ page: 1, pageSize: 5 })).results).toHaveLength(5);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(standin.requestCounts.get('GET /api/v1/programs/')).toBe(2);

      standin.injectFault({ pathIncludes: '/courses/', status: 503, body: { detail: 'down' }, times: 2 });
      expect((await client.listCourses({ page: 2, pageSize: 10 })).results).toHaveLength(10);
      expect(standin.requestCounts.get('GET /api/v1/courses/')).toBe(3);
    } finally {
      await client.close();
    }
  });

  it('reads the page number out of next, even when DRF names another host in it', async () => {
    const proxied = await startEdxStandin({ token: TOKEN, linkOrigin: 'http://discovery.internal:18381' });
    const client = clientFor(`${proxied.origin}/api/v1/`, { EDX_PAGE_SIZE: '25' });
    try {
      const first = await getJson<DrfPage<EdxCourse>>(
        'courses/?page_size=25',
        `JWT ${TOKEN}`,
        `${proxied.origin}/api/v1/`,
      );
      expect(first.body.next).toBe('http://discovery.internal:18381/api/v1/courses/?page_size=25&page=2');
      const { items } = await walkFeed(client, 25);
      expect(items.map((item) => item.id).sort()).toEqual(expectedFeedIds);
    } finally {
      await client.close();
      await proxied.close();
    }
  });

  it('refuses a next link that does not move forward', () => {
    expect(nextPageNumber(null, 1, 'courses/')).toBeNull();
    expect(nextPageNumber('http://x.example/api/v1/courses/?page=3', 2, 'courses/')).toBe(3);
    expect(() => nextPageNumber('http://x.example/api/v1/courses/?page=2', 2, 'courses/')).toThrow(
      /without a page after 2/,
    );
    expect(() => nextPageNumber('http://x.example/api/v1/courses/', 2, 'courses/')).toThrow(UpstreamError);
  });

  it('multi-gets in chunks of 100 keys per request', async () => {
    const client = clientFor(apiBase);
    try {
      const keys = [
        ...sampleCourses.map((course) => course.key),
        ...Array.from({ length: 80 }, (_, index) => `NoSuchX+${index}`),
      ];
      const courses = await client.coursesByKeys(keys);
      expect(courses.map((course) => course.key).sort()).toEqual(
        sampleCourses.map((course) => course.key).sort(),
      );
      expect(standin.requestCounts.get('GET /api/v1/courses/')).toBe(Math.ceil(keys.length / 100));
      expect(await client.course('NoSuchX+0')).toBeNull();
      expect((await client.program(samplePrograms[0]!.uuid))?.title).toBe(samplePrograms[0]!.title);
    } finally {
      await client.close();
    }
  });

  it('rejects config that is out of range, naming the variable', () => {
    expect(() => readConfig({ EDX_PAGE_SIZE: '101' })).toThrow(/EDX_PAGE_SIZE/);
    expect(() => readConfig({ EDX_BASE_URL: 'not a url' })).toThrow(/EDX_BASE_URL/);
    expect(() => readConfig({ EDX_TIMEOUT_MS: '5' })).toThrow(/EDX_TIMEOUT_MS/);
    const defaults = readConfig({});
    expect(defaults).toEqual({
      baseUrl: 'http://127.0.0.1:4106/api/v1/',
      apiToken: EDX_DEMO_TOKEN,
      timeoutMs: 10_000,
      pageSize: 100,
    });
  });
});

describe('feed', () => {
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  it('walks every page of courses, then of programs: every record exactly once, all valid', async () => {
    const client = clientFor(apiBase, { EDX_PAGE_SIZE: '10' });
    try {
      const { items, pages } = await walkFeed(client, 500);
      expect(pages).toBe(Math.ceil(sampleCourses.length / 10) + Math.ceil(samplePrograms.length / 10));
      expect(items.map((item) => item.id).sort()).toEqual(expectedFeedIds);
      for (const item of items) expect(credentialRecordProblems(item), item.id).toEqual([]);
      expect(items.map((item) => item.id)).not.toContain(`edx:program:${deletedProgram.uuid}`);
      // Every stacking relation points at a record of the same harvest.
      const ids = new Set(items.map((item) => item.id));
      const relations = items.flatMap((item) => item.relations ?? []);
      expect(relations.filter((relation) => relation.type === 'HAS_PART').length).toBe(
        listedPrograms.reduce((sum, program) => sum + program.courses.length, 0),
      );
      expect(relations.filter((relation) => relation.type === 'IS_PART_OF').length).toBe(
        listedPrograms.reduce((sum, program) => sum + program.courses.length, 0),
      );
      for (const relation of relations) expect(ids).toContain(relation.target);
      expect(items.every((item) => item.provenance.raw !== undefined)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('keeps the page size it started with, whatever limit later requests ask for', async () => {
    const client = clientFor(apiBase);
    try {
      const ids: string[] = [];
      let cursor: string | null = null;
      let limit = 15;
      do {
        const page = await edxFeedPage(client, { cursor, limit, updatedSince: null });
        ids.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
        limit = limit === 15 ? 40 : 15;
      } while (cursor !== null);
      expect(ids.sort()).toEqual(expectedFeedIds);
    } finally {
      await client.close();
    }
  });

  it('passes updatedSince to Discovery as its timestamp filter', async () => {
    const client = clientFor(apiBase);
    const since = '2025-10-15T00:00:00.000Z';
    try {
      const { items } = await walkFeed(client, 100, since);
      const expected = [
        ...sampleCourses
          .filter((course) => Date.parse(course.modified) >= Date.parse(since))
          .map((course) => `edx:course:${course.key}`),
        ...listedPrograms
          .filter((program) => Date.parse(program.modified) >= Date.parse(since))
          .map((program) => `edx:program:${program.uuid}`),
      ].sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(items.map((item) => item.id).sort()).toEqual(expected);
    } finally {
      await client.close();
    }
  });

  it('refuses cursors it did not issue', async () => {
    const client = clientFor(apiBase);
    try {
      await expect(
        edxFeedPage(client, { cursor: 'bogus', limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      const foreign = Buffer.from(JSON.stringify({ start: 20 })).toString('base64url');
      await expect(
        edxFeedPage(client, { cursor: foreign, limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    } finally {
      await client.close();
    }
  });

  it('reports malformed upstream JSON as UPSTREAM_BAD_RESPONSE', async () => {
    const client = clientFor(apiBase);
    try {
      standin.injectFault({ pathIncludes: '/courses/', rawBody: '<html>Server Error</html>' });
      await expect(
        edxFeedPage(client, { cursor: null, limit: 10, updatedSince: null }),
      ).rejects.toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE',
      });
      standin.injectFault({ pathIncludes: '/courses/', status: 200, body: { count: 3, results: 'nope' } });
      await expect(
        edxFeedPage(client, { cursor: null, limit: 10, updatedSince: null }),
      ).rejects.toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE',
        message: expect.stringContaining('"results"'),
      });
    } finally {
      await client.close();
    }
  });
});

describe('subgraph', () => {
  let subgraph: RunningServer;

  beforeAll(async () => {
    subgraph = await startProviderSubgraph(edxProvider, {
      env: { EDX_BASE_URL: apiBase, EDX_API_TOKEN: TOKEN, EDX_PAGE_SIZE: '40' },
      port: 0,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
  });
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  interface Entity {
    id: string;
    edx:
      | { __typename: 'EdxCourse'; key: string; title: string; courseRuns: Array<{ key: string }> }
      | {
          __typename: 'EdxProgram';
          uuid: string;
          type: string;
          courses: Array<{ key: string; position: number; credential: { id: string } | null }>;
        }
      | null;
  }

  const entities = (ids: string[]) =>
    resolveEntities<Entity>(
      subgraph.url,
      `edx {
        __typename
        ... on EdxCourse { key title courseRuns { key } }
        ... on EdxProgram { uuid type courses { key position credential { id } } }
      }`,
      ids,
    );

  it('resolves a batch of courses and programs with ONE request to each list', async () => {
    const courses = [sampleCourses[2]!, sampleCourses[33]!, sampleCourses[61]!];
    const program = listedPrograms[4]!;
    const result = await entities([
      `edx:course:${courses[0]!.key}`,
      `edx:program:${program.uuid}`,
      `edx:course:${courses[1]!.key}`,
      `edx:course:${courses[2]!.key}`,
    ]);
    expect(result.errors).toBeUndefined();
    const [first, second, third, fourth] = result.data!._entities;
    const courseDetails = (course: EdxCourse) => ({
      __typename: 'EdxCourse',
      key: course.key,
      title: course.title,
      courseRuns: course.course_runs.map((run) => ({ key: run.key })),
    });
    expect(first!.edx).toEqual(courseDetails(courses[0]!));
    expect(third!.edx).toEqual(courseDetails(courses[1]!));
    expect(fourth!.edx).toEqual(courseDetails(courses[2]!));
    expect(second!.edx).toEqual({
      __typename: 'EdxProgram',
      uuid: program.uuid,
      type: program.type,
      courses: program.courses.map((course, position) => ({
        key: course.key,
        position,
        credential: { id: `edx:course:${course.key}` },
      })),
    });
    expect(standin.requestCounts.get('GET /api/v1/courses/')).toBe(1);
    expect(standin.requestCounts.get('GET /api/v1/programs/')).toBe(1);
    expect(standin.totalRequests()).toBe(2);
  });

  it('answers null, without error, for other providers, unknown ids and deleted programs', async () => {
    const known = sampleCourses[0]!;
    const result = await entities([
      'coursera:course:abc',
      'edx:course:NoSuchX+0',
      'edx:program:00000000-0000-4000-8000-000000000000',
      'edx:program:not-a-uuid',
      'edx:run:course-v1:Foo+Bar+1T2026',
      `edx:program:${deletedProgram.uuid}`,
      `edx:course:${known.key}`,
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity.edx?.__typename ?? null)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      'EdxCourse',
    ]);
  });

  it('reports a refused token as UPSTREAM_UNAUTHORIZED without the secret', async () => {
    const refused = await startProviderSubgraph(edxProvider, {
      env: { EDX_BASE_URL: apiBase, EDX_API_TOKEN: SECRET },
      port: 0,
    });
    try {
      const { text, body } = await postEntities(refused.url, 'edx { __typename }', [
        `edx:course:${sampleCourses[0]!.key}`,
      ]);
      expect(text).not.toContain(SECRET);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAUTHORIZED');
      const feed = await getFeedPage(refused.url);
      expect(feed.status).toBe(502);
      expect(feed.text).not.toContain(SECRET);
      expect(feed.body).toMatchObject({ error: { code: 'UPSTREAM_UNAUTHORIZED' } });
    } finally {
      await refused.close();
    }
  });

  it('serves the feed over HTTP, and answers 502 UPSTREAM_BAD_RESPONSE for malformed upstream JSON', async () => {
    const feed = await readWholeFeed(subgraph.url);
    expect(feed.status).toBe(200);
    expect(feed.providers.length).toBeGreaterThan(0);
    for (const provider of feed.providers)
      expect(provider).toMatchObject({ id: 'edx', kind: 'COURSE_CATALOG' });
    expect(feed.rejected).toEqual([]);
    expect(feed.items.map((item) => item.id).sort()).toEqual(expectedFeedIds);

    standin.injectFault({ pathIncludes: '/courses/', rawBody: '{"count": 3, "results": [' });
    const broken = await getFeedPage(subgraph.url);
    expect(broken.status).toBe(502);
    expect(broken.body).toMatchObject({ error: { code: 'UPSTREAM_BAD_RESPONSE' } });
    expect((await getFeedPage(subgraph.url, { cursor: 'bogus' })).status).toBe(400);
  });
});
