import {
  type CredentialRecord,
  type CredentialRelationRecord,
  type CredentialType,
  credentialId,
  type IssuerRecord,
  type Sector,
} from '../../schema/index.js';
import { httpUrlOrNull, languageTag, plainText, uniqueStrings } from '../kit/index.js';
import { PROVIDER_ID } from './config.js';
import type {
  CourseraCourse,
  CourseraDomainType,
  CourseraPartner,
  CourseraSpecialization,
} from './upstream.js';
import { formatEffort, parseWorkload, workloadHours } from './workload.js';

export { formatEffort, parseWorkload, workloadHours } from './workload.js';

/** The certificate label that means a learner can earn a shareable course certificate. */
export const VERIFIED_CERTIFICATE = 'VerifiedCert';

/**
 * Sectors by Coursera domain, refined by `domain/subdomain` where a domain spans several sectors. Coursera has
 * no manufacturing domain: its engineering courses on machines, automation and production sit under
 * physical-science-and-engineering's mechanical and electrical subdomains, so those two count as advanced
 * manufacturing. A domain not listed here maps to OTHER (README "Sectors").
 */
export const DOMAIN_SECTORS: Readonly<Record<string, readonly Sector[]>> = {
  'computer-science': ['TECHNOLOGY'],
  'data-science': ['TECHNOLOGY'],
  'information-technology': ['TECHNOLOGY'],
  health: ['HEALTHCARE'],
  business: ['BUSINESS'],
  'arts-and-humanities': ['ARTS_AND_MEDIA'],
  'physical-science-and-engineering': ['OTHER'],
  'physical-science-and-engineering/mechanical-engineering': ['ADVANCED_MANUFACTURING'],
  'physical-science-and-engineering/electrical-engineering': ['ADVANCED_MANUFACTURING'],
  'physical-science-and-engineering/environmental-science-and-sustainability': ['ENERGY'],
  'business/finance': ['FINANCE'],
  'business/supply-chain-and-logistics': ['BUSINESS', 'LOGISTICS'],
  'social-sciences/education': ['EDUCATION'],
  'social-sciences/governance-and-society': ['PUBLIC_SERVICE'],
};

/** Partners by id, for looking up a course's `partnerIds`. */
export function indexPartners(partners: Iterable<CourseraPartner>): Map<string, CourseraPartner> {
  const byId = new Map<string, CourseraPartner>();
  for (const partner of partners) byId.set(partner.id, partner);
  return byId;
}

/** The label, in `sourceTypes`, of what a specialization is at Coursera (and of the certificate it awards). */
export const SPECIALIZATION_KIND = 'Specialization';

/** `coursera:course:<id>`. */
export function courseCredentialId(courseId: string): string {
  return credentialId(PROVIDER_ID, 'course', courseId);
}

/** `coursera:specialization:<id>`. */
export function specializationCredentialId(specializationId: string): string {
  return credentialId(PROVIDER_ID, 'specialization', specializationId);
}

/** `https://www.coursera.org/learn/<slug>`: a course's public page. */
export function courseUrl(slug: string): string {
  return `https://www.coursera.org/learn/${encodeURIComponent(slug)}`;
}

/** `https://www.coursera.org/specializations/<slug>`: a specialization's public page. */
export function specializationUrl(slug: string): string {
  return `https://www.coursera.org/specializations/${encodeURIComponent(slug)}`;
}

/**
 * A course with a verified certificate on offer is catalogued as the credential a learner earns from it, a
 * CERTIFICATE_OF_COMPLETION (Open Badges' `CertificateOfCompletion`); an audit-only course awards nothing and
 * stays a COURSE. The raw `courseType` and `certificates` are kept in `sourceTypes`.
 */
export function credentialTypeOf(course: CourseraCourse): CredentialType {
  return course.certificates?.includes(VERIFIED_CERTIFICATE) ? 'CERTIFICATE_OF_COMPLETION' : 'COURSE';
}

/** Sectors for a course's domains (see `DOMAIN_SECTORS`); empty when Coursera gives no domain. */
export function sectorsOf(domainTypes: readonly CourseraDomainType[] | undefined): Sector[] {
  const sectors: Sector[] = [];
  for (const domain of domainTypes ?? []) {
    const specific = domain.subdomainId
      ? DOMAIN_SECTORS[`${domain.domainId}/${domain.subdomainId}`]
      : undefined;
    sectors.push(...(specific ?? DOMAIN_SECTORS[domain.domainId] ?? ['OTHER']));
  }
  return uniqueStrings(sectors) as Sector[];
}

/**
 * A Coursera course in the common schema. Pure: the partners and the fetch time come in as arguments.
 * The issuer is the course's first partner (see `issuerOf`).
 */
export function toCredentialRecord(
  course: CourseraCourse,
  partnersById: ReadonlyMap<string, CourseraPartner>,
  fetchedAt: string,
): CredentialRecord {
  const url = courseUrl(course.slug);
  return {
    id: courseCredentialId(course.id),
    // Malformed elements become records the feed rejects with reasons, not exceptions that stop the page.
    name: course.name?.trim() ?? '',
    description: plainText(course.description),
    credentialType: credentialTypeOf(course),
    sourceTypes: uniqueStrings([course.courseType, ...(course.certificates ?? [])].filter(Boolean)),
    issuer: issuerOf(course.partnerIds, partnersById),
    provider: PROVIDER_ID,
    url,
    image: httpUrlOrNull(course.photoUrl),
    // The legacy catalog API publishes no skills, cost or level.
    skills: [],
    sectors: sectorsOf(course.domainTypes),
    level: null,
    estimatedDuration: parseWorkload(course.workload),
    cost: null,
    // Every v2.ondemand course is self-paced online learning.
    deliveryMode: 'ONLINE',
    languages: languagesOf(course.primaryLanguages),
    // Naptime keeps no modification time, so a record is as fresh as its fetch.
    updatedAt: fetchedAt,
    provenance: { provider: PROVIDER_ID, upstreamId: course.id, url, fetchedAt, raw: course },
  };
}

/**
 * A Coursera Specialization in the common schema: a CERTIFICATE (the Specialization certificate) over its
 * courses, which it HAS_PART in Coursera's order. Pure: partners, the specialization's courses (as far as they
 * were fetched) and the fetch time come in as arguments. Languages, sectors and effort come from the courses:
 * languages and sectors are those of the courses at hand, effort the sum of theirs only when every course is at
 * hand and states one (README "Specializations").
 */
export function toSpecializationRecord(
  specialization: CourseraSpecialization,
  partnersById: ReadonlyMap<string, CourseraPartner>,
  coursesById: ReadonlyMap<string, CourseraCourse>,
  fetchedAt: string,
): CredentialRecord {
  const url = specializationUrl(specialization.slug);
  const courseIds = uniqueStrings((specialization.courseIds ?? []).filter((id) => typeof id === 'string'));
  const courses = courseIds
    .map((id) => coursesById.get(id))
    .filter((course): course is CourseraCourse => course !== undefined);
  return {
    id: specializationCredentialId(specialization.id),
    name: specialization.name?.trim() ?? '',
    description: plainText(specialization.description) ?? plainText(specialization.tagline),
    credentialType: 'CERTIFICATE',
    sourceTypes: [SPECIALIZATION_KIND],
    issuer: issuerOf(specialization.partnerIds, partnersById),
    provider: PROVIDER_ID,
    url,
    image: null,
    skills: [],
    sectors: uniqueStrings(courses.flatMap((course) => sectorsOf(course.domainTypes))) as Sector[],
    level: null,
    estimatedDuration: courses.length === courseIds.length ? totalEffort(courses) : null,
    cost: null,
    deliveryMode: 'ONLINE',
    languages: uniqueStrings(courses.flatMap((course) => languagesOf(course.primaryLanguages))),
    updatedAt: fetchedAt,
    provenance: { provider: PROVIDER_ID, upstreamId: specialization.id, url, fetchedAt, raw: specialization },
    relations: partsOf(courseIds),
  };
}

/** A specialization's courses as its parts, in Coursera's order (`order` is the 0-based position). */
export function partsOf(courseIds: readonly string[]): CredentialRelationRecord[] {
  return uniqueStrings(courseIds).map((courseId, order) => ({
    type: 'HAS_PART',
    target: courseCredentialId(courseId),
    order,
  }));
}

/** The sum of the courses' stated effort, or null when any of them states none (or there are none). */
function totalEffort(courses: readonly CourseraCourse[]): string | null {
  if (courses.length === 0) return null;
  let total = 0;
  for (const course of courses) {
    const hours = workloadHours(course.workload);
    if (hours === null) return null;
    total += hours;
  }
  return formatEffort(total);
}

function languagesOf(languages: readonly string[] | undefined): string[] {
  return uniqueStrings((languages ?? []).map(languageTag).filter((tag): tag is string => tag !== null));
}

/**
 * The first partner is the issuer. When that partner is unknown the issuer's name stays empty, so that the feed
 * reports the record as rejected instead of inventing an issuer.
 */
function issuerOf(
  partnerIds: readonly string[] | undefined,
  partnersById: ReadonlyMap<string, CourseraPartner>,
): IssuerRecord {
  const partnerId = partnerIds?.[0];
  const partner = partnerId === undefined ? undefined : partnersById.get(partnerId);
  return {
    id: partnerId === undefined ? '' : credentialId(PROVIDER_ID, 'partner', partnerId),
    name: partner?.name?.trim() ?? '',
    url: httpUrlOrNull(partner?.homeLink),
    verified: null,
  };
}
