import {
  type CredentialRecord,
  type CredentialRelationRecord,
  type CredentialType,
  credentialId,
  type DeliveryMode,
  type IdentifierRecord,
  type IssuerRecord,
  isIsoDuration,
  LEVELS,
  type Level,
  type MoneyRecord,
  type RelationType,
  type Sector,
  type SkillAlignmentRecord,
  type SkillFramework,
} from '../../schema/index.js';
import { httpUrlOrNull, languageTag, plainText, uniqueStrings } from '../kit/index.js';
import { PROVIDER_ID } from './config.js';
import {
  alignmentCode,
  alignmentFramework,
  alignmentLabel,
  alignmentTarget,
  asArray,
  bestText,
  conceptTerm,
  conceptTerms,
  ctidOf,
} from './ctdl.js';
import type {
  ConditionProfile,
  CostProfile,
  CredentialAlignmentObject,
  CtdlCredential,
  CtdlOrganization,
  DurationProfile,
  OneOrMany,
  ResourceReference,
} from './upstream.js';

/** `registry:ctid:<ctid>`: a credential's global id. */
export function registryCredentialId(ctid: string): string {
  return credentialId(PROVIDER_ID, 'ctid', ctid);
}

/** `registry:org:<ctid>`: an issuer's id. */
export function registryOrganizationId(ctid: string): string {
  return credentialId(PROVIDER_ID, 'org', ctid);
}

/** Credential types by CTDL class term (the `@type` without `ceterms:`); README "Credential type". */
export const CLASS_TYPES: Readonly<Record<string, CredentialType>> = {
  MicroCredential: 'MICRO_CREDENTIAL',
  Badge: 'BADGE',
  DigitalBadge: 'BADGE',
  OpenBadge: 'OPEN_BADGE',
  Certificate: 'CERTIFICATE',
  AcademicCertificate: 'CERTIFICATE',
  BasicTechnicalCertificate: 'CERTIFICATE',
  ProfessionalCertificate: 'CERTIFICATE',
  ProficiencyCertificate: 'CERTIFICATE',
  PostBaccalaureateCertificate: 'CERTIFICATE',
  PostMasterCertificate: 'CERTIFICATE',
  CertificateOfCompletion: 'CERTIFICATE_OF_COMPLETION',
  CertificateOfParticipation: 'CERTIFICATE_OF_COMPLETION',
  Certification: 'CERTIFICATION',
  License: 'LICENSE',
  ApprenticeshipCertificate: 'APPRENTICESHIP_CERTIFICATE',
  PreApprenticeshipCertificate: 'APPRENTICESHIP_CERTIFICATE',
  JourneymanCertificate: 'APPRENTICESHIP_CERTIFICATE',
  MasterCertificate: 'APPRENTICESHIP_CERTIFICATE',
  Diploma: 'DIPLOMA',
  SecondarySchoolDiploma: 'DIPLOMA',
  GeneralEducationDevelopment: 'DIPLOMA',
  QualityAssuranceCredential: 'OTHER',
};

/** The common credential type of a CTDL class: the table, then the class name's ending, else OTHER. */
export function credentialTypeOf(type: string): CredentialType {
  const term = conceptTerm(type);
  const listed = CLASS_TYPES[term];
  if (listed) return listed;
  if (/(Degree|Doctorate)$/.test(term)) return 'DEGREE';
  if (/Diploma$/.test(term)) return 'DIPLOMA';
  if (/Certificate$/.test(term)) return 'CERTIFICATE';
  return 'OTHER';
}

/**
 * Whether awards of a credential are ongoing: its `credentialStatusType` is `credentialStat:Active`. A record
 * that states no status is taken as active (the registry requires one, so this is rare); any other status
 * (Deprecated, Suspended, Probationary, TeachOut, …) keeps it out of the feed.
 */
export function isActive(record: CtdlCredential): boolean {
  const statuses = conceptTerms(record['ceterms:credentialStatusType']);
  return statuses.length === 0 || statuses.includes('Active');
}

/**
 * Levels by CTDL AudienceLevel concept. Only the difficulty bands map; the academic stages (Associates,
 * Bachelors, Graduate, Secondary, Professional, …) say who a credential is for, not how hard it is within its
 * field, and map to nothing (README "Level").
 */
export const AUDIENCE_LEVELS: Readonly<Record<string, Level>> = {
  BeginnerLevel: 'INTRODUCTORY',
  IntermediateLevel: 'INTERMEDIATE',
  AdvancedLevel: 'ADVANCED',
};

/** The highest level among a record's audience levels, or null when none is a difficulty band. */
export function levelOf(record: CtdlCredential): Level | null {
  const levels = conceptTerms(record['ceterms:audienceLevelType'])
    .map((term) => AUDIENCE_LEVELS[term])
    .filter((level): level is Level => level !== undefined);
  if (levels.length === 0) return null;
  return levels.reduce((highest, level) =>
    LEVELS.indexOf(level) > LEVELS.indexOf(highest) ? level : highest,
  );
}

const DELIVERY_TYPES: Readonly<Record<string, DeliveryMode>> = {
  OnlineOnly: 'ONLINE',
  InPerson: 'IN_PERSON',
  BlendedDelivery: 'BLENDED',
};

/**
 * The delivery mode from `learningDeliveryType`: the one mode stated, or BLENDED when blended delivery is
 * stated. Online *and* in person, without blended, is a choice between two modes that the common field (one
 * value) cannot express, so it stays null; the details keep both.
 */
export function deliveryModeOf(record: CtdlCredential): DeliveryMode | null {
  const modes = new Set(
    conceptTerms(record['ceterms:learningDeliveryType'])
      .map((term) => DELIVERY_TYPES[term])
      .filter((mode): mode is DeliveryMode => mode !== undefined),
  );
  if (modes.has('BLENDED')) return 'BLENDED';
  return modes.size === 1 ? ([...modes][0] ?? null) : null;
}

/**
 * Sectors by NAICS code prefix: the longest listed prefix of a code wins (README "Sectors"). NAICS has one
 * manufacturing sector (31–33) and the common vocabulary one, ADVANCED_MANUFACTURING, so all of 31–33 maps
 * there. A code that no prefix covers maps to OTHER.
 */
export const NAICS_SECTORS: Readonly<Record<string, Sector>> = {
  '11': 'AGRICULTURE',
  '21': 'ENERGY',
  '22': 'ENERGY',
  '23': 'CONSTRUCTION',
  '31': 'ADVANCED_MANUFACTURING',
  '32': 'ADVANCED_MANUFACTURING',
  '33': 'ADVANCED_MANUFACTURING',
  '42': 'BUSINESS',
  '44': 'BUSINESS',
  '45': 'BUSINESS',
  '446': 'HEALTHCARE',
  '4561': 'HEALTHCARE',
  '48': 'LOGISTICS',
  '49': 'LOGISTICS',
  '51': 'TECHNOLOGY',
  '5111': 'ARTS_AND_MEDIA',
  '5131': 'ARTS_AND_MEDIA',
  '512': 'ARTS_AND_MEDIA',
  '515': 'ARTS_AND_MEDIA',
  '516': 'ARTS_AND_MEDIA',
  '52': 'FINANCE',
  '53': 'BUSINESS',
  '54': 'BUSINESS',
  '5415': 'TECHNOLOGY',
  '55': 'BUSINESS',
  '56': 'BUSINESS',
  '61': 'EDUCATION',
  '62': 'HEALTHCARE',
  '624': 'PUBLIC_SERVICE',
  '71': 'ARTS_AND_MEDIA',
  '713': 'HOSPITALITY',
  '72': 'HOSPITALITY',
  '81': 'OTHER',
  '92': 'PUBLIC_SERVICE',
};

/** The sector of one NAICS code (2 to 6 digits), or OTHER. */
export function sectorOfNaics(code: string): Sector {
  for (let length = Math.min(code.length, 6); length >= 2; length -= 1) {
    const sector = NAICS_SECTORS[code.slice(0, length)];
    if (sector) return sector;
  }
  return 'OTHER';
}

/** A record's NAICS codes: the coded industry alignments, and the older bare `ceterms:naics` list. */
export function naicsCodesOf(record: CtdlCredential): string[] {
  const coded = asArray(record['ceterms:industryType'])
    .map((industry) => alignmentCode(industry))
    .filter((code): code is string => code !== null);
  const bare = asArray(record['ceterms:naics']).filter((code): code is string => typeof code === 'string');
  return uniqueStrings(
    [...coded, ...bare].map((code) => code.trim()).filter((code) => /^\d{2,6}$/.test(code)),
  );
}

/** Sectors for a record's industries, duplicates removed; empty when it names no NAICS industry. */
export function sectorsOf(record: CtdlCredential): Sector[] {
  return uniqueStrings(naicsCodesOf(record).map(sectorOfNaics)) as Sector[];
}

/**
 * Effort as an ISO 8601 duration: the first duration profile that states an exact duration or a maximum.
 * A minimum alone is only a lower bound, so it gives nothing, lest "at most N hours" admit a longer credential.
 * Calendar durations (`P6M`) are kept as the publisher wrote them; the common schema converts them to hours
 * by its own convention.
 */
export function durationOf(profiles: OneOrMany<DurationProfile> | undefined): string | null {
  for (const profile of asArray(profiles)) {
    for (const value of [profile['ceterms:exactDuration'], profile['ceterms:maximumDuration']]) {
      if (typeof value === 'string' && isIsoDuration(value.trim())) return value.trim();
    }
  }
  return null;
}

/**
 * The cost of earning a credential (README "Cost"):
 * 1. A cost profile typed `costType:AggregateCost` states the total; with several, the highest counts.
 * 2. Otherwise profiles of different cost types (tuition, application fee, …) are parts of the total and add
 *    up, while profiles of the same type are alternatives (in-state or out-of-state tuition), of which the
 *    highest counts.
 * Profiles without a usable price or currency are ignored; prices in more than one currency give null rather
 * than a sum that means nothing.
 */
export function costOf(profiles: OneOrMany<CostProfile> | undefined): MoneyRecord | null {
  const priced = asArray(profiles).flatMap((profile) => {
    const price =
      typeof profile['ceterms:price'] === 'string'
        ? Number(profile['ceterms:price'])
        : profile['ceterms:price'];
    const currency = profile['ceterms:currency']?.trim().toUpperCase();
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) return [];
    if (!currency || !/^[A-Z]{3}$/.test(currency)) return [];
    const types = conceptTerms(profile['ceterms:directCostType']);
    return [{ price, currency, types }];
  });
  if (priced.length === 0) return null;
  const currencies = new Set(priced.map((item) => item.currency));
  if (currencies.size > 1) return null;
  const currency = priced[0]!.currency;
  const aggregate = priced.filter((item) => item.types.includes('AggregateCost'));
  if (aggregate.length > 0)
    return { amount: roundCents(Math.max(...aggregate.map((item) => item.price))), currency };
  const highestByType = new Map<string, number>();
  for (const item of priced) {
    const key = [...item.types].sort().join('+') || 'unspecified';
    highestByType.set(key, Math.max(highestByType.get(key) ?? 0, item.price));
  }
  const total = [...highestByType.values()].reduce((sum, price) => sum + price, 0);
  return { amount: roundCents(total), currency };
}

function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/**
 * Which framework an alignment points into, from its framework name and URIs: O*NET, ESCO and Lightcast by
 * name or host; a competency published in a registry (`…/resources/ce-…`) is CTDL-ASN; anything else, such as
 * a bare label, is the publisher's own (PROVIDER). O*NET is tested first because O*NET publishes its skills in
 * CTDL-ASN too.
 */
export function skillFrameworkOf(alignment: CredentialAlignmentObject): SkillFramework {
  const framework = alignmentFramework(alignment) ?? '';
  const target = alignmentTarget(alignment) ?? '';
  const haystack =
    `${bestText(alignment['ceterms:frameworkName']) ?? ''} ${framework} ${target}`.toLowerCase();
  if (/o\*net|onetcenter\.org|onetonline\.org/.test(haystack)) return 'ONET';
  if (/\besco\b|data\.europa\.eu\/esco/.test(haystack)) return 'ESCO';
  if (/lightcast|emsi/.test(haystack)) return 'LIGHTCAST';
  const inRegistry = /\/(resources|graph)\/ce-[0-9a-f-]{36}/i;
  if (inRegistry.test(framework) || inRegistry.test(target) || alignment['@type'] === 'ceasn:Competency')
    return 'CTDL_ASN';
  return 'PROVIDER';
}

/** One competency alignment as a skill; labels verbatim, code and URL kept when given. */
export function skillOf(alignment: CredentialAlignmentObject): SkillAlignmentRecord | null {
  const label = alignmentLabel(alignment);
  if (!label) return null;
  const framework = skillFrameworkOf(alignment);
  const target = httpUrlOrNull(alignmentTarget(alignment));
  // ESCO identifies a skill by its URI alone, so that URI is its code too.
  const code = alignmentCode(alignment) ?? (framework === 'ESCO' ? target : null);
  return { label, framework, code, url: target };
}

/**
 * Skills: the competencies a credential's `requires` condition profiles target (what an earner must
 * demonstrate), duplicates removed. Keywords and subjects are not skills and are left to the details.
 */
export function skillsOf(record: CtdlCredential): SkillAlignmentRecord[] {
  const skills: SkillAlignmentRecord[] = [];
  const seen = new Set<string>();
  for (const condition of asArray(record['ceterms:requires'])) {
    for (const alignment of asArray(condition['ceterms:targetCompetency'])) {
      const skill = skillOf(alignment);
      const key = skill && `${skill.framework}\u0000${skill.label.toLowerCase()}\u0000${skill.code ?? ''}`;
      if (!skill || !key || seen.has(key)) continue;
      seen.add(key);
      skills.push(skill);
    }
  }
  return skills;
}

/** Connection properties that become relations, with the relation each states. */
const CONDITION_RELATIONS: ReadonlyArray<[keyof CtdlCredential, RelationType]> = [
  ['ceterms:isPreparationFor', 'PREPARES_FOR'],
  ['ceterms:preparationFrom', 'PREPARED_BY'],
  ['ceterms:requires', 'REQUIRES'],
];

/**
 * Stacking as the record states it: `hasPart` / `isPartOf` (lists of credential URIs) and the credentials
 * targeted by `isPreparationFor`, `preparationFrom` and `requires`. Targets are `registry:ctid:<ctid>`; a
 * reference without a CTID (a blank node, a resource outside the registry) cannot name a catalog credential
 * and is left out. CTDL gives parts no order, so `order` is null.
 */
export function relationsOf(record: CtdlCredential): CredentialRelationRecord[] {
  const own = ctidOf(record['ceterms:ctid']) ?? '';
  const relations: CredentialRelationRecord[] = [];
  const seen = new Set<string>();
  const add = (type: RelationType, references: OneOrMany<ResourceReference> | undefined) => {
    for (const reference of asArray(references)) {
      const ctid = ctidOf(reference);
      if (!ctid || ctid === own || seen.has(`${type} ${ctid}`)) continue;
      seen.add(`${type} ${ctid}`);
      relations.push({ type, target: registryCredentialId(ctid), order: null });
    }
  };
  add('HAS_PART', record['ceterms:hasPart']);
  add('IS_PART_OF', record['ceterms:isPartOf']);
  for (const [property, type] of CONDITION_RELATIONS) {
    for (const condition of asArray(record[property] as OneOrMany<ConditionProfile> | undefined)) {
      add(type, condition['ceterms:targetCredential']);
    }
  }
  return relations;
}

/** The CTID, shared with every other provider that publishes the same credential, plus `sameAs` URLs. */
export function identifiersOf(record: CtdlCredential, ctid: string): IdentifierRecord[] {
  const identifiers: IdentifierRecord[] = ctid ? [{ scheme: 'CTID', value: ctid }] : [];
  for (const same of asArray(record['ceterms:sameAs'])) {
    const url = httpUrlOrNull(same);
    if (url && !identifiers.some((identifier) => identifier.value === url))
      identifiers.push({ scheme: 'URL', value: url });
  }
  return identifiers;
}

/** The organization that issues the credential: the first owner, else the first offering organization. */
export function issuerReferenceOf(record: CtdlCredential): ResourceReference | null {
  return asArray(record['ceterms:ownedBy'])[0] ?? asArray(record['ceterms:offeredBy'])[0] ?? null;
}

/**
 * The issuer, looked up among the fetched organizations by CTID. An organization described inline rather than
 * referenced keeps its own name, with its web page standing in for a CTID in the id. When the organization
 * cannot be found the name stays empty, so that the feed reports the record as rejected instead of inventing
 * an issuer.
 */
export function issuerOf(
  record: CtdlCredential,
  organizationsByCtid: ReadonlyMap<string, CtdlOrganization>,
): IssuerRecord {
  const reference = issuerReferenceOf(record);
  const ctid = ctidOf(reference);
  if (ctid) {
    const organization = organizationsByCtid.get(ctid);
    return {
      id: registryOrganizationId(ctid),
      name: bestText(organization?.['ceterms:name']) ?? '',
      url: httpUrlOrNull(organization?.['ceterms:subjectWebpage']),
      verified: null,
    };
  }
  const inline = typeof reference === 'object' && reference !== null ? reference : null;
  const page = httpUrlOrNull(inline?.['ceterms:subjectWebpage']);
  return {
    id: page ? registryOrganizationId(page) : '',
    name: bestText(inline?.['ceterms:name']) ?? '',
    url: page,
    verified: null,
  };
}

/**
 * A CTDL credential record in the common schema. Pure: the organizations and the fetch time come in as
 * arguments. Malformed records become records the feed rejects with reasons, never exceptions.
 */
export function toCredentialRecord(
  record: CtdlCredential,
  organizationsByCtid: ReadonlyMap<string, CtdlOrganization>,
  fetchedAt: string,
): CredentialRecord {
  const ctid = ctidOf(record['ceterms:ctid']) ?? '';
  const type = typeof record['@type'] === 'string' ? record['@type'] : '';
  const url = httpUrlOrNull(record['ceterms:subjectWebpage']);
  return {
    id: registryCredentialId(ctid),
    name: bestText(record['ceterms:name']) ?? '',
    description: plainText(bestText(record['ceterms:description'])),
    credentialType: credentialTypeOf(type),
    sourceTypes: type ? [type] : [],
    issuer: issuerOf(record, organizationsByCtid),
    provider: PROVIDER_ID,
    url,
    image: httpUrlOrNull(record['ceterms:image']),
    skills: skillsOf(record),
    sectors: sectorsOf(record),
    level: levelOf(record),
    estimatedDuration: durationOf(record['ceterms:estimatedDuration']),
    cost: costOf(record['ceterms:estimatedCost']),
    deliveryMode: deliveryModeOf(record),
    languages: uniqueStrings(
      asArray(record['ceterms:inLanguage'])
        .map(languageTag)
        .filter((tag): tag is string => tag !== null),
    ),
    // A registry record carries no modification time of its own, so a record is as fresh as its fetch.
    updatedAt: fetchedAt,
    provenance: {
      provider: PROVIDER_ID,
      upstreamId: ctid,
      url: httpUrlOrNull(record['@id']),
      fetchedAt,
      raw: record,
    },
    relations: relationsOf(record),
    identifiers: identifiersOf(record, ctid),
  };
}
