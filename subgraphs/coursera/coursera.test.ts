import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CredentialRecord, credentialRecordProblems, durationToHours } from '../../schema/index.js';
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
} from '../kit/testing.js';
import { CourseraClient } from './client.js';
import { readConfig } from './config.js';
import { toDetails, toSpecializationDetails } from './details.js';
import {
  indexPartners,
  parseWorkload,
  sectorsOf,
  toCredentialRecord,
  toSpecializationRecord,
  workloadHours,
} from './mapping.js';
import { courseraFeedPage, courseraProvider, loadCourseraDetails } from './provider.js';
import { startCourseraStandin } from './standin/server.js';
import type { CourseraCourse, CourseraPartner, CourseraSpecialization, NaptimeEnvelope } from './upstream.js';

const DATA = 'subgraphs/coursera/standin/data';
const sampleCourses = readProjectJson<CourseraCourse[]>(`${DATA}/courses.json`);
const samplePartners = readProjectJson<CourseraPartner[]>(`${DATA}/partners.json`);
const sampleSpecializations = readProjectJson<CourseraSpecialization[]>(`${DATA}/specializations.json`);
const sampleIds = sampleCourses.map((course) => course.id).sort();
const courseById = new Map(sampleCourses.map((course) => [course.id, course]));
/** Every credential the feed must yield, from the data files: each course, then each specialization. */
const expectedFeedIds = [
  ...sampleIds.map((id) => `coursera:course:${id}`),
  ...sampleSpecializations.map((specialization) => `coursera:specialization:${specialization.id}`),
].sort();
const FETCHED_AT = '2026-02-01T10:00:00.000Z';
const TOKEN = 'coursera-test-token';

let standin: RunningStandin;
let apiBase: string;

beforeAll(async () => {
  standin = await startCourseraStandin({ token: TOKEN });
  apiBase = `${standin.origin}/api/`;
});
afterAll(async () => {
  await standin?.close();
});

async function getJson<T>(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, apiBase), { headers });
  return { status: response.status, body: (await response.json()) as T };
}

function clientFor(base: string, env: Record<string, string> = {}): CourseraClient {
  return new CourseraClient(readConfig({ COURSERA_BASE_URL: base, ...env }));
}

describe('sample data', () => {
  it('covers the catalog the brief asks for', () => {
    expect(sampleCourses.length).toBeGreaterThanOrEqual(70);
    expect(samplePartners.length).toBeGreaterThanOrEqual(8);
    expect(new Set(sampleIds).size).toBe(sampleCourses.length);
    const languages = new Set(sampleCourses.flatMap((course) => course.primaryLanguages ?? []));
    expect(languages).toEqual(new Set(['en', 'es', 'fr']));
    expect(sampleCourses.filter((course) => course.certificates?.length === 0).length).toBeGreaterThan(0);
    const security = sampleCourses.filter((course) =>
      /security/i.test(`${course.name} ${course.description}`),
    );
    expect(security.length).toBeGreaterThanOrEqual(5);
    const partnerIds = new Set(samplePartners.map((partner) => partner.id));
    const specializationIds = new Set(sampleSpecializations.map((specialization) => specialization.id));
    for (const course of sampleCourses) {
      for (const partnerId of course.partnerIds ?? []) expect(partnerIds).toContain(partnerId);
      for (const specializationId of course.specializations ?? [])
        expect(specializationIds).toContain(specializationId);
    }
    for (const specialization of sampleSpecializations) {
      expect(specialization.courseIds?.length, specialization.slug).toBeGreaterThan(1);
      for (const courseId of specialization.courseIds ?? []) {
        expect(courseById.get(courseId)?.specializations, specialization.slug).toContain(specialization.id);
      }
    }
  });
});

describe('stand-in (Naptime API)', () => {
  it('answers courses.v1 with the Naptime envelope and only the default fields', async () => {
    const { status, body } = await getJson<NaptimeEnvelope<Record<string, unknown>>>(
      'courses.v1?start=0&limit=5',
    );
    expect(status).toBe(200);
    expect(body.elements).toHaveLength(5);
    expect(body.paging).toEqual({ next: '5', total: sampleCourses.length });
    expect(body.linked).toBeUndefined();
    for (const element of body.elements) {
      expect(Object.keys(element).sort()).toEqual(['courseType', 'id', 'name', 'slug']);
      expect(element.courseType).toBe('v2.ondemand');
    }
  });

  it('honours fields and includes', async () => {
    const { body } = await getJson<NaptimeEnvelope<Record<string, unknown>>>(
      'courses.v1?start=0&limit=10&fields=workload,partnerIds&includes=partnerIds',
    );
    const allowed = new Set(['id', 'slug', 'courseType', 'name', 'workload', 'partnerIds']);
    for (const element of body.elements) {
      for (const key of Object.keys(element)) expect(allowed).toContain(key);
      expect(element.partnerIds).toBeDefined();
      expect(element.description).toBeUndefined();
    }
    const referenced = new Set(body.elements.flatMap((element) => element.partnerIds as string[]));
    const linked = body.linked?.['partners.v1'] ?? [];
    expect(new Set(linked.map((partner) => partner.id))).toEqual(referenced);
    for (const partner of linked)
      expect(Object.keys(partner).sort()).toEqual(['homeLink', 'id', 'name', 'shortName']);
  });

  it('chains paging.next across the whole catalog, every course exactly once', async () => {
    const seen: string[] = [];
    let start: string | undefined = '0';
    let pages = 0;
    while (start !== undefined) {
      const page: { body: NaptimeEnvelope<CourseraCourse> } = await getJson<NaptimeEnvelope<CourseraCourse>>(
        `courses.v1?start=${start}&limit=10`,
      );
      const body = page.body;
      seen.push(...body.elements.map((element) => element.id));
      start = body.paging.next;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(sampleCourses.length / 10));
    expect(seen.sort()).toEqual(sampleIds);
  });

  it('multi-gets by ids in the order asked, omitting unknown ids', async () => {
    const [a, b, c] = [sampleCourses[5]!, sampleCourses[40]!, sampleCourses[70]!];
    const { body } = await getJson<NaptimeEnvelope<CourseraCourse>>(
      `courses.v1?ids=${c.id},nope-not-a-course,${a.id},${b.id}&fields=workload`,
    );
    expect(body.elements.map((element) => element.id)).toEqual([c.id, a.id, b.id]);
    expect(body.elements[0]!.workload).toBe(c.workload);
  });

  it('searches name and description case-insensitively', async () => {
    const { body } = await getJson<NaptimeEnvelope<CourseraCourse>>(
      'courses.v1?q=search&query=SECURITY&fields=description',
    );
    const expected = sampleCourses.filter((course) =>
      /security/i.test(`${course.name} ${course.description}`),
    );
    expect(body.elements.map((element) => element.id).sort()).toEqual(
      expected.map((course) => course.id).sort(),
    );
  });

  it('serves partners.v1 and onDemandSpecializations.v1', async () => {
    const partners = await getJson<NaptimeEnvelope<CourseraPartner>>(
      `partners.v1?ids=${samplePartners[0]!.id}&fields=name,shortName,homeLink,description`,
    );
    expect(partners.body.elements).toEqual([
      {
        id: samplePartners[0]!.id,
        name: samplePartners[0]!.name,
        shortName: samplePartners[0]!.shortName,
        homeLink: samplePartners[0]!.homeLink,
        description: samplePartners[0]!.description,
      },
    ]);
    const specialization = sampleSpecializations[0]!;
    const client = clientFor(apiBase);
    try {
      const found = await client.getSpecializationBySlug(specialization.slug);
      expect(found?.courseIds).toEqual(specialization.courseIds);
      expect(await client.getSpecializationBySlug('no-such-specialization')).toBeNull();
    } finally {
      await client.close();
    }
  });

  it('lists onDemandSpecializations.v1 with start/limit paging, fields and linked partners', async () => {
    const seen: CourseraSpecialization[] = [];
    let start: string | undefined = '0';
    while (start !== undefined) {
      const page: { status: number; body: NaptimeEnvelope<CourseraSpecialization> } = await getJson(
        `onDemandSpecializations.v1?start=${start}&limit=4&fields=courseIds,partnerIds&includes=partnerIds`,
      );
      expect(page.status).toBe(200);
      expect(page.body.paging.total).toBe(sampleSpecializations.length);
      const linked = new Set((page.body.linked?.['partners.v1'] ?? []).map((partner) => partner.id));
      for (const element of page.body.elements) {
        for (const partnerId of element.partnerIds ?? []) expect(linked).toContain(partnerId);
      }
      seen.push(...page.body.elements);
      start = page.body.paging.next;
    }
    expect(seen.map(({ id, courseIds }) => ({ id, courseIds }))).toEqual(
      sampleSpecializations.map(({ id, courseIds }) => ({ id, courseIds })),
    );
  });

  it('answers 401 for a wrong bearer token, and lets the public catalog be read without one', async () => {
    const wrong = await getJson<Record<string, unknown>>('courses.v1', { authorization: 'Bearer wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ errorCode: 'Unauthorized', message: expect.any(String), details: null });
    expect((await getJson('courses.v1?limit=1')).status).toBe(200);
    expect((await getJson('courses.v1?limit=1', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('answers 404 for unknown resources and 400 for bad parameters, in Naptime style', async () => {
    const missing = await getJson<Record<string, unknown>>('noSuchThing.v1');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ errorCode: 'NotFound', details: null });
    const tooMany = await getJson<Record<string, unknown>>('courses.v1?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ errorCode: 'BadRequest' });
    expect((await getJson('courses.v1?fields=notAField')).status).toBe(400);
    expect((await getJson('courses.v1?q=noSuchFinder')).status).toBe(400);
    expect((await getJson(`courses.v1/${sampleCourses[0]!.id}`)).status).toBe(200);
    expect((await getJson('courses.v1/unknown-id')).status).toBe(404);
  });
});

describe('workload parser', () => {
  it.each([
    ['Approx. 13 hours to complete', 'PT13H'],
    ['Approximately 13 hours to complete', 'PT13H'],
    ['Approx. 45 minutes to complete', 'PT45M'],
    ['Approx. 1 hour 30 minutes to complete', 'PT1H30M'],
    ['10-12 hours', 'PT12H'],
    ['Approximately 3 months at 10 hours a week', 'PT120H'],
    ['Approximately three months at 10 hours a week', 'PT120H'],
    ['4 weeks of study, 4-6 hours/week', 'PT24H'],
    ['6 weeks, 3 to 5 hours per week', 'PT30H'],
    ['2 hours per day for 5 days', 'PT10H'],
    ['4-6 hours/week', null],
    ['3 months', null],
    ['2 hours per day for 3 weeks', null],
    ['Self-paced', null],
    ['', null],
    [undefined, null],
  ])('%j → %j', (workload, expected) => {
    expect(parseWorkload(workload)).toBe(expected);
  });
});

describe('mapping', () => {
  const partners = indexPartners(samplePartners);

  it('maps every sample course into a valid common record', () => {
    for (const course of sampleCourses) {
      const record = toCredentialRecord(course, partners, FETCHED_AT);
      expect(credentialRecordProblems(record), course.slug).toEqual([]);
    }
  });

  it('maps a course field by field', () => {
    const course = sampleCourses.find((candidate) => candidate.slug === 'healthcare-data-security-privacy')!;
    const first = samplePartners.find((partner) => partner.id === course.partnerIds![0])!;
    const record = toCredentialRecord(course, partners, FETCHED_AT);
    expect(record).toEqual<CredentialRecord>({
      id: `coursera:course:${course.id}`,
      name: 'Healthcare Data Security and Privacy',
      description: course.description!,
      credentialType: 'CERTIFICATE_OF_COMPLETION',
      sourceTypes: ['v2.ondemand', ...course.certificates!],
      issuer: { id: `coursera:partner:${first.id}`, name: first.name, url: first.homeLink!, verified: null },
      provider: 'coursera',
      url: 'https://www.coursera.org/learn/healthcare-data-security-privacy',
      image: course.photoUrl!,
      skills: [],
      sectors: ['HEALTHCARE', 'TECHNOLOGY'],
      level: null,
      estimatedDuration: 'PT10H',
      cost: null,
      deliveryMode: 'ONLINE',
      languages: ['en'],
      updatedAt: FETCHED_AT,
      provenance: {
        provider: 'coursera',
        upstreamId: course.id,
        url: 'https://www.coursera.org/learn/healthcare-data-security-privacy',
        fetchedAt: FETCHED_AT,
        raw: course,
      },
    });
    expect(durationToHours(record.estimatedDuration!)).toBe(10);
  });

  it('keeps audit-only courses as COURSE and rates without a period as unknown duration', () => {
    const audit = sampleCourses.find((course) => course.certificates?.length === 0)!;
    expect(toCredentialRecord(audit, partners, FETCHED_AT).credentialType).toBe('COURSE');
    const rateOnly = sampleCourses.find((course) => course.workload === '4-6 hours/week')!;
    expect(toCredentialRecord(rateOnly, partners, FETCHED_AT).estimatedDuration).toBeNull();
  });

  it('maps domains to sectors by the documented table', () => {
    expect(
      sectorsOf([{ domainId: 'physical-science-and-engineering', subdomainId: 'electrical-engineering' }]),
    ).toEqual(['ADVANCED_MANUFACTURING']);
    expect(sectorsOf([{ domainId: 'physical-science-and-engineering', subdomainId: 'chemistry' }])).toEqual([
      'OTHER',
    ]);
    expect(sectorsOf([{ domainId: 'business', subdomainId: 'supply-chain-and-logistics' }])).toEqual([
      'BUSINESS',
      'LOGISTICS',
    ]);
    expect(
      sectorsOf([
        { domainId: 'data-science', subdomainId: 'machine-learning' },
        { domainId: 'computer-science', subdomainId: 'algorithms' },
      ]),
    ).toEqual(['TECHNOLOGY']);
    expect(sectorsOf(undefined)).toEqual([]);
  });

  it('leaves the issuer nameless, so the record is reported, when the partner is unknown', () => {
    const record = toCredentialRecord({ ...sampleCourses[0]!, partnerIds: ['999999'] }, partners, FETCHED_AT);
    expect(record.issuer.id).toBe('coursera:partner:999999');
    expect(credentialRecordProblems(record)).toContain('issuer needs an id and a name');
  });

  it('builds raw details with the partners in Coursera order', () => {
    const course = sampleCourses.find((candidate) => (candidate.partnerIds?.length ?? 0) > 1)!;
    const details = toDetails(course, partners);
    expect(details.partners.map((partner) => partner.id)).toEqual(course.partnerIds);
    expect(details.url).toBe(`https://www.coursera.org/learn/${course.slug}`);
  });
});

describe('specialization mapping', () => {
  const partners = indexPartners(samplePartners);
  const cloud = sampleSpecializations.find((specialization) => specialization.slug === 'cloud-engineering')!;

  it('maps every sample specialization into a valid CERTIFICATE that has its courses as parts, in order', () => {
    for (const specialization of sampleSpecializations) {
      const record = toSpecializationRecord(specialization, partners, courseById, FETCHED_AT);
      expect(credentialRecordProblems(record), specialization.slug).toEqual([]);
      expect(record.relations, specialization.slug).toEqual(
        specialization.courseIds!.map((courseId, order) => ({
          type: 'HAS_PART',
          target: `coursera:course:${courseId}`,
          order,
        })),
      );
    }
  });

  it('maps a specialization field by field, with languages, sectors and effort from its courses', () => {
    const partner = samplePartners.find((candidate) => candidate.id === cloud.partnerIds![0])!;
    const courses = cloud.courseIds!.map((id) => courseById.get(id)!);
    const hours = courses.reduce((sum, course) => sum + workloadHours(course.workload)!, 0);
    const record = toSpecializationRecord(cloud, partners, courseById, FETCHED_AT);
    expect(record).toEqual<CredentialRecord>({
      id: `coursera:specialization:${cloud.id}`,
      name: 'Cloud Engineering',
      description: cloud.description!,
      credentialType: 'CERTIFICATE',
      sourceTypes: ['Specialization'],
      issuer: {
        id: `coursera:partner:${partner.id}`,
        name: partner.name,
        url: partner.homeLink!,
        verified: null,
      },
      provider: 'coursera',
      url: 'https://www.coursera.org/specializations/cloud-engineering',
      image: null,
      skills: [],
      sectors: ['TECHNOLOGY'],
      level: null,
      estimatedDuration: `PT${hours}H`,
      cost: null,
      deliveryMode: 'ONLINE',
      languages: ['en'],
      updatedAt: FETCHED_AT,
      provenance: {
        provider: 'coursera',
        upstreamId: cloud.id,
        url: 'https://www.coursera.org/specializations/cloud-engineering',
        fetchedAt: FETCHED_AT,
        raw: cloud,
      },
      relations: cloud.courseIds!.map((courseId, order) => ({
        type: 'HAS_PART',
        target: `coursera:course:${courseId}`,
        order,
      })),
    });
    expect(hours).toBe(77);
  });

  it('knows effort only when every course is at hand and states one; languages and sectors from those at hand', () => {
    const withoutFirst = new Map(courseById);
    withoutFirst.delete(cloud.courseIds![0]!);
    const partial = toSpecializationRecord(cloud, partners, withoutFirst, FETCHED_AT);
    expect(partial.estimatedDuration).toBeNull();
    expect(partial.languages).toEqual(['en']);
    expect(partial.relations).toHaveLength(cloud.courseIds!.length);
    const bare = toSpecializationRecord(cloud, partners, new Map(), FETCHED_AT);
    expect(bare).toMatchObject({ languages: [], sectors: [], estimatedDuration: null });
    const security = sampleSpecializations.find((item) => item.slug === 'cybersecurity-operations')!;
    const rateOnly = toSpecializationRecord(security, partners, courseById, FETCHED_AT);
    expect(rateOnly.estimatedDuration, 'one course states a rate only').toBeNull();
    const noDescription = toSpecializationRecord(
      { ...cloud, description: undefined, courseIds: [cloud.courseIds![1]!, cloud.courseIds![1]!] },
      partners,
      courseById,
      FETCHED_AT,
    );
    expect(noDescription.description).toBe(cloud.tagline);
    expect(noDescription.relations).toEqual([
      { type: 'HAS_PART', target: `coursera:course:${cloud.courseIds![1]}`, order: 0 },
    ]);
  });

  it('builds specialization details in the course shape, with its own shape in specialization', () => {
    const details = toSpecializationDetails(cloud, partners);
    expect(details).toMatchObject({
      id: cloud.id,
      slug: cloud.slug,
      name: cloud.name,
      courseType: 'specialization',
      certificates: ['Specialization'],
      primaryLanguages: [],
      url: 'https://www.coursera.org/specializations/cloud-engineering',
      specialization: {
        id: cloud.id,
        tagline: cloud.tagline,
        courses: cloud.courseIds!.map((id, position) => ({ id, position })),
      },
    });
    expect(details.partners.map((partner) => partner.id)).toEqual(cloud.partnerIds);
    expect(toDetails(sampleCourses[0]!, partners).specialization).toBeNull();
  });
});

describe('client', () => {
  beforeEach(() => standin.resetCounts());

  it('maps a refused token to UPSTREAM_UNAUTHORIZED naming the setting', async () => {
    const client = clientFor(apiBase, { COURSERA_API_TOKEN: 'wrong' });
    try {
      const failure = await client.listCourses({ start: 0, limit: 5 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as UpstreamError).code).toBe('UPSTREAM_UNAUTHORIZED');
      expect((failure as UpstreamError).message).toContain('COURSERA_API_TOKEN');
    } finally {
      await client.close();
    }
  });

  it('chunks multi-gets at 100 ids per request', async () => {
    const client = clientFor(apiBase);
    try {
      const ids = [...sampleIds, ...Array.from({ length: 100 }, (_, index) => `unknown-${index}`)];
      const batch = await client.getCourses(ids);
      expect(batch.courses.map((course) => course.id).sort()).toEqual(sampleIds);
      expect(standin.requestCounts.get('GET /api/courses.v1')).toBe(Math.ceil(ids.length / 100));
    } finally {
      await client.close();
    }
  });

  it('rejects config that is out of range, naming the variable', () => {
    expect(() => readConfig({ COURSERA_PAGE_SIZE: '500' })).toThrow(/COURSERA_PAGE_SIZE/);
    expect(() => readConfig({ COURSERA_BASE_URL: 'ftp://example.org/' })).toThrow(/COURSERA_BASE_URL/);
    expect(readConfig({}).baseUrl).toBe('http://127.0.0.1:4103/api/');
  });
});

describe('feed', () => {
  const walkFeed = (client: CourseraClient, limit: number) =>
    readProviderFeed(courseraFeedPage, client, limit);

  it('walks every course, then every specialization, each exactly once', async () => {
    const client = clientFor(apiBase, { COURSERA_PAGE_SIZE: '10' });
    try {
      const { items, pages } = await walkFeed(client, 500);
      expect(pages).toBe(Math.ceil(sampleCourses.length / 10) + Math.ceil(sampleSpecializations.length / 10));
      const ids = items.map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(expectedFeedIds);
      const kinds = ids.map((id) => id.split(':')[1]);
      expect(kinds.lastIndexOf('course')).toBe(sampleCourses.length - 1);
      for (const item of items) expect(credentialRecordProblems(item), item.id).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("states each specialization's courses as HAS_PART in order, and keeps every element as received", async () => {
    const client = clientFor(apiBase, { COURSERA_PAGE_SIZE: '4' });
    try {
      const { items } = await walkFeed(client, 500);
      for (const specialization of sampleSpecializations) {
        const record = items.find((item) => item.id === `coursera:specialization:${specialization.id}`)!;
        expect(record.relations).toEqual(
          specialization.courseIds!.map((courseId, order) => ({
            type: 'HAS_PART',
            target: `coursera:course:${courseId}`,
            order,
          })),
        );
        expect(record).toMatchObject({ credentialType: 'CERTIFICATE', sourceTypes: ['Specialization'] });
        expect(record.provenance.raw).toEqual(specialization);
        expect(record.languages).toEqual(['en']);
        expect(record.sectors.length).toBeGreaterThan(0);
      }
      for (const item of items.filter((candidate) => candidate.id.startsWith('coursera:course:'))) {
        expect(item.provenance.raw).toEqual(courseById.get(item.provenance.upstreamId));
        expect(item.relations ?? []).toEqual([]);
      }
    } finally {
      await client.close();
    }
  });

  it('costs one list request per page, and one courses.v1 request per page of specializations', async () => {
    standin.resetCounts();
    const client = clientFor(apiBase, { COURSERA_PAGE_SIZE: '4' });
    try {
      await walkFeed(client, 500);
      const specializationPages = Math.ceil(sampleSpecializations.length / 4);
      expect(standin.requestCounts.get('GET /api/onDemandSpecializations.v1')).toBe(specializationPages);
      expect(standin.requestCounts.get('GET /api/courses.v1')).toBe(
        Math.ceil(sampleCourses.length / 4) + specializationPages,
      );
      expect(standin.requestCounts.get('GET /api/partners.v1')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('fetches partners that linked left out with one partners.v1 request per page', async () => {
    const bare = await startCourseraStandin({ ignoreIncludes: true });
    const client = clientFor(`${bare.origin}/api/`, { COURSERA_PAGE_SIZE: '40' });
    try {
      const { items, pages } = await walkFeed(client, 100);
      expect(items).toHaveLength(sampleCourses.length + sampleSpecializations.length);
      for (const item of items) expect(item.issuer.name).not.toBe('');
      expect(bare.requestCounts.get('GET /api/partners.v1')).toBe(pages);
    } finally {
      await client.close();
      await bare.close();
    }
  });

  it('refuses cursors it did not issue and propagates upstream errors', async () => {
    const client = clientFor(apiBase);
    const wrongToken = clientFor(apiBase, { COURSERA_API_TOKEN: 'wrong' });
    try {
      await expect(courseraFeedPage(client, { cursor: 'not-a-cursor', limit: 10 })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      const encode = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
      // `{start}` is a cursor of the course-only feed: refused as foreign, so a harvest starts over.
      for (const foreign of [
        { offset: 3 },
        { start: 10 },
        { list: 'programs', start: 0 },
        { list: 'courses' },
      ]) {
        await expect(courseraFeedPage(client, { cursor: encode(foreign), limit: 10 })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      }
      const resumed = await courseraFeedPage(client, {
        cursor: encode({ list: 'specializations', start: 2 }),
        limit: 10,
      });
      expect(resumed.items.map((item) => item.id)).toEqual(
        sampleSpecializations
          .slice(2)
          .map((specialization) => `coursera:specialization:${specialization.id}`),
      );
      expect(resumed.nextCursor).toBeNull();
      await expect(courseraFeedPage(wrongToken, { cursor: null, limit: 10 })).rejects.toMatchObject({
        code: 'UPSTREAM_UNAUTHORIZED',
      });
    } finally {
      await client.close();
      await wrongToken.close();
    }
  });
});

describe('subgraph', () => {
  let subgraph: RunningServer;

  beforeAll(async () => {
    subgraph = await startProviderSubgraph(courseraProvider, {
      env: { COURSERA_BASE_URL: apiBase, COURSERA_PAGE_SIZE: '25' },
      port: 0,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
  });
  beforeEach(() => standin.resetCounts());

  interface Entity {
    id: string;
    coursera: { name: string; partners: Array<{ name: string }> } | null;
  }

  const entities = (ids: string[]) =>
    resolveEntities<Entity>(subgraph.url, 'coursera { name partners { name } }', ids);

  it('resolves live details for a batch with ONE courses.v1 request', async () => {
    const courses = [sampleCourses[3]!, sampleCourses[38]!, sampleCourses[60]!];
    const result = await entities(courses.map((course) => `coursera:course:${course.id}`));
    expect(result.errors).toBeUndefined();
    const partnerName = (id: string) => samplePartners.find((partner) => partner.id === id)!.name;
    expect(result.data!._entities).toEqual(
      courses.map((course) => ({
        id: `coursera:course:${course.id}`,
        coursera: {
          name: course.name,
          partners: (course.partnerIds ?? []).map((id) => ({ name: partnerName(id) })),
        },
      })),
    );
    expect(standin.requestCounts.get('GET /api/courses.v1')).toBe(1);
    expect(standin.totalRequests()).toBe(1);
  });

  it('resolves specializations too: one onDemandSpecializations.v1 request per batch, with courses', async () => {
    const [first, second] = [sampleSpecializations[0]!, sampleSpecializations[4]!];
    const course = sampleCourses[7]!;
    const { body: result } = await postEntities<{ id: string; coursera: Record<string, unknown> | null }>(
      subgraph.url,
      `coursera { name courseType url
        specialization { id tagline courses { id position credential { id } } partners { id } } }`,
      [
        `coursera:specialization:${first.id}`,
        `coursera:course:${course.id}`,
        'coursera:specialization:no-such-specialization',
        `coursera:specialization:${second.id}`,
      ],
    );
    expect(result.errors).toBeUndefined();
    const expectedSpecialization = (specialization: CourseraSpecialization) => ({
      name: specialization.name,
      courseType: 'specialization',
      url: `https://www.coursera.org/specializations/${specialization.slug}`,
      specialization: {
        id: specialization.id,
        tagline: specialization.tagline,
        courses: specialization.courseIds!.map((id, position) => ({
          id,
          position,
          credential: { id: `coursera:course:${id}` },
        })),
        partners: specialization.partnerIds!.map((id) => ({ id })),
      },
    });
    expect(result.data!._entities.map((entity) => entity.coursera)).toEqual([
      expectedSpecialization(first),
      {
        name: course.name,
        courseType: course.courseType,
        url: `https://www.coursera.org/learn/${course.slug}`,
        specialization: null,
      },
      null,
      expectedSpecialization(second),
    ]);
    expect(standin.requestCounts.get('GET /api/onDemandSpecializations.v1')).toBe(1);
    expect(standin.requestCounts.get('GET /api/courses.v1')).toBe(1);
    expect(standin.totalRequests()).toBe(2);
  });

  it('asks for specializations only when the batch has some', async () => {
    const client = clientFor(apiBase);
    try {
      const refs = [sampleCourses[1]!, sampleCourses[2]!].map((course) => ({
        provider: 'coursera',
        kind: 'course',
        upstreamId: course.id,
      }));
      const details = await loadCourseraDetails(client, refs);
      expect(details.map((item) => item?.id)).toEqual(refs.map((ref) => ref.upstreamId));
      expect(standin.requestCounts.get('GET /api/onDemandSpecializations.v1')).toBeUndefined();
      expect(standin.totalRequests()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('answers null, without error, for other providers and unknown courses', async () => {
    const result = await entities([
      'credly:template:cfaf2b1e-0000-4000-8000-000000000000',
      'coursera:course:no-such-course',
      `coursera:course:${sampleCourses[0]!.id}`,
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity.coursera?.name ?? null)).toEqual([
      null,
      null,
      sampleCourses[0]!.name,
    ]);
  });

  it('serves the feed over HTTP', async () => {
    const feed = await readWholeFeed(subgraph.url);
    expect(feed.status).toBe(200);
    expect(feed.rejected).toEqual([]);
    expect(feed.items.map((item) => item.id).sort()).toEqual(expectedFeedIds);
    const bad = await getFeedPage(subgraph.url, { cursor: 'bogus' });
    expect(bad.status).toBe(400);
  });
});
