import { courseCredentialId, courseUrl, SPECIALIZATION_KIND, specializationUrl } from './mapping.js';
import type { CourseraCourse, CourseraPartner, CourseraSpecialization } from './upstream.js';

/** The GraphQL name of Coursera's field type on `Credential`. */
export const DETAILS_TYPE_NAME = 'CourseraCourse';

/**
 * Live, raw details of a Coursera course, named as Coursera names them. Types are prefixed `Coursera` so
 * that they never collide with another subgraph's in the supergraph.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""
A Coursera course, live from Coursera's catalog API, with Coursera's own field names and values. For a
Specialization (coursera:specialization:…) the fields describe it as far as they apply, and \`specialization\`
holds its own shape.
"""
type CourseraCourse {
  "Coursera's course id (the specialization's id, for a Specialization)."
  id: ID!
  slug: String!
  name: String!
  "v2.ondemand for self-paced courses; specialization for a Specialization."
  courseType: String!
  description: String
  "Effort as Coursera writes it, e.g. \\"4-6 hours/week\\"."
  workload: String
  primaryLanguages: [String!]!
  subtitleLanguages: [String!]!
  domainTypes: [CourseraDomainType!]!
  "What a learner can earn, e.g. VerifiedCert; empty for audit-only courses."
  certificates: [String!]!
  "Ids of the Coursera specializations that include this course."
  specializations: [String!]!
  instructorIds: [String!]!
  photoUrl: String
  "The partners that offer the course, in Coursera's order; the first is the issuer."
  partners: [CourseraPartner!]!
  "The course's public page."
  url: String!
  "Set when this credential is a Coursera Specialization; null for courses."
  specialization: CourseraSpecialization
}

"""A Coursera Specialization: a series of courses that ends in a Specialization certificate."""
type CourseraSpecialization {
  "Coursera's specialization id."
  id: ID!
  slug: String!
  name: String!
  tagline: String
  description: String
  "Its courses, in Coursera's order."
  courses: [CourseraSpecializationCourse!]!
  "The partners that offer it, in Coursera's order; the first is the issuer."
  partners: [CourseraPartner!]!
  "The specialization's public page."
  url: String!
}

"""A course of a Coursera Specialization, at its place in the series."""
type CourseraSpecializationCourse {
  "Coursera's course id."
  id: ID!
  "0-based position in the series."
  position: Int!
  "The course as a credgraph credential (null when the catalog does not list it)."
  credential: Credential
}

"""A Coursera subject area."""
type CourseraDomainType {
  domainId: String!
  subdomainId: String
}

"""A university or company that offers Coursera courses."""
type CourseraPartner {
  id: ID!
  name: String!
  shortName: String
  homeLink: String
}
`;

export interface CourseraPartnerDetails {
  id: string;
  name: string;
  shortName: string | null;
  homeLink: string | null;
}

/** The resolved shape of `CourseraSpecialization`. */
export interface CourseraSpecializationDetails {
  id: string;
  slug: string;
  name: string;
  tagline: string | null;
  description: string | null;
  courses: Array<{ id: string; position: number }>;
  partners: CourseraPartnerDetails[];
  url: string;
}

/** The resolved shape of `CourseraCourse`, for a course or (with `specialization` set) a Specialization. */
export interface CourseraCourseDetails {
  id: string;
  slug: string;
  name: string;
  courseType: string;
  description: string | null;
  workload: string | null;
  primaryLanguages: string[];
  subtitleLanguages: string[];
  domainTypes: Array<{ domainId: string; subdomainId: string | null }>;
  certificates: string[];
  specializations: string[];
  instructorIds: string[];
  photoUrl: string | null;
  partners: CourseraPartnerDetails[];
  url: string;
  /** Null for courses. */
  specialization: CourseraSpecializationDetails | null;
}

/** The details of a course, with its partners looked up by id (partners Coursera does not know are left out). */
export function toDetails(
  course: CourseraCourse,
  partnersById: ReadonlyMap<string, CourseraPartner>,
): CourseraCourseDetails {
  return {
    id: course.id,
    slug: course.slug,
    name: course.name,
    courseType: course.courseType,
    description: course.description ?? null,
    workload: course.workload ?? null,
    primaryLanguages: course.primaryLanguages ?? [],
    subtitleLanguages: course.subtitleLanguages ?? [],
    domainTypes: (course.domainTypes ?? []).map((domain) => ({
      domainId: domain.domainId,
      subdomainId: domain.subdomainId ?? null,
    })),
    certificates: course.certificates ?? [],
    specializations: course.specializations ?? [],
    instructorIds: course.instructorIds ?? [],
    photoUrl: course.photoUrl ?? null,
    partners: partnerDetails(course.partnerIds, partnersById),
    url: courseUrl(course.slug),
    specialization: null,
  };
}

/**
 * The details of a Specialization. `Credential.coursera` keeps its course shape for every Coursera credential,
 * so a Specialization fills the course fields as far as they apply (`courseType: "specialization"`,
 * `certificates: ["Specialization"]`, lists it does not have empty) and carries its own shape in
 * `specialization`.
 */
export function toSpecializationDetails(
  specialization: CourseraSpecialization,
  partnersById: ReadonlyMap<string, CourseraPartner>,
): CourseraCourseDetails {
  const url = specializationUrl(specialization.slug);
  const partners = partnerDetails(specialization.partnerIds, partnersById);
  const description = specialization.description ?? null;
  return {
    id: specialization.id,
    slug: specialization.slug,
    name: specialization.name,
    courseType: 'specialization',
    description,
    workload: null,
    primaryLanguages: [],
    subtitleLanguages: [],
    domainTypes: [],
    certificates: [SPECIALIZATION_KIND],
    specializations: [],
    instructorIds: [],
    photoUrl: null,
    partners,
    url,
    specialization: {
      id: specialization.id,
      slug: specialization.slug,
      name: specialization.name,
      tagline: specialization.tagline ?? null,
      description,
      courses: [...new Set(specialization.courseIds ?? [])].map((id, position) => ({ id, position })),
      partners,
      url,
    },
  };
}

/** Partners looked up by id, in Coursera's order; partners Coursera does not know are left out. */
function partnerDetails(
  partnerIds: readonly string[] | undefined,
  partnersById: ReadonlyMap<string, CourseraPartner>,
): CourseraPartnerDetails[] {
  return (partnerIds ?? [])
    .map((partnerId) => partnersById.get(partnerId))
    .filter((partner): partner is CourseraPartner => partner !== undefined)
    .map((partner) => ({
      id: partner.id,
      name: partner.name,
      shortName: partner.shortName ?? null,
      homeLink: partner.homeLink ?? null,
    }));
}

/** Resolvers for fields that are not plain properties of the details object. */
export const detailsResolvers = {
  CourseraSpecializationCourse: {
    // A reference the gateway completes from the catalog, which owns Credential's common fields.
    credential: (course: { id: string }) => ({ id: courseCredentialId(course.id) }),
  },
};
