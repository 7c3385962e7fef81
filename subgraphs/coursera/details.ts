import { courseUrl } from './mapping.js';
import type { CourseraCourse, CourseraPartner } from './upstream.js';

/** The GraphQL name of Coursera's field type on `Credential`. */
export const DETAILS_TYPE_NAME = 'CourseraCourse';

/**
 * Live, raw details of a Coursera course, named as Coursera names them. Types are prefixed `Coursera` so
 * that they never collide with another subgraph's in the supergraph.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""A Coursera course, live from Coursera's catalog API, with Coursera's own field names and values."""
type CourseraCourse {
  "Coursera's course id."
  id: ID!
  slug: String!
  name: String!
  "v2.ondemand for self-paced courses."
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
  partners: Array<{ id: string; name: string; shortName: string | null; homeLink: string | null }>;
  url: string;
}

/** The details of a course, with its partners looked up by id (partners Coursera does not know are left out). */
export function toDetails(
  course: CourseraCourse,
  partnersById: ReadonlyMap<string, CourseraPartner>,
): CourseraCourseDetails {
  const partners = (course.partnerIds ?? [])
    .map((partnerId) => partnersById.get(partnerId))
    .filter((partner): partner is CourseraPartner => partner !== undefined);
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
    partners: partners.map((partner) => ({
      id: partner.id,
      name: partner.name,
      shortName: partner.shortName ?? null,
      homeLink: partner.homeLink ?? null,
    })),
    url: courseUrl(course.slug),
  };
}
