/**
 * The controlled vocabulary of the common credential schema. Each list is the single source for both the
 * GraphQL enum (see `sdl.ts`) and the TypeScript union, so the two can never drift apart.
 */

/** What kind of credential a record is: OB 3.0 `achievementType` ∪ CTDL credential classes ∪ Credly `type_category`. */
export const CREDENTIAL_TYPES = [
  'MICRO_CREDENTIAL',
  'BADGE',
  'OPEN_BADGE',
  'CERTIFICATE',
  'CERTIFICATE_OF_COMPLETION',
  'CERTIFICATION',
  'LICENSE',
  'COURSE',
  'LEARNING_PROGRAM',
  'APPRENTICESHIP_CERTIFICATE',
  'DIPLOMA',
  'DEGREE',
  'ASSESSMENT',
  'COMPETENCY',
  'OTHER',
] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** Level band, the common denominator of EQF, CTDL `audienceLevelType`, Credly `level` and edX `level_type`. */
export const LEVELS = ['INTRODUCTORY', 'INTERMEDIATE', 'ADVANCED', 'EXPERT'] as const;
export type Level = (typeof LEVELS)[number];

/** Economic sector, coarse enough that every provider's subjects and industry codes map onto it. */
export const SECTORS = [
  'TECHNOLOGY',
  'HEALTHCARE',
  'ADVANCED_MANUFACTURING',
  'BUSINESS',
  'EDUCATION',
  'ENERGY',
  'FINANCE',
  'CONSTRUCTION',
  'LOGISTICS',
  'PUBLIC_SERVICE',
  'HOSPITALITY',
  'AGRICULTURE',
  'ARTS_AND_MEDIA',
  'OTHER',
] as const;
export type Sector = (typeof SECTORS)[number];

export const DELIVERY_MODES = ['ONLINE', 'IN_PERSON', 'BLENDED'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** What shape of upstream a provider adapts; shown to users so they can judge where data came from. */
export const PROVIDER_KINDS = [
  'BADGE_PLATFORM',
  'OPEN_BADGES_ISSUER',
  'COURSE_CATALOG',
  'CREDENTIAL_REGISTRY',
  'OTHER',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/**
 * Where a skill label comes from; `PROVIDER` means the provider's own free-text label, `CREDGRAPH` a skill of
 * credgraph's own curated list (for common credential skills that ESCO and O*NET do not name directly).
 */
export const SKILL_FRAMEWORKS = ['ESCO', 'ONET', 'LIGHTCAST', 'CTDL_ASN', 'PROVIDER', 'CREDGRAPH'] as const;
export type SkillFramework = (typeof SKILL_FRAMEWORKS)[number];

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
