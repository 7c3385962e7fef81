import { httpUrlOrNull } from '../kit/index.js';
import { edxCourseId, edxProgramId } from './mapping.js';
import type {
  EdxCourse,
  EdxCourseRun,
  EdxOrganization,
  EdxProgram,
  EdxSkill,
  EdxSubject,
} from './upstream.js';

/** The GraphQL name of edX's field type on `Credential`: a union, since the feed offers courses and programs. */
export const DETAILS_TYPE_NAME = 'EdxItem';

/**
 * `Credential.edx`: an edX course or program as Course Discovery describes it, resolved live. Values stay raw
 * (`levelType: "Introductory"`, seat prices as edX's decimal strings); names are edX's, camelCased. Types are
 * prefixed `Edx` so that they never collide with another subgraph's in the supergraph.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""An edX course or program, live from edX Course Discovery (raw provider details)."""
union EdxItem = EdxCourse | EdxProgram

"""An edX course (all its runs), live from Course Discovery."""
type EdxCourse {
  "edX's course key, <org>+<number>, e.g. HarvardX+CS50."
  key: ID!
  uuid: ID
  title: String!
  shortDescription: String
  "HTML, as edX serves it."
  fullDescription: String
  "The organizations that offer the course; the first is the issuer."
  owners: [EdxOrganization!]!
  imageUrl: String
  "Introductory, Intermediate or Advanced; null when edX does not say."
  levelType: String
  subjects: [EdxSubject!]!
  skillNames: [String!]!
  skills: [EdxSkill!]!
  "Names of the courses or knowledge edX lists as prerequisites."
  prerequisites: [String!]!
  "Every run edX lists: past, current and upcoming."
  courseRuns: [EdxCourseRun!]!
  "Certificates bought for the course rather than for one run."
  entitlements: [EdxEntitlement!]!
  "The programs that include this course."
  programs: [EdxCourseProgram!]!
  "The course's public page."
  marketingUrl: String
  "edX's last change to the course."
  modified: String
}

"""One offering of an edX course, with its dates, pacing, seats and effort."""
type EdxCourseRun {
  "course-v1:<org>+<number>+<run>."
  key: ID!
  start: String
  end: String
  "self_paced or instructor_paced."
  pacingType: String
  seats: [EdxSeat!]!
  weeksToComplete: Int
  "Hours per week, lower estimate."
  minEffort: Float
  "Hours per week, upper estimate."
  maxEffort: Float
  "Total hours, when the course team states them."
  estimatedHours: Float
  "A language code as edX writes it, e.g. en-us."
  contentLanguage: String
  "Current, Starting Soon, Upcoming or Archived."
  availability: String
}

"""A way to enrol in a run: audit, verified, professional, …"""
type EdxSeat {
  type: String!
  "A decimal string, as edX serves it, e.g. \\"49.00\\"."
  price: String!
  currency: String!
  upgradeDeadline: String
  sku: String
}

"""A certificate mode bought for a course, valid for any of its runs."""
type EdxEntitlement {
  mode: String!
  "A decimal string, as edX serves it."
  price: String!
  currency: String!
  sku: String
  expires: String
}

"""A program that includes a course."""
type EdxCourseProgram {
  uuid: ID!
  title: String
  type: String
  marketingUrl: String
  "The program as a credgraph credential (null when the catalog does not list it)."
  credential: Credential
}

"""An edX program (MicroMasters, Professional Certificate, XSeries, MicroBachelors, …), live from Course Discovery."""
type EdxProgram {
  uuid: ID!
  title: String!
  subtitle: String
  "MicroMasters, Professional Certificate, XSeries, MicroBachelors, …"
  type: String
  "active, retired, unpublished or deleted."
  status: String
  marketingSlug: String
  "The program's public page."
  marketingUrl: String
  cardImageUrl: String
  "The organizations that author the program; the first is the issuer."
  authoringOrganizations: [EdxOrganization!]!
  "The program's courses, in the program's order."
  courses: [EdxProgramCourse!]!
  weeksToComplete: Int
  minHoursEffortPerWeek: Float
  maxHoursEffortPerWeek: Float
  "Cheapest course, dearest course and all courses, per currency."
  priceRanges: [EdxPriceRange!]!
  "University credit the program can earn, where edX states it."
  creditValue: Float
  subjects: [EdxSubject!]!
  skills: [EdxSkill!]!
  "edX's last change to the program."
  modified: String
}

"""A course of a program, in the program's order."""
type EdxProgramCourse {
  key: ID!
  uuid: ID
  title: String
  "0-based position in the program."
  position: Int!
  "The course as a credgraph credential (null when the catalog does not list it)."
  credential: Credential
}

type EdxPriceRange {
  currency: String!
  min: Float
  max: Float
  total: Float
}

"""An organization that offers edX courses or authors edX programs."""
type EdxOrganization {
  "The short key course keys start with, e.g. HarvardX."
  key: ID!
  uuid: ID
  name: String!
  logoImageUrl: String
  marketingUrl: String
}

type EdxSubject {
  name: String!
  slug: String
}

type EdxSkill {
  name: String!
  description: String
}
`;

export interface EdxOrganizationDetails {
  key: string;
  uuid: string | null;
  name: string;
  logoImageUrl: string | null;
  marketingUrl: string | null;
}

export interface EdxCourseRunDetails {
  key: string;
  start: string | null;
  end: string | null;
  pacingType: string | null;
  seats: Array<{
    type: string;
    price: string;
    currency: string;
    upgradeDeadline: string | null;
    sku: string | null;
  }>;
  weeksToComplete: number | null;
  minEffort: number | null;
  maxEffort: number | null;
  estimatedHours: number | null;
  contentLanguage: string | null;
  availability: string | null;
}

/** The resolved shape of `EdxCourse`. */
export interface EdxCourseDetails {
  __typename: 'EdxCourse';
  key: string;
  uuid: string | null;
  title: string;
  shortDescription: string | null;
  fullDescription: string | null;
  owners: EdxOrganizationDetails[];
  imageUrl: string | null;
  levelType: string | null;
  subjects: Array<{ name: string; slug: string | null }>;
  skillNames: string[];
  skills: Array<{ name: string; description: string | null }>;
  prerequisites: string[];
  courseRuns: EdxCourseRunDetails[];
  entitlements: Array<{
    mode: string;
    price: string;
    currency: string;
    sku: string | null;
    expires: string | null;
  }>;
  programs: Array<{ uuid: string; title: string | null; type: string | null; marketingUrl: string | null }>;
  marketingUrl: string | null;
  modified: string | null;
}

/** The resolved shape of `EdxProgram`. */
export interface EdxProgramDetails {
  __typename: 'EdxProgram';
  uuid: string;
  title: string;
  subtitle: string | null;
  type: string | null;
  status: string | null;
  marketingSlug: string | null;
  marketingUrl: string | null;
  cardImageUrl: string | null;
  authoringOrganizations: EdxOrganizationDetails[];
  courses: Array<{ key: string; uuid: string | null; title: string | null; position: number }>;
  weeksToComplete: number | null;
  minHoursEffortPerWeek: number | null;
  maxHoursEffortPerWeek: number | null;
  priceRanges: Array<{ currency: string; min: number | null; max: number | null; total: number | null }>;
  creditValue: number | null;
  subjects: Array<{ name: string; slug: string | null }>;
  skills: Array<{ name: string; description: string | null }>;
  modified: string | null;
}

export type EdxItemDetails = EdxCourseDetails | EdxProgramDetails;

/** Pure: a raw course as the details `EdxCourse` serves. */
export function toCourseDetails(course: EdxCourse): EdxCourseDetails {
  return {
    __typename: 'EdxCourse',
    key: course.key,
    uuid: text(course.uuid),
    title: course.title ?? '',
    shortDescription: text(course.short_description),
    fullDescription: text(course.full_description),
    owners: organizations(course.owners),
    imageUrl: httpUrlOrNull(course.image?.src),
    levelType: text(course.level_type),
    subjects: subjects(course.subjects),
    skillNames: (course.skill_names ?? []).filter((name): name is string => !!text(name)),
    skills: skills(course.skills),
    prerequisites: (course.prerequisites ?? [])
      .map((prerequisite) => text(prerequisite?.name))
      .filter((name): name is string => name !== null),
    courseRuns: (course.course_runs ?? []).filter((run) => text(run?.key)).map(runDetails),
    entitlements: (course.entitlements ?? [])
      .filter((entitlement) => text(entitlement?.mode))
      .map((entitlement) => ({
        mode: entitlement.mode,
        price: String(entitlement.price ?? ''),
        currency: entitlement.currency ?? '',
        sku: text(entitlement.sku),
        expires: text(entitlement.expires),
      })),
    programs: (course.programs ?? [])
      .filter((program) => text(program?.uuid))
      .map((program) => ({
        uuid: program.uuid,
        title: text(program.title),
        type: text(program.type),
        marketingUrl: httpUrlOrNull(program.marketing_url),
      })),
    marketingUrl: httpUrlOrNull(course.marketing_url),
    modified: text(course.modified),
  };
}

/** Pure: a raw program as the details `EdxProgram` serves. */
export function toProgramDetails(program: EdxProgram): EdxProgramDetails {
  return {
    __typename: 'EdxProgram',
    uuid: program.uuid,
    title: program.title ?? '',
    subtitle: text(program.subtitle),
    type: text(program.type),
    status: text(program.status),
    marketingSlug: text(program.marketing_slug),
    marketingUrl: httpUrlOrNull(program.marketing_url),
    cardImageUrl: httpUrlOrNull(program.card_image_url),
    authoringOrganizations: organizations(program.authoring_organizations),
    courses: (program.courses ?? [])
      .filter((course) => text(course?.key))
      .map((course, position) => ({
        key: course.key,
        uuid: text(course.uuid),
        title: text(course.title),
        position,
      })),
    weeksToComplete: whole(program.weeks_to_complete),
    minHoursEffortPerWeek: numberOrNull(program.min_hours_effort_per_week),
    maxHoursEffortPerWeek: numberOrNull(program.max_hours_effort_per_week),
    priceRanges: (program.price_ranges ?? [])
      .filter((range) => text(range?.currency))
      .map((range) => ({
        currency: range.currency,
        min: numberOrNull(range.min),
        max: numberOrNull(range.max),
        total: numberOrNull(range.total),
      })),
    creditValue: numberOrNull(program.credit_value),
    subjects: subjects(program.subjects),
    skills: skills(program.skills),
    modified: text(program.modified),
  };
}

/** Resolvers for what is not a plain property: the union's type, and links to related credentials. */
export const detailsResolvers = {
  EdxItem: {
    __resolveType: (item: EdxItemDetails) => item.__typename,
  },
  EdxCourseProgram: {
    // A reference the gateway completes from the catalog, which owns Credential's common fields.
    credential: (program: EdxCourseDetails['programs'][number]) => ({ id: edxProgramId(program.uuid) }),
  },
  EdxProgramCourse: {
    credential: (course: EdxProgramDetails['courses'][number]) => ({ id: edxCourseId(course.key) }),
  },
};

function runDetails(run: EdxCourseRun): EdxCourseRunDetails {
  return {
    key: run.key,
    start: text(run.start),
    end: text(run.end),
    pacingType: text(run.pacing_type),
    seats: (run.seats ?? [])
      .filter((seat) => text(seat?.type))
      .map((seat) => ({
        type: seat.type,
        price: String(seat.price ?? ''),
        currency: seat.currency ?? '',
        upgradeDeadline: text(seat.upgrade_deadline),
        sku: text(seat.sku),
      })),
    weeksToComplete: whole(run.weeks_to_complete),
    minEffort: numberOrNull(run.min_effort),
    maxEffort: numberOrNull(run.max_effort),
    estimatedHours: numberOrNull(run.estimated_hours),
    contentLanguage: text(run.content_language),
    availability: text(run.availability),
  };
}

function organizations(list: readonly EdxOrganization[] | null | undefined): EdxOrganizationDetails[] {
  return (list ?? [])
    .filter((organization) => text(organization?.key) && text(organization?.name))
    .map((organization) => ({
      key: organization.key,
      uuid: text(organization.uuid),
      name: organization.name,
      logoImageUrl: httpUrlOrNull(organization.logo_image_url),
      marketingUrl: httpUrlOrNull(organization.marketing_url),
    }));
}

function subjects(list: readonly EdxSubject[] | null | undefined) {
  return (list ?? [])
    .filter((subject) => text(subject?.name))
    .map((subject) => ({ name: subject.name, slug: text(subject.slug) }));
}

function skills(list: readonly EdxSkill[] | null | undefined) {
  return (list ?? [])
    .filter((skill) => text(skill?.name))
    .map((skill) => ({ name: skill.name, description: text(skill.description) }));
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function numberOrNull(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/** GraphQL's Int refuses fractions, so a fractional week count is reported as unknown rather than failing. */
function whole(value: unknown): number | null {
  const number = numberOrNull(value);
  return number !== null && Number.isInteger(number) ? number : null;
}
