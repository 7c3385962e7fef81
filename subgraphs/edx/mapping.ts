import {
  type CredentialRecord,
  type CredentialRelationRecord,
  type CredentialType,
  CURRENCY_CODE,
  credentialId,
  type IssuerRecord,
  type Level,
  type MoneyRecord,
  type Sector,
  type SkillAlignmentRecord,
} from '../../schema/index.js';
import { httpUrlOrNull, isoDateTime, languageTag, plainText, uniqueStrings } from '../kit/index.js';
import { PROVIDER_ID } from './config.js';
import { formatEffort, programEffortHours, runEffortHours } from './effort.js';
import type {
  EdxCourse,
  EdxCourseRun,
  EdxEntitlement,
  EdxOrganization,
  EdxProgram,
  EdxSeat,
  EdxSkill,
  EdxSubject,
} from './upstream.js';

/**
 * edX courses and programs → the common schema. Pure: no I/O, no clock (the caller passes `fetchedAt`). Every
 * rule below is written down, field by field, in README.md ("Mapping").
 */

export { formatEffort, programEffortHours, runEffortHours } from './effort.js';

/** `edx:course:<key>`, e.g. `edx:course:HarvardX+CS50`. */
export function edxCourseId(key: string): string {
  return credentialId(PROVIDER_ID, 'course', key);
}

/** `edx:program:<uuid>`. */
export function edxProgramId(uuid: string): string {
  return credentialId(PROVIDER_ID, 'program', uuid);
}

/** `edx:org:<organization key>`, e.g. `edx:org:HarvardX`. */
export function edxOrganizationId(key: string): string {
  return credentialId(PROVIDER_ID, 'org', key);
}

/** Seat types that end in a certificate, best first: the price of the first one a run offers is its cost. */
export const CERTIFICATE_SEAT_TYPES = ['verified', 'professional', 'no-id-professional'] as const;

/** Program types by their lower-cased edX name; any other type is a LEARNING_PROGRAM. */
export const PROGRAM_CREDENTIAL_TYPES: Readonly<Record<string, CredentialType>> = {
  // Graduate- and undergraduate-level stacks that universities accept for credit: edX's micro-credentials.
  micromasters: 'MICRO_CREDENTIAL',
  microbachelors: 'MICRO_CREDENTIAL',
  // Series that end in a program certificate of their own.
  'professional certificate': 'CERTIFICATE',
  xseries: 'CERTIFICATE',
  certificate: 'CERTIFICATE',
  masters: 'DEGREE',
  bachelors: 'DEGREE',
  doctorate: 'DEGREE',
  license: 'LICENSE',
};

const LEVELS_BY_TYPE: Readonly<Record<string, Level>> = {
  introductory: 'INTRODUCTORY',
  intermediate: 'INTERMEDIATE',
  advanced: 'ADVANCED',
};

/**
 * Sectors by edX subject slug. edX has no manufacturing subject: its courses on machining, robotics,
 * automation and production are filed under Engineering, which is why Engineering counts as advanced
 * manufacturing. Subjects not listed (Biology, Physics, History, …) name no sector (README "Sectors").
 */
export const SUBJECT_SECTORS: Readonly<Record<string, Sector>> = {
  'computer-science': 'TECHNOLOGY',
  'data-analysis-statistics': 'TECHNOLOGY',
  electronics: 'TECHNOLOGY',
  engineering: 'ADVANCED_MANUFACTURING',
  medicine: 'HEALTHCARE',
  'health-safety': 'HEALTHCARE',
  'business-management': 'BUSINESS',
  'economics-finance': 'FINANCE',
  'education-teacher-training': 'EDUCATION',
  'energy-earth-sciences': 'ENERGY',
  architecture: 'CONSTRUCTION',
  'art-culture': 'ARTS_AND_MEDIA',
  design: 'ARTS_AND_MEDIA',
  music: 'ARTS_AND_MEDIA',
  communication: 'ARTS_AND_MEDIA',
};

/** The level band of an edX `level_type`; null when absent or not one of edX's three. */
export function levelOf(levelType: string | null | undefined): Level | null {
  return LEVELS_BY_TYPE[levelType?.trim().toLowerCase() ?? ''] ?? null;
}

/**
 * Sectors of a set of subjects, by slug (or the slug of the name when the slug is missing). Subjects that name
 * no sector add nothing; when none of several subjects names one, the answer is OTHER; with no subjects, [].
 */
export function sectorsOf(subjects: readonly EdxSubject[] | null | undefined): Sector[] {
  const list = (subjects ?? []).filter((subject) => subject && (subject.slug || subject.name));
  if (list.length === 0) return [];
  const sectors = list
    .map((subject) => SUBJECT_SECTORS[subject.slug?.trim().toLowerCase() || slugOf(subject.name ?? '')])
    .filter((sector): sector is Sector => sector !== undefined);
  return sectors.length > 0 ? (uniqueStrings(sectors) as Sector[]) : ['OTHER'];
}

/** Skills from `skills[].name` and `skill_names`, verbatim, first spelling kept when two differ only in case. */
export function skillsOf(
  skills: readonly EdxSkill[] | null | undefined,
  skillNames: readonly string[] | null | undefined = [],
): SkillAlignmentRecord[] {
  const byLabel = new Map<string, SkillAlignmentRecord>();
  const labels = [...(skills ?? []).map((skill) => skill?.name), ...(skillNames ?? [])];
  for (const raw of labels) {
    const label = typeof raw === 'string' ? raw.trim() : '';
    if (!label || byLabel.has(label.toLowerCase())) continue;
    // edX does not say which taxonomy its skills come from, nor give an id: they stay the provider's labels.
    byLabel.set(label.toLowerCase(), { label, framework: 'PROVIDER', code: null, url: null });
  }
  return [...byLabel.values()];
}

const AVAILABILITY_RANK: Readonly<Record<string, number>> = {
  current: 0,
  'starting soon': 1,
  upcoming: 2,
  archived: 3,
};

/**
 * The run a course record describes: the one running now (the latest-started if several), else the next to
 * start, else the last archived. It is chosen by edX's own `availability`, so the mapping needs no clock.
 */
export function referenceRun(runs: readonly EdxCourseRun[] | null | undefined): EdxCourseRun | null {
  let best: EdxCourseRun | null = null;
  for (const run of runs ?? []) {
    if (!run || typeof run !== 'object') continue;
    if (best === null || isBetterRun(run, best)) best = run;
  }
  return best;
}

function isBetterRun(candidate: EdxCourseRun, current: EdxCourseRun): boolean {
  const rank = (run: EdxCourseRun) => AVAILABILITY_RANK[run.availability?.trim().toLowerCase() ?? ''] ?? 4;
  if (rank(candidate) !== rank(current)) return rank(candidate) < rank(current);
  const start = (run: EdxCourseRun) => Date.parse(run.start ?? '') || 0;
  // Of runs still to start, the soonest; of the rest, the most recent.
  const future = rank(candidate) === 1 || rank(candidate) === 2;
  return future ? start(candidate) < start(current) : start(candidate) > start(current);
}

/** Money from an edX decimal string (`"49.00"`) or number and a currency; null when either is unusable. */
export function moneyOf(price: unknown, currency: unknown): MoneyRecord | null {
  const amount = typeof price === 'string' && price.trim() !== '' ? Number(price) : price;
  const code = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || !CURRENCY_CODE.test(code)) {
    return null;
  }
  return { amount, currency: code };
}

/**
 * What a learner pays for the course's certificate: the reference run's verified seat (else professional), else
 * the course entitlement of that mode, as edX states it. A run that offers only an audit seat costs 0: the
 * course is free to take, and awards no certificate (see `credentialTypeOfCourse`). Otherwise null.
 */
export function courseCost(
  course: EdxCourse,
  run: EdxCourseRun | null = referenceRun(course.course_runs),
): MoneyRecord | null {
  const seats: readonly EdxSeat[] = run?.seats ?? [];
  const entitlements: readonly EdxEntitlement[] = course.entitlements ?? [];
  for (const type of CERTIFICATE_SEAT_TYPES) {
    const seat = seats.find((candidate) => candidate?.type === type);
    const money = seat ? moneyOf(seat.price, seat.currency) : null;
    if (money) return money;
  }
  for (const type of CERTIFICATE_SEAT_TYPES) {
    const entitlement = entitlements.find((candidate) => candidate?.mode === type);
    const money = entitlement ? moneyOf(entitlement.price, entitlement.currency) : null;
    if (money) return money;
  }
  const audit = seats.find((seat) => seat?.type === 'audit');
  return audit ? (moneyOf(0, audit.currency) ?? { amount: 0, currency: 'USD' }) : null;
}

/**
 * A course that offers a certificate (a verified or professional seat in any run, or such an entitlement) is
 * catalogued as the certificate a learner earns from it; an audit-only course awards nothing and stays a
 * COURSE. The seat types stay in `sourceTypes`.
 */
export function credentialTypeOfCourse(course: EdxCourse): CredentialType {
  const certificate = new Set<string>(CERTIFICATE_SEAT_TYPES);
  const offered = [
    ...(course.course_runs ?? []).flatMap((run) => (run?.seats ?? []).map((seat) => seat?.type)),
    ...(course.entitlements ?? []).map((entitlement) => entitlement?.mode),
  ];
  return offered.some((type) => typeof type === 'string' && certificate.has(type))
    ? 'CERTIFICATE_OF_COMPLETION'
    : 'COURSE';
}

/** A program's credential type by its edX type (see `PROGRAM_CREDENTIAL_TYPES`). */
export function credentialTypeOfProgram(type: string | null | undefined): CredentialType {
  return PROGRAM_CREDENTIAL_TYPES[type?.trim().toLowerCase() ?? ''] ?? 'LEARNING_PROGRAM';
}

/** A program's cost: the `total` of its first usable price range (every course's certificate, bought). */
export function programCost(program: EdxProgram): MoneyRecord | null {
  for (const range of program.price_ranges ?? []) {
    const money = range ? moneyOf(range.total, range.currency) : null;
    if (money) return money;
  }
  return null;
}

/** The first organization as issuer; nameless when there is none, so that the feed reports the record. */
export function issuerOf(organizations: readonly EdxOrganization[] | null | undefined): IssuerRecord {
  const organization = organizations?.find((candidate) => candidate?.key);
  return {
    id: organization ? edxOrganizationId(organization.key) : '',
    name: organization?.name?.trim() ?? '',
    url: httpUrlOrNull(organization?.marketing_url),
    verified: null,
  };
}

/** A course in the common schema. The course's raw record is kept in `provenance.raw`. */
export function courseToRecord(course: EdxCourse, fetchedAt: string): CredentialRecord {
  const run = referenceRun(course.course_runs);
  const url = httpUrlOrNull(course.marketing_url);
  const key = typeof course.key === 'string' ? course.key : '';
  const language = languageTag(run?.content_language);
  const partOf: CredentialRelationRecord[] = uniqueStrings(
    (course.programs ?? []).map((program) => program?.uuid).filter((uuid): uuid is string => !!uuid),
  ).map((uuid) => ({ type: 'IS_PART_OF', target: edxProgramId(uuid), order: null }));
  return {
    id: edxCourseId(key),
    // Malformed results become records the feed rejects with reasons, not exceptions that stop the page.
    name: course.title?.trim() ?? '',
    description: plainText(course.short_description) ?? plainText(course.full_description),
    credentialType: credentialTypeOfCourse(course),
    sourceTypes: uniqueStrings(
      [
        ...(course.course_runs ?? []).flatMap((candidate) =>
          (candidate?.seats ?? []).map((seat) => seat?.type),
        ),
        ...(course.entitlements ?? []).map((entitlement) => entitlement?.mode),
      ].filter((type): type is string => typeof type === 'string' && type !== ''),
    ),
    issuer: issuerOf(course.owners),
    provider: PROVIDER_ID,
    url,
    image: httpUrlOrNull(course.image?.src),
    skills: skillsOf(course.skills, course.skill_names),
    sectors: sectorsOf(course.subjects),
    level: levelOf(course.level_type),
    estimatedDuration: formatEffort(runEffortHours(run)),
    cost: courseCost(course, run),
    deliveryMode: 'ONLINE',
    languages: language ? [language] : [],
    updatedAt: isoDateTime(course.modified, fetchedAt),
    provenance: { provider: PROVIDER_ID, upstreamId: key, url, fetchedAt, raw: course },
    relations: partOf,
    identifiers: course.uuid ? [{ scheme: 'EDX', value: course.uuid }] : [],
  };
}

/** A program in the common schema: its courses are its parts, in the program's order. */
export function programToRecord(program: EdxProgram, fetchedAt: string): CredentialRecord {
  const url = httpUrlOrNull(program.marketing_url);
  const uuid = typeof program.uuid === 'string' ? program.uuid : '';
  const parts: CredentialRelationRecord[] = (program.courses ?? [])
    .filter((course) => typeof course?.key === 'string' && course.key !== '')
    .map((course, order) => ({ type: 'HAS_PART', target: edxCourseId(course.key), order }));
  return {
    id: edxProgramId(uuid),
    name: program.title?.trim() ?? '',
    description: plainText(program.subtitle),
    credentialType: credentialTypeOfProgram(program.type),
    sourceTypes: program.type?.trim() ? [program.type.trim()] : [],
    issuer: issuerOf(program.authoring_organizations),
    provider: PROVIDER_ID,
    url,
    image: httpUrlOrNull(program.card_image_url),
    skills: skillsOf(program.skills),
    sectors: sectorsOf(program.subjects),
    // edX gives programs no level of their own, and no language.
    level: null,
    estimatedDuration: formatEffort(programEffortHours(program)),
    cost: programCost(program),
    deliveryMode: 'ONLINE',
    languages: [],
    updatedAt: isoDateTime(program.modified, fetchedAt),
    provenance: { provider: PROVIDER_ID, upstreamId: uuid, url, fetchedAt, raw: program },
    relations: parts,
    identifiers: uuid ? [{ scheme: 'EDX', value: uuid }] : [],
  };
}

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
