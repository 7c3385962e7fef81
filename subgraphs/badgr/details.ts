import { ectsOf, eqfLevelOf, languageOf, studyLoadOf } from './extensions.js';
import { alignedBadgeClassId, badgeClassCredentialId } from './mapping.js';
import type { BadgrBadgeClass, BadgrIssuer } from './upstream.js';

/** The GraphQL name of Badgr's field type on `Credential`. */
export const DETAILS_TYPE_NAME = 'BadgrBadgeClass';

/**
 * `Credential.badgr`: a badge class as Badgr describes it, resolved live. Raw values stay raw (`criteriaNarrative`
 * in Markdown, `expires` as Badgr's amount and unit, extensions as their JSON); the normalized ones are the
 * catalog's common fields. Types are prefixed `Badgr` so that they never collide with another subgraph's.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""A Canvas Credentials (Badgr) badge class, live from Badgr's API v2, with Badgr's own field names and values."""
type BadgrBadgeClass {
  "Badgr's id of the badge class."
  entityId: ID!
  "BadgeClass."
  entityType: String!
  "The badge class's Open Badges 2.0 id (also its public page)."
  openBadgeId: String!
  name: String!
  description: String
  image: String
  "Where the issuer publishes what it takes to earn the badge."
  criteriaUrl: String
  "What it takes to earn the badge, in Markdown."
  criteriaNarrative: String
  "Skills, standards and other badges the badge class aligns to, in Badgr's order."
  alignments: [BadgrAlignment!]!
  tags: [String!]!
  "How long an awarded badge stays valid; null when it does not expire."
  expires: BadgrExpiration
  createdAt: String
  "Badgr's id of the user who created the badge class."
  createdBy: String
  issuerOpenBadgeId: String
  "The issuer, live from Badgr; null when the account cannot see it."
  issuer: BadgrIssuer
  "Open Badges extensions, each as its JSON."
  extensions: [BadgrExtension!]!
  "StudyLoad of extensions:StudyLoadExtension as written (hours or minutes, by deployment)."
  studyLoad: Float
  "EQF of extensions:EQFExtension (European Qualifications Framework level, 1-8)."
  eqfLevel: Int
  "ECTS of extensions:ECTSExtension (European credit points)."
  ects: Float
  "Language of extensions:LanguageExtension as written, e.g. en_EN."
  language: String
}

"""An alignment of a Badgr badge class to a skill, standard or other badge."""
type BadgrAlignment {
  targetName: String!
  targetUrl: String!
  targetDescription: String
  "Free text, e.g. ESCO, O*NET-SOC or an institution's own framework."
  targetFramework: String
  targetCode: String
  "The targeted badge class as a credgraph credential, when the alignment points at another badge of the same Badgr server."
  credential: Credential
}

"""How long an awarded Badgr badge stays valid."""
type BadgrExpiration {
  amount: Int!
  "days, weeks, months or years."
  duration: String!
}

"""An issuing organization on Badgr."""
type BadgrIssuer {
  entityId: ID!
  "The issuer's Open Badges 2.0 profile URL."
  openBadgeId: String!
  name: String!
  url: String
  email: String
  description: String
  image: String
  "Whether Badgr vouches for the issuer; null where the deployment does not say."
  verified: Boolean
  createdAt: String
}

"""An Open Badges extension on a Badgr badge class."""
type BadgrExtension {
  "The extension's name, e.g. extensions:StudyLoadExtension."
  name: String!
  "The extension object as JSON text."
  json: String!
}
`;

export interface BadgrIssuerDetails {
  entityId: string;
  openBadgeId: string;
  name: string;
  url: string | null;
  email: string | null;
  description: string | null;
  image: string | null;
  verified: boolean | null;
  createdAt: string | null;
}

export interface BadgrBadgeClassDetails {
  entityId: string;
  entityType: string;
  openBadgeId: string;
  name: string;
  description: string | null;
  image: string | null;
  criteriaUrl: string | null;
  criteriaNarrative: string | null;
  alignments: Array<{
    targetName: string;
    targetUrl: string;
    targetDescription: string | null;
    targetFramework: string | null;
    targetCode: string | null;
    credential: { id: string } | null;
  }>;
  tags: string[];
  expires: { amount: number; duration: string } | null;
  createdAt: string | null;
  createdBy: string | null;
  issuerOpenBadgeId: string | null;
  issuer: BadgrIssuerDetails | null;
  extensions: Array<{ name: string; json: string }>;
  studyLoad: number | null;
  eqfLevel: number | null;
  ects: number | null;
  language: string | null;
}

export function toIssuerDetails(issuer: BadgrIssuer): BadgrIssuerDetails {
  return {
    entityId: issuer.entityId,
    openBadgeId: issuer.openBadgeId,
    name: issuer.name,
    url: issuer.url ?? null,
    email: issuer.email ?? null,
    description: issuer.description ?? null,
    image: issuer.image ?? null,
    verified: typeof issuer.verified === 'boolean' ? issuer.verified : null,
    createdAt: issuer.createdAt ?? null,
  };
}

/** The raw details of a badge class, with its issuer (null when unknown). Pure. */
export function toDetails(badgeClass: BadgrBadgeClass, issuer: BadgrIssuer | null): BadgrBadgeClassDetails {
  const expires = badgeClass.expires;
  return {
    entityId: badgeClass.entityId,
    entityType: badgeClass.entityType ?? 'BadgeClass',
    openBadgeId: badgeClass.openBadgeId,
    name: badgeClass.name,
    description: badgeClass.description ?? null,
    image: badgeClass.image ?? null,
    criteriaUrl: badgeClass.criteriaUrl ?? null,
    criteriaNarrative: badgeClass.criteriaNarrative ?? null,
    alignments: (badgeClass.alignments ?? []).map((alignment) => {
      const aligned = alignedBadgeClassId(badgeClass, alignment);
      return {
        targetName: alignment.targetName,
        targetUrl: alignment.targetUrl,
        targetDescription: alignment.targetDescription ?? null,
        targetFramework: alignment.targetFramework ?? null,
        targetCode: alignment.targetCode ?? null,
        credential: aligned ? { id: badgeClassCredentialId(aligned) } : null,
      };
    }),
    tags: badgeClass.tags ?? [],
    // Badgr answers {amount: null, duration: null} for a badge that never expires.
    expires:
      typeof expires?.amount === 'number' && typeof expires.duration === 'string'
        ? { amount: expires.amount, duration: expires.duration }
        : null,
    createdAt: badgeClass.createdAt ?? null,
    createdBy: badgeClass.createdBy ?? null,
    issuerOpenBadgeId: badgeClass.issuerOpenBadgeId ?? null,
    issuer: issuer ? toIssuerDetails(issuer) : null,
    extensions: Object.entries(badgeClass.extensions ?? {}).map(([name, value]) => ({
      name,
      json: JSON.stringify(value),
    })),
    studyLoad: studyLoadOf(badgeClass.extensions),
    eqfLevel: eqfLevelOf(badgeClass.extensions),
    ects: ectsOf(badgeClass.extensions),
    language: languageOf(badgeClass.extensions),
  };
}
