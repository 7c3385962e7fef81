import { type CredentialRecord, type CredentialType, credentialId, type Sector } from '../../schema/index.js';
import { httpUrlOrNull, languageTag, plainText, uniqueStrings } from '../kit/index.js';
import { PROVIDER_ID } from './config.js';
import type { CourseraCourse, CourseraDomainType, CourseraPartner } from './upstream.js';
import { parseWorkload } from './workload.js';

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

/** `https://www.coursera.org/learn/<slug>`: a course's public page. */
export function courseUrl(slug: string): string {
  return `https://www.coursera.org/learn/${encodeURIComponent(slug)}`;
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
 * The issuer is the course's first partner; when that partner is unknown the issuer's name stays empty, so
 * that the feed reports the record as rejected instead of inventing an issuer.
 */
export function toCredentialRecord(
  course: CourseraCourse,
  partnersById: ReadonlyMap<string, CourseraPartner>,
  fetchedAt: string,
): CredentialRecord {
  const url = courseUrl(course.slug);
  const partnerId = course.partnerIds?.[0];
  const partner = partnerId === undefined ? undefined : partnersById.get(partnerId);
  return {
    id: credentialId(PROVIDER_ID, 'course', course.id),
    // Malformed elements become records the feed rejects with reasons, not exceptions that stop the page.
    name: course.name?.trim() ?? '',
    description: plainText(course.description),
    credentialType: credentialTypeOf(course),
    sourceTypes: uniqueStrings([course.courseType, ...(course.certificates ?? [])].filter(Boolean)),
    issuer: {
      id: partnerId === undefined ? '' : credentialId(PROVIDER_ID, 'partner', partnerId),
      name: partner?.name?.trim() ?? '',
      url: httpUrlOrNull(partner?.homeLink),
      verified: null,
    },
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
    languages: uniqueStrings(
      (course.primaryLanguages ?? []).map(languageTag).filter((tag): tag is string => tag !== null),
    ),
    // Naptime keeps no modification time, so a record is as fresh as its fetch.
    updatedAt: fetchedAt,
    provenance: { provider: PROVIDER_ID, upstreamId: course.id, url, fetchedAt },
  };
}
