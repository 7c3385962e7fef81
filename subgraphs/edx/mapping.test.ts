import { describe, expect, it } from 'vitest';
import { type CredentialRecord, credentialRecordProblems, durationToHours } from '../../schema/index.js';
import { readProjectJson } from '../kit/index.js';
import { toCourseDetails, toProgramDetails } from './details.js';
import {
  courseCost,
  courseToRecord,
  credentialTypeOfCourse,
  credentialTypeOfProgram,
  formatEffort,
  levelOf,
  programEffortHours,
  programToRecord,
  referenceRun,
  runEffortHours,
  sectorsOf,
  skillsOf,
} from './mapping.js';
import type { EdxCourse, EdxCourseRun, EdxProgram } from './upstream.js';

const DATA = 'subgraphs/edx/standin/data';
const sampleCourses = readProjectJson<EdxCourse[]>(`${DATA}/courses.json`);
const samplePrograms = readProjectJson<EdxProgram[]>(`${DATA}/programs.json`);
const FETCHED_AT = '2026-02-01T10:00:00.000Z';

const courseByKey = (key: string) => {
  const course = sampleCourses.find((candidate) => candidate.key === key);
  if (!course) throw new Error(`no sample course ${key}`);
  return course;
};

function run(overrides: Partial<EdxCourseRun>): EdxCourseRun {
  return {
    key: 'course-v1:OrgX+T1+1T2026',
    start: null,
    end: null,
    pacing_type: 'self_paced',
    seats: [],
    weeks_to_complete: null,
    min_effort: null,
    max_effort: null,
    estimated_hours: null,
    content_language: 'en-us',
    availability: 'Current',
    ...overrides,
  };
}

describe('mapping every sample record', () => {
  it('gives valid common records for all courses and programs', () => {
    for (const course of sampleCourses) {
      expect(credentialRecordProblems(courseToRecord(course, FETCHED_AT)), course.key).toEqual([]);
    }
    for (const program of samplePrograms) {
      expect(credentialRecordProblems(programToRecord(program, FETCHED_AT)), program.title).toEqual([]);
    }
  });
});

describe('courses', () => {
  it('maps a course field by field', () => {
    const raw = courseByKey('SentinelSecX+CYB101');
    const program = samplePrograms[0]!;
    const course: EdxCourse = {
      ...raw,
      programs: [{ uuid: program.uuid, title: program.title, type: program.type }],
    };
    const url = raw.marketing_url!;
    expect(courseToRecord(course, FETCHED_AT)).toEqual<CredentialRecord>({
      id: 'edx:course:SentinelSecX+CYB101',
      name: 'Introduction to Cyber Security',
      description:
        'A hands-on online course from Sentinel Security Academy covering Cyber Security and Risk Management.',
      credentialType: 'CERTIFICATE_OF_COMPLETION',
      sourceTypes: ['audit', 'verified'],
      issuer: {
        id: 'edx:org:SentinelSecX',
        name: 'Sentinel Security Academy',
        url: 'https://www.sentinel-security.example/',
        verified: null,
      },
      provider: 'edx',
      url,
      image: raw.image!.src,
      skills: [
        { label: 'Cyber Security', framework: 'PROVIDER', code: null, url: null },
        { label: 'Risk Management', framework: 'PROVIDER', code: null, url: null },
        { label: 'Network Security', framework: 'PROVIDER', code: null, url: null },
      ],
      sectors: ['TECHNOLOGY'],
      level: 'INTRODUCTORY',
      // No estimated_hours: 5 hours/week (the upper figure) × 6 weeks.
      estimatedDuration: 'PT30H',
      cost: { amount: 99, currency: 'USD' },
      deliveryMode: 'ONLINE',
      languages: ['en-US'],
      updatedAt: new Date(raw.modified).toISOString(),
      provenance: { provider: 'edx', upstreamId: raw.key, url, fetchedAt: FETCHED_AT, raw: course },
      relations: [{ type: 'IS_PART_OF', target: `edx:program:${program.uuid}`, order: null }],
      identifiers: [{ scheme: 'EDX', value: raw.uuid }],
    });
  });

  it('keeps languages as BCP 47 tags and strips HTML from descriptions', () => {
    const spanish = courseToRecord(courseByKey('PacificaX+SEG101'), FETCHED_AT);
    expect(spanish.languages).toEqual(['es-419']);
    const wrapped = sampleCourses.find((course) => course.short_description?.startsWith('<p>'))!;
    expect(courseToRecord(wrapped, FETCHED_AT).description).not.toContain('<');
  });

  it('describes the current run, else the soonest upcoming, else the latest archived', () => {
    const archived = run({ key: 'a', availability: 'Archived', start: '2024-01-01T00:00:00Z' });
    const olderArchived = run({ key: 'a0', availability: 'Archived', start: '2023-01-01T00:00:00Z' });
    const current = run({ key: 'c', availability: 'Current', start: '2025-09-01T00:00:00Z' });
    const upcoming = run({ key: 'u', availability: 'Upcoming', start: '2026-09-01T00:00:00Z' });
    const sooner = run({ key: 'u0', availability: 'Starting Soon', start: '2026-03-01T00:00:00Z' });
    expect(referenceRun([archived, upcoming, current])?.key).toBe('c');
    expect(referenceRun([upcoming, sooner, archived])?.key).toBe('u0');
    expect(referenceRun([olderArchived, archived])?.key).toBe('a');
    expect(referenceRun([])).toBeNull();
  });

  it('prices the certificate: verified seat, else professional, else entitlement; audit-only is free', () => {
    expect(courseCost(courseByKey('CascadeTechX+CS101'))).toEqual({ amount: 49, currency: 'USD' });
    expect(courseCost(courseByKey('NorthgateX+MFG110'))).toEqual({ amount: 299, currency: 'USD' });
    // No runs at all: the course entitlement is the only price edX states.
    const noRuns = courseByKey('CascadeTechX+ENG150');
    expect(noRuns.course_runs).toEqual([]);
    expect(courseCost(noRuns)).toEqual({ amount: 99, currency: 'USD' });
    const auditOnly = courseByKey('CascadeTechX+CS270');
    expect(courseCost(auditOnly)).toEqual({ amount: 0, currency: 'USD' });
    expect(credentialTypeOfCourse(auditOnly)).toBe('COURSE');
    expect(courseToRecord(auditOnly, FETCHED_AT).sourceTypes).toEqual(['audit']);
    expect(courseCost({ ...noRuns, entitlements: [] })).toBeNull();
    const badPrice = {
      ...noRuns,
      entitlements: [{ mode: 'verified', price: 'n/a', currency: 'USD', sku: null }],
    };
    expect(courseCost(badPrice)).toBeNull();
  });

  it('takes stated hours, else the upper weekly effort times weeks, else nothing', () => {
    expect(runEffortHours(run({ estimated_hours: 40, weeks_to_complete: 8, max_effort: 6 }))).toBe(40);
    expect(
      runEffortHours(run({ estimated_hours: 0, weeks_to_complete: 8, min_effort: 4, max_effort: 6 })),
    ).toBe(48);
    expect(runEffortHours(run({ max_effort: 6 }))).toBeNull();
    expect(runEffortHours(run({ weeks_to_complete: 6 }))).toBeNull();
    expect(runEffortHours(null)).toBeNull();
    expect(formatEffort(1.5)).toBe('PT1H30M');
    expect(formatEffort(null)).toBeNull();
    const unstated = courseToRecord(courseByKey('MeridianX+IT210'), FETCHED_AT);
    expect(unstated.estimatedDuration).toBeNull();
    const stated = courseToRecord(courseByKey('SentinelSecX+CYB201'), FETCHED_AT);
    expect(durationToHours(stated.estimatedDuration!)).toBe(40);
  });

  it('maps level_type and leaves an absent one unknown', () => {
    expect(levelOf('Introductory')).toBe('INTRODUCTORY');
    expect(levelOf('intermediate')).toBe('INTERMEDIATE');
    expect(levelOf('Advanced')).toBe('ADVANCED');
    expect(levelOf('Expert-ish')).toBeNull();
    expect(courseToRecord(courseByKey('MeridianX+MED150'), FETCHED_AT).level).toBeNull();
  });

  it('maps subjects to sectors by the documented table', () => {
    const subject = (slug: string, name = slug) => ({ slug, name });
    expect(sectorsOf([subject('engineering'), subject('electronics')])).toEqual([
      'ADVANCED_MANUFACTURING',
      'TECHNOLOGY',
    ]);
    expect(sectorsOf([subject('medicine'), subject('biology-life-sciences')])).toEqual(['HEALTHCARE']);
    expect(sectorsOf([subject('biology-life-sciences')])).toEqual(['OTHER']);
    expect(sectorsOf([{ slug: '', name: 'Health & Safety' }])).toEqual(['HEALTHCARE']);
    expect(sectorsOf([])).toEqual([]);
    expect(courseToRecord(courseByKey('HarborHealthX+HLTH310'), FETCHED_AT).sectors).toEqual([
      'HEALTHCARE',
      'TECHNOLOGY',
    ]);
  });

  it('keeps skill labels verbatim, once each', () => {
    expect(
      skillsOf(
        [{ name: 'Cyber Security' }, { name: ' Patient Care ' }],
        ['cyber security', 'CNC Machining'],
      ).map((skill) => skill.label),
    ).toEqual(['Cyber Security', 'Patient Care', 'CNC Machining']);
  });

  it('leaves the issuer nameless, so the feed reports the record, when a course has no owner', () => {
    const record = courseToRecord({ ...courseByKey('CascadeTechX+CS101'), owners: [] }, FETCHED_AT);
    expect(credentialRecordProblems(record)).toContain('issuer needs an id and a name');
  });
});

describe('programs', () => {
  it('maps a program field by field, its courses as ordered parts', () => {
    const program = samplePrograms.find((candidate) => candidate.title === 'Smart Manufacturing')!;
    const record = programToRecord(program, FETCHED_AT);
    expect(record).toEqual<CredentialRecord>({
      id: `edx:program:${program.uuid}`,
      name: 'Smart Manufacturing',
      description: program.subtitle!,
      credentialType: 'MICRO_CREDENTIAL',
      sourceTypes: ['MicroBachelors'],
      issuer: {
        id: 'edx:org:IronbridgeX',
        name: 'Ironbridge Manufacturing Institute',
        url: 'https://ironbridge-mfg.example/',
        verified: null,
      },
      provider: 'edx',
      url: program.marketing_url,
      image: program.card_image_url!,
      skills: program.skills!.map((skill) => ({
        label: skill.name,
        framework: 'PROVIDER',
        code: null,
        url: null,
      })),
      sectors: ['ADVANCED_MANUFACTURING', 'TECHNOLOGY'],
      level: null,
      // 39 weeks × 6 hours/week, the upper figure.
      estimatedDuration: 'PT234H',
      cost: { amount: program.price_ranges[0]!.total, currency: 'USD' },
      deliveryMode: 'ONLINE',
      languages: [],
      updatedAt: new Date(program.modified).toISOString(),
      provenance: {
        provider: 'edx',
        upstreamId: program.uuid,
        url: program.marketing_url,
        fetchedAt: FETCHED_AT,
        raw: program,
      },
      relations: program.courses.map((course, order) => ({
        type: 'HAS_PART',
        target: `edx:course:${course.key}`,
        order,
      })),
      identifiers: [{ scheme: 'EDX', value: program.uuid }],
    });
    expect(record.relations).toHaveLength(5);
  });

  it('maps program types to credential types', () => {
    expect(credentialTypeOfProgram('MicroMasters')).toBe('MICRO_CREDENTIAL');
    expect(credentialTypeOfProgram('MicroBachelors')).toBe('MICRO_CREDENTIAL');
    expect(credentialTypeOfProgram('Professional Certificate')).toBe('CERTIFICATE');
    expect(credentialTypeOfProgram('XSeries')).toBe('CERTIFICATE');
    expect(credentialTypeOfProgram('Masters')).toBe('DEGREE');
    expect(credentialTypeOfProgram('Professional Program')).toBe('LEARNING_PROGRAM');
    expect(credentialTypeOfProgram(undefined)).toBe('LEARNING_PROGRAM');
  });

  it('needs both weeks and hours per week for a duration, and a usable price range for a cost', () => {
    const program = samplePrograms[0]!;
    expect(programEffortHours({ ...program, max_hours_effort_per_week: null })).toBeNull();
    expect(programEffortHours({ ...program, weeks_to_complete: null })).toBeNull();
    const free = programToRecord({ ...program, price_ranges: [] }, FETCHED_AT);
    expect(free.cost).toBeNull();
  });
});

describe('details', () => {
  it('keeps edX values raw, camelCased, with program courses in order', () => {
    const course = courseByKey('SentinelSecX+CYB101');
    const details = toCourseDetails(course);
    expect(details.__typename).toBe('EdxCourse');
    expect(details.courseRuns.map((candidate) => candidate.key)).toEqual(
      course.course_runs.map((candidate) => candidate.key),
    );
    expect(details.courseRuns[0]!.seats[1]).toEqual({
      type: 'verified',
      price: '99.00',
      currency: 'USD',
      upgradeDeadline: course.course_runs[0]!.seats[1]!.upgrade_deadline,
      sku: course.course_runs[0]!.seats[1]!.sku,
    });
    const program = samplePrograms[1]!;
    const programDetails = toProgramDetails(program);
    expect(programDetails.__typename).toBe('EdxProgram');
    expect(programDetails.courses.map((part) => [part.key, part.position])).toEqual(
      program.courses.map((part, index) => [part.key, index]),
    );
    expect(programDetails.creditValue).toBe(program.credit_value);
  });
});
