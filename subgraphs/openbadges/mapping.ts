import type {
  CredentialRecord,
  CredentialRelationRecord,
  CredentialType,
  IdentifierRecord,
  IssuerRecord,
  Sector,
  SkillAlignmentRecord,
  SkillFramework,
} from '../../schema/index.js';
import { httpUrlOrNull, languageTag, plainText, uniqueStrings } from '../kit/index.js';
import { PROVIDER_ID } from './config.js';
import { achievementCredentialId, issuerRecordId } from './ids.js';
import {
  type ObAchievement,
  type ObAlignment,
  type ObImage,
  type ObProfile,
  type ObRelated,
  toArray,
} from './upstream.js';

/**
 * OB 3.0 `achievementType` → common credential type. The vocabulary is extensible (`ext:…`): values not listed
 * map to OTHER. An achievement with no `achievementType`, or the generic `Achievement`, is known only to be an
 * Open Badge, so it maps to OPEN_BADGE. The raw value is always kept in `sourceTypes`.
 */
export const ACHIEVEMENT_TYPES: Readonly<Record<string, CredentialType>> = {
  Achievement: 'OPEN_BADGE',
  MicroCredential: 'MICRO_CREDENTIAL',
  Badge: 'BADGE',
  Certificate: 'CERTIFICATE',
  CertificateOfCompletion: 'CERTIFICATE_OF_COMPLETION',
  Certification: 'CERTIFICATION',
  License: 'LICENSE',
  Course: 'COURSE',
  LearningProgram: 'LEARNING_PROGRAM',
  // CTDL counts journeyman and master certificates as kinds of apprenticeship certificate.
  ApprenticeshipCertificate: 'APPRENTICESHIP_CERTIFICATE',
  JourneymanCertificate: 'APPRENTICESHIP_CERTIFICATE',
  MasterCertificate: 'APPRENTICESHIP_CERTIFICATE',
  Diploma: 'DIPLOMA',
  SecondarySchoolDiploma: 'DIPLOMA',
  GeneralEducationDevelopment: 'DIPLOMA',
  Degree: 'DEGREE',
  AssociateDegree: 'DEGREE',
  BachelorDegree: 'DEGREE',
  MasterDegree: 'DEGREE',
  DoctoralDegree: 'DEGREE',
  ProfessionalDoctorate: 'DEGREE',
  ResearchDoctorate: 'DEGREE',
  Assessment: 'ASSESSMENT',
  Competency: 'COMPETENCY',
};

/**
 * Sectors from `fieldOfStudy`, OB 3.0's only subject field (free text). Each rule whose pattern matches adds
 * its sector, so "Health Information Security" is both HEALTHCARE and TECHNOLOGY. A field matching no rule is
 * OTHER; no field at all gives no sectors (README "Sectors").
 */
export const SECTOR_RULES: ReadonlyArray<{ sector: Sector; patterns: readonly RegExp[] }> = [
  {
    sector: 'TECHNOLOGY',
    // "IT" only in capitals, so that the word "it" does not count.
    patterns: [
      /information technology|computer|computing|software|cyber|security|data science|forensic|network|cloud|programming/i,
      /\bIT\b/,
    ],
  },
  {
    sector: 'HEALTHCARE',
    patterns: [/health|nurs|medic|clinical|patient|pharma|infection|emergency care|dental|surg/i],
  },
  {
    sector: 'ADVANCED_MANUFACTURING',
    patterns: [
      /manufactur|machining|machinist|\bCNC\b|weld|mechatronic|robot|industrial|additive|metrology|\bPLC\b/i,
    ],
  },
];

/** Alignment target types that denote a competency, mapped to skills. */
export const SKILL_TARGET_TYPES: ReadonlySet<string> = new Set(['ceasn:Competency']);
/** Alignment target types that denote a credential (`CTDL` is the older spelling in 1EdTech's examples). */
export const CREDENTIAL_TARGET_TYPES: ReadonlySet<string> = new Set(['ceterms:Credential', 'CTDL']);

const CE_RESOURCE =
  /^https?:\/\/credentialengineregistry\.org\/(?:resources|graph)\/(ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The credential type for an `achievementType` (see `ACHIEVEMENT_TYPES`). */
export function credentialTypeOf(achievementType: string | undefined): CredentialType {
  if (achievementType === undefined || achievementType.trim() === '') return 'OPEN_BADGE';
  return ACHIEVEMENT_TYPES[achievementType.trim()] ?? 'OTHER';
}

/** The achievement's own type labels, verbatim: its JSON-LD `type` values, then `achievementType`. */
export function sourceTypesOf(achievement: ObAchievement): string[] {
  const types = toArray(achievement.type).filter((type): type is string => typeof type === 'string');
  if (typeof achievement.achievementType === 'string') types.push(achievement.achievementType);
  return uniqueStrings(types);
}

/** Sectors for a `fieldOfStudy` (see `SECTOR_RULES`). */
export function sectorsOf(fieldOfStudy: string | undefined): Sector[] {
  const field = fieldOfStudy?.trim();
  if (!field) return [];
  const sectors = SECTOR_RULES.filter((rule) => rule.patterns.some((pattern) => pattern.test(field))).map(
    (rule) => rule.sector,
  );
  return sectors.length > 0 ? sectors : ['OTHER'];
}

/**
 * The skills framework an alignment names: ESCO or O*NET by `targetFramework` or by the host of `targetUrl`,
 * Lightcast by name, CTDL-ASN for a competency published in the Credential Engine Registry, else PROVIDER
 * (the issuer's own framework or a free label).
 */
export function frameworkOf(alignment: ObAlignment): SkillFramework {
  const name = alignment.targetFramework ?? '';
  const url = parseUrl(alignment.targetUrl);
  const host = url?.hostname.toLowerCase() ?? '';
  if (/\bESCO\b/i.test(name) || (host === 'data.europa.eu' && url?.pathname.startsWith('/esco/')))
    return 'ESCO';
  if (/\bO\*?NET\b/i.test(name) || host.endsWith('onetcenter.org') || host.endsWith('onetonline.org'))
    return 'ONET';
  if (/\b(lightcast|emsi)\b/i.test(name)) return 'LIGHTCAST';
  if (host === 'credentialengineregistry.org') return 'CTDL_ASN';
  return 'PROVIDER';
}

/** Competency alignments as skills, labels verbatim, the first of any repeated label and framework kept. */
export function skillsOf(alignments: readonly ObAlignment[] | undefined): SkillAlignmentRecord[] {
  const skills: SkillAlignmentRecord[] = [];
  const seen = new Set<string>();
  for (const alignment of alignments ?? []) {
    if (!SKILL_TARGET_TYPES.has(alignment.targetType ?? '')) continue;
    const label = alignment.targetName?.trim();
    if (!label) continue;
    const framework = frameworkOf(alignment);
    const key = `${framework}\u0000${label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    skills.push({
      label,
      framework,
      code: alignment.targetCode?.trim() || null,
      url: httpUrlOrNull(alignment.targetUrl),
    });
  }
  return skills;
}

/** The CTID (`ce-<uuid>`) of a credential alignment that points into the Credential Engine Registry, else null. */
export function ctidOf(alignment: ObAlignment): string | null {
  if (!CREDENTIAL_TARGET_TYPES.has(alignment.targetType ?? '')) return null;
  const match = CE_RESOURCE.exec(alignment.targetUrl ?? '');
  return match?.[1] ? match[1].toLowerCase() : null;
}

/** The achievement's id (scheme OB_ACHIEVEMENT), then the CTIDs of the registry credentials it aligns to. */
export function identifiersOf(achievement: ObAchievement): IdentifierRecord[] {
  const identifiers: IdentifierRecord[] = [{ scheme: 'OB_ACHIEVEMENT', value: achievement.id }];
  const ctids = (achievement.alignment ?? []).map(ctidOf).filter((ctid): ctid is string => ctid !== null);
  for (const ctid of uniqueStrings(ctids)) identifiers.push({ scheme: 'CTID', value: ctid });
  return identifiers;
}

/** Whether a `related` entry is an edition of the same achievement (the spec's meaning) rather than a part. */
export function isEdition(related: ObRelated): boolean {
  return Boolean(related.inLanguage ?? related['@language'] ?? related.version);
}

/**
 * Stacking from `related` (README "Stacking"): an entry that names a language or version is another edition,
 * RELATED; any other entry is a part of this achievement, HAS_PART. `related` is a JSON-LD set, so its order
 * carries no meaning and `order` stays null. Self-references and repeats are dropped.
 */
export function relationsOf(achievement: ObAchievement): CredentialRelationRecord[] {
  const relations: CredentialRelationRecord[] = [];
  const seen = new Set<string>();
  for (const related of achievement.related ?? []) {
    if (typeof related?.id !== 'string' || related.id === '' || related.id === achievement.id) continue;
    const type = isEdition(related) ? 'RELATED' : 'HAS_PART';
    const target = achievementCredentialId(related.id);
    if (seen.has(`${type} ${target}`)) continue;
    seen.add(`${type} ${target}`);
    relations.push({ type, target, order: null });
  }
  return relations;
}

/** An image's http(s) URL; `data:` URIs, common in Open Badges, are not URLs the catalog can show. */
export function imageUrlOf(image: ObImage | string | undefined): string | null {
  return httpUrlOrNull(typeof image === 'string' ? image : image?.id);
}

/** The achievement's language as a BCP 47 tag (`inLanguage`, or `@language` as 1EdTech's JSON Schema binds it). */
export function languageOf(achievement: ObAchievement): string | null {
  return languageTag(achievement.inLanguage ?? achievement['@language']);
}

/** The page to send people to: the human-readable criteria page when there is one, else the achievement's URL. */
export function credentialUrlOf(achievement: ObAchievement): string | null {
  return httpUrlOrNull(achievement.criteria?.id) ?? httpUrlOrNull(achievement.id);
}

/** The id of the achievement's creator, embedded or given by id; null when it names none. */
export function creatorIdOf(achievement: ObAchievement): string | null {
  const creator = achievement.creator;
  if (typeof creator === 'string') return creator || null;
  return typeof creator?.id === 'string' && creator.id ? creator.id : null;
}

/**
 * The creator as a complete Profile: the one fetched from the host when there is one, else the embedded one
 * when it carries a name, else null.
 */
export function resolveCreator(
  achievement: ObAchievement,
  profilesById: ReadonlyMap<string, ObProfile>,
): ObProfile | null {
  const creatorId = creatorIdOf(achievement);
  const fetched = creatorId === null ? undefined : profilesById.get(creatorId);
  if (fetched) return fetched;
  const embedded = achievement.creator;
  return typeof embedded === 'object' && embedded?.name?.trim() ? embedded : null;
}

/** The common issuer record for a Profile. OB says nothing of verification, so `verified` is null. */
export function issuerOf(profile: ObProfile): IssuerRecord {
  return {
    id: issuerRecordId(profile.id),
    name: profile.name?.trim() ?? '',
    url: httpUrlOrNull(profile.url),
    verified: null,
  };
}

/**
 * An OB 3.0 Achievement in the common schema. Pure: the creator Profile (see `resolveCreator`) and the fetch
 * time come in as arguments. Without a creator Profile the issuer's name stays empty, so that the feed reports
 * the record as rejected instead of inventing an issuer. OB 3.0 has no level, duration, cost or delivery mode,
 * so those stay null, and no modification time, so `updatedAt` is the fetch time.
 */
export function toCredentialRecord(
  achievement: ObAchievement,
  creator: ObProfile | null,
  fetchedAt: string,
): CredentialRecord {
  const creatorId = creatorIdOf(achievement);
  const language = languageOf(achievement);
  return {
    id: achievementCredentialId(achievement.id),
    name: typeof achievement.name === 'string' ? achievement.name.trim() : '',
    description: plainText(achievement.description),
    credentialType: credentialTypeOf(achievement.achievementType),
    sourceTypes: sourceTypesOf(achievement),
    issuer: creator
      ? issuerOf(creator)
      : { id: creatorId ? issuerRecordId(creatorId) : '', name: '', url: null, verified: null },
    provider: PROVIDER_ID,
    url: credentialUrlOf(achievement),
    image: imageUrlOf(achievement.image),
    skills: skillsOf(achievement.alignment),
    sectors: sectorsOf(achievement.fieldOfStudy),
    level: null,
    estimatedDuration: null,
    cost: null,
    deliveryMode: null,
    languages: language ? [language] : [],
    updatedAt: fetchedAt,
    provenance: {
      provider: PROVIDER_ID,
      upstreamId: achievement.id,
      url: httpUrlOrNull(achievement.id),
      fetchedAt,
      raw: achievement,
    },
    relations: relationsOf(achievement),
    identifiers: identifiersOf(achievement),
  };
}

function parseUrl(value: string | undefined): URL | null {
  try {
    return value ? new URL(value) : null;
  } catch {
    return null;
  }
}
