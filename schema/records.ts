import { isIsoDuration } from './duration.js';
import {
  CREDENTIAL_TYPES,
  type CredentialType,
  DELIVERY_MODES,
  type DeliveryMode,
  isOneOf,
  LEVELS,
  type Level,
  SECTORS,
  type Sector,
  SKILL_FRAMEWORKS,
  type SkillFramework,
} from './vocabulary.js';

/**
 * A credential in the common schema, as a provider's pure mapping produces it and as its feed serves it.
 * Every provider maps into this one shape; the catalog indexes it and answers every common field from it.
 */
export interface CredentialRecord {
  /** Globally unique: `<provider>:<kind>:<upstream id>` (see `credentialId`). */
  id: string;
  name: string;
  description: string | null;
  credentialType: CredentialType;
  /** The upstream's own type labels, kept verbatim (`Certification`, `ceterms:MicroCredential`, …). */
  sourceTypes: string[];
  issuer: IssuerRecord;
  /** The provider id (`credly`, `coursera`, …). */
  provider: string;
  url: string | null;
  image: string | null;
  skills: SkillAlignmentRecord[];
  sectors: Sector[];
  level: Level | null;
  /** ISO 8601 duration of effort (`PT40H`), or null when the upstream does not say. */
  estimatedDuration: string | null;
  /** Null when unknown; an amount of 0 means free. */
  cost: MoneyRecord | null;
  deliveryMode: DeliveryMode | null;
  /** BCP 47 language tags (`en`, `es-419`). */
  languages: string[];
  /** ISO 8601 date-time of the upstream's last change, or of the harvest when the upstream keeps none. */
  updatedAt: string;
  provenance: ProvenanceRecord;
  /** How this credential stacks with others (parts, wholes, preparation), as its source states it. */
  relations?: CredentialRelationRecord[];
  /** Identifiers beyond the id (a CTID, an OB achievement id): the same credential from two providers shares one. */
  identifiers?: IdentifierRecord[];
}

export const RELATION_TYPES = [
  'HAS_PART',
  'IS_PART_OF',
  'PREPARES_FOR',
  'PREPARED_BY',
  'REQUIRES',
  'RELATED',
] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export interface CredentialRelationRecord {
  type: RelationType;
  /** The related credential's global id; it may belong to another provider. */
  target: string;
  /** Position among the source's ordered parts (0-based), where the source gives an order. */
  order: number | null;
}

export const IDENTIFIER_SCHEMES = [
  'CTID',
  'OB_ACHIEVEMENT',
  'CREDLY_TEMPLATE',
  'BADGR_BADGECLASS',
  'COURSERA',
  'EDX',
  'URL',
  'OTHER',
] as const;
export type IdentifierScheme = (typeof IDENTIFIER_SCHEMES)[number];

export interface IdentifierRecord {
  scheme: IdentifierScheme;
  value: string;
}

export interface IssuerRecord {
  /** `<provider>:<kind>:<upstream id>`, like credential ids. */
  id: string;
  name: string;
  url: string | null;
  /** Whether the provider vouches for the issuer's identity (Credly's `verified`); null when it says nothing. */
  verified: boolean | null;
}

export interface SkillAlignmentRecord {
  /** The label as the provider wrote it. */
  label: string;
  framework: SkillFramework;
  /** The framework's code or URI, when the provider gives one. */
  code: string | null;
  url: string | null;
}

export interface MoneyRecord {
  amount: number;
  /** ISO 4217 alphabetic code. */
  currency: string;
}

/** Where a record came from, so that nothing the catalog shows is unattributed. */
export interface ProvenanceRecord {
  provider: string;
  upstreamId: string;
  url: string | null;
  fetchedAt: string;
  /** The upstream record as received, unmapped, so that nothing the provider said is lost. */
  raw?: unknown;
}

export const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Builds the global id `<provider>:<kind>:<upstream id>`; upstream ids may themselves contain colons. */
export function credentialId(provider: string, kind: string, upstreamId: string): string {
  return `${provider}:${kind}:${upstreamId}`;
}

export interface ParsedId {
  provider: string;
  kind: string;
  upstreamId: string;
}

/** Splits a global id, or returns null when it is not of the `<provider>:<kind>:<upstream id>` form. */
export function parseCredentialId(id: string): ParsedId | null {
  const first = id.indexOf(':');
  const second = first < 0 ? -1 : id.indexOf(':', first + 1);
  if (first <= 0 || second <= first + 1 || second === id.length - 1) return null;
  return {
    provider: id.slice(0, first),
    kind: id.slice(first + 1, second),
    upstreamId: id.slice(second + 1),
  };
}

/**
 * The problems that make a record unfit for the catalog, in plain words (empty when it is valid). The
 * conformance kit runs every provider's mapping through this, and the catalog refuses records that fail it.
 */
export function credentialRecordProblems(record: CredentialRecord): string[] {
  const problems: string[] = [];
  const parsed = parseCredentialId(record.id ?? '');
  if (!parsed) problems.push(`id "${record.id}" is not of the form <provider>:<kind>:<upstream id>`);
  else if (parsed.provider !== record.provider)
    problems.push(`id "${record.id}" does not start with its provider "${record.provider}:"`);
  if (!record.name?.trim()) problems.push('name is empty');
  if (!isOneOf(CREDENTIAL_TYPES, record.credentialType))
    problems.push(`credentialType "${record.credentialType}" is not one of ${CREDENTIAL_TYPES.join(', ')}`);
  if (!record.issuer?.id || !record.issuer.name) problems.push('issuer needs an id and a name');
  if (record.level !== null && !isOneOf(LEVELS, record.level))
    problems.push(`level "${record.level}" is unknown`);
  for (const sector of record.sectors ?? []) {
    if (!isOneOf(SECTORS, sector)) problems.push(`sector "${sector}" is unknown`);
  }
  if (record.deliveryMode !== null && !isOneOf(DELIVERY_MODES, record.deliveryMode))
    problems.push(`deliveryMode "${record.deliveryMode}" is unknown`);
  if (record.estimatedDuration !== null && !isIsoDuration(record.estimatedDuration))
    problems.push(`estimatedDuration "${record.estimatedDuration}" is not an ISO 8601 duration`);
  if (record.cost !== null) {
    if (!Number.isFinite(record.cost.amount) || record.cost.amount < 0)
      problems.push(`cost amount ${record.cost.amount} is not a non-negative number`);
    if (!CURRENCY_CODE.test(record.cost.currency))
      problems.push(`cost currency "${record.cost.currency}" is not an ISO 4217 code`);
  }
  for (const skill of record.skills ?? []) {
    if (!skill.label?.trim()) problems.push('a skill has an empty label');
    if (!isOneOf(SKILL_FRAMEWORKS, skill.framework))
      problems.push(`skill framework "${skill.framework}" is unknown`);
  }
  if (Number.isNaN(Date.parse(record.updatedAt)))
    problems.push(`updatedAt "${record.updatedAt}" is not a date-time`);
  if (!record.provenance?.upstreamId) problems.push('provenance.upstreamId is missing');
  for (const relation of record.relations ?? []) {
    if (!isOneOf(RELATION_TYPES, relation.type)) problems.push(`relation type "${relation.type}" is unknown`);
    if (!parseCredentialId(relation.target ?? ''))
      problems.push(`relation target "${relation.target}" is not a credential id`);
  }
  for (const identifier of record.identifiers ?? []) {
    if (!isOneOf(IDENTIFIER_SCHEMES, identifier.scheme))
      problems.push(`identifier scheme "${identifier.scheme}" is unknown`);
    if (!identifier.value) problems.push('an identifier has an empty value');
  }
  return problems;
}
