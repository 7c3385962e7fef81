import {
  type CredentialRecord,
  type CredentialRelationRecord,
  credentialId,
  type IdentifierRecord,
  type IssuerRecord,
  type Level,
  type SkillAlignmentRecord,
  type SkillFramework,
} from '../../schema/index.js';
import { httpUrlOrNull, languageTag, plainText, sectorsFromTags } from '../kit/index.js';
import { PROVIDER_ID, type StudyLoadUnit } from './config.js';
import { eqfLevelOf, languageOf, studyLoadOf } from './extensions.js';
import type { BadgrAlignment, BadgrBadgeClass, BadgrIssuer } from './upstream.js';

/**
 * Badgr badge classes → the common schema. Pure: no I/O, no clock (the caller passes `fetchedAt`). Every choice
 * below is documented, field by field, in README.md ("Mapping to CredentialRecord").
 */

export interface MappingOptions {
  /** The unit this deployment writes `StudyLoadExtension.StudyLoad` in. */
  studyLoadUnit: StudyLoadUnit;
}

export const DEFAULT_MAPPING_OPTIONS: MappingOptions = { studyLoadUnit: 'hours' };

export function badgeClassCredentialId(entityId: string): string {
  return credentialId(PROVIDER_ID, 'badgeclass', entityId);
}

export function issuerId(entityId: string): string {
  return credentialId(PROVIDER_ID, 'issuer', entityId);
}

/**
 * One badge class as a common-schema record. `issuer` is the badge class's issuer as Badgr describes it; when it
 * is unknown the issuer's name stays empty, so that the feed reports the record as rejected instead of
 * inventing an issuer.
 */
export function toCredentialRecord(
  badgeClass: BadgrBadgeClass,
  issuer: BadgrIssuer | null,
  fetchedAt: string,
  options: MappingOptions = DEFAULT_MAPPING_OPTIONS,
): CredentialRecord {
  const url = httpUrlOrNull(badgeClass.openBadgeId);
  const language = languageTag(languageOf(badgeClass.extensions)?.split(/[_-]/)[0]);
  const identifiers: IdentifierRecord[] = url ? [{ scheme: 'BADGR_BADGECLASS', value: url }] : [];
  return {
    id: badgeClassCredentialId(badgeClass.entityId),
    // Malformed entities become records the feed rejects with reasons, not exceptions that stop the page.
    name: badgeClass.name?.trim() ?? '',
    description: plainText(badgeClass.description),
    // Every Badgr badge class is an Open Badges 2.0 BadgeClass; Badgr has no finer category.
    credentialType: 'OPEN_BADGE',
    sourceTypes: [badgeClass.entityType ?? 'BadgeClass'],
    issuer: issuerOf(badgeClass.issuer, issuer),
    provider: PROVIDER_ID,
    url,
    image: httpUrlOrNull(badgeClass.image),
    skills: skillsOf(badgeClass),
    sectors: sectorsOf(badgeClass.tags),
    level: levelOfEqf(eqfLevelOf(badgeClass.extensions)),
    estimatedDuration: studyLoadDuration(studyLoadOf(badgeClass.extensions), options.studyLoadUnit),
    // Badgr has no price, and badges say nothing about how the learning was delivered.
    cost: null,
    deliveryMode: null,
    languages: language ? [language] : [],
    // Badgr v2 exposes no modification time (its `changed` list filters by one but does not show it).
    updatedAt: fetchedAt,
    provenance: { provider: PROVIDER_ID, upstreamId: badgeClass.entityId, url, fetchedAt, raw: badgeClass },
    relations: relationsOf(badgeClass),
    identifiers,
  };
}

function issuerOf(entityId: string, issuer: BadgrIssuer | null): IssuerRecord {
  return {
    id: typeof entityId === 'string' && entityId ? issuerId(entityId) : '',
    name: issuer?.name?.trim() ?? '',
    url: httpUrlOrNull(issuer?.url),
    verified: typeof issuer?.verified === 'boolean' ? issuer.verified : null,
  };
}

/**
 * The entityId of the badge class an alignment targets, when it is another badge class on the same Badgr server
 * (`<origin>/public/badges/<entityId>`, as in the badge class's own `openBadgeId`); else null.
 */
export function alignedBadgeClassId(badgeClass: BadgrBadgeClass, alignment: BadgrAlignment): string | null {
  let own: URL;
  let target: URL;
  try {
    own = new URL(badgeClass.openBadgeId);
    target = new URL(alignment.targetUrl);
  } catch {
    return null;
  }
  const match = /^\/public\/badges\/([A-Za-z0-9_-]+?)(?:\.json)?\/?$/.exec(target.pathname);
  if (!match?.[1] || target.origin !== own.origin || match[1] === badgeClass.entityId) return null;
  return match[1];
}

/**
 * Stacking: an alignment to another badge class of the same server is read as "this badge is made of that
 * one" (the Open Badges meta-badge convention Badgr users follow for pathways), in the order listed.
 */
export function relationsOf(badgeClass: BadgrBadgeClass): CredentialRelationRecord[] {
  const relations: CredentialRelationRecord[] = [];
  for (const alignment of badgeClass.alignments ?? []) {
    const target = alignedBadgeClassId(badgeClass, alignment);
    if (target && !relations.some((relation) => relation.target === badgeClassCredentialId(target))) {
      relations.push({ type: 'HAS_PART', target: badgeClassCredentialId(target), order: relations.length });
    }
  }
  return relations;
}

const FRAMEWORK_PATTERNS: ReadonlyArray<[RegExp, SkillFramework]> = [
  [/\besco\b/i, 'ESCO'],
  [/\bo\s*\*?\s*net\b/i, 'ONET'],
  [/\b(lightcast|emsi)\b/i, 'LIGHTCAST'],
  [/\b(ctdl|asn|credential engine)\b/i, 'CTDL_ASN'],
];

/**
 * The framework an alignment names in `targetFramework` (free text: "ESCO", "O*NET-SOC", "Lightcast Open
 * Skills", …), or whose URI it uses (ESCO's `…/esco/skill/…`); anything else is the provider's own.
 */
export function frameworkOf(
  alignment: Pick<BadgrAlignment, 'targetFramework' | 'targetUrl'>,
): SkillFramework {
  const named = alignment.targetFramework?.trim() ?? '';
  for (const [pattern, framework] of FRAMEWORK_PATTERNS) if (pattern.test(named)) return framework;
  if (/\/esco\/(skill|occupation)\//.test(alignment.targetUrl ?? '')) return 'ESCO';
  return 'PROVIDER';
}

/** Alignments as skills, labels verbatim, deduplicated by label and framework; links to other badges are not skills. */
export function skillsOf(badgeClass: BadgrBadgeClass): SkillAlignmentRecord[] {
  const skills = new Map<string, SkillAlignmentRecord>();
  for (const alignment of badgeClass.alignments ?? []) {
    const label = alignment?.targetName?.trim();
    if (!label || alignedBadgeClassId(badgeClass, alignment)) continue;
    const framework = frameworkOf(alignment);
    const key = `${framework}\u0000${label.toLowerCase()}`;
    if (skills.has(key)) continue;
    skills.set(key, {
      label,
      framework,
      code: alignment.targetCode?.trim() || null,
      url: httpUrlOrNull(alignment.targetUrl),
    });
  }
  return [...skills.values()];
}

/** Sectors from the badge class's `tags` (only tags that name a sector count). */
export const sectorsOf = sectorsFromTags;

/** EQF level → level band: 1–2 basic, 3–4 upper secondary and vocational, 5–6 short-cycle and bachelor, 7–8 master and doctorate. */
export function levelOfEqf(eqf: number | null): Level | null {
  if (eqf === null) return null;
  if (eqf <= 2) return 'INTRODUCTORY';
  if (eqf <= 4) return 'INTERMEDIATE';
  if (eqf <= 6) return 'ADVANCED';
  return 'EXPERT';
}

/** A study load as ISO 8601 effort: `PT40H` for 40 hours, `PT1H30M` for 90 minutes; null when absent. */
export function studyLoadDuration(studyLoad: number | null, unit: StudyLoadUnit): string | null {
  if (studyLoad === null) return null;
  const minutes = Math.round(unit === 'hours' ? studyLoad * 60 : studyLoad);
  if (minutes <= 0) return null;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `PT${hours > 0 ? `${hours}H` : ''}${rest > 0 ? `${rest}M` : ''}`;
}
