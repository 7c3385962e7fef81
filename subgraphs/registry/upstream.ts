/**
 * The Credential Engine Registry as it answers: CTDL JSON-LD records and the search API's envelope, with no
 * interpretation. JSON-LD lets most properties arrive as one value or a list, and records published by
 * different tools differ in which optional properties they carry, so nearly everything here is optional and
 * may be single or plural (`OneOrMany`).
 */

export type OneOrMany<T> = T | readonly T[];

/** A CTDL language map: `{"en-US": "Cybersecurity"}`; keyword maps hold lists (`{"en-US": ["a", "b"]}`). */
export type LanguageMap = Readonly<Record<string, string | readonly string[]>>;

/** Text as CTDL publishers write it: a language map, or (in older records) a plain string. */
export type LanguageText = string | LanguageMap;

/**
 * A reference to another registry resource: its URI (`https://credentialengineregistry.org/resources/ce-…`),
 * or an embedded description of it (an organization or credential outside the registry, or a blank node).
 */
export type ResourceReference =
  | string
  | {
      '@id'?: string;
      '@type'?: string;
      'ceterms:ctid'?: string;
      'ceterms:name'?: LanguageText;
      'ceterms:subjectWebpage'?: string;
    };

/** A pointer into a framework: a concept (`audLevel:BeginnerLevel`), an occupation, industry or competency. */
export interface CredentialAlignmentObject {
  '@type'?: string;
  'ceterms:framework'?: string;
  'ceterms:frameworkName'?: LanguageText;
  'ceterms:targetNode'?: string;
  'ceterms:targetNodeName'?: LanguageText;
  'ceterms:targetNodeDescription'?: LanguageText;
  /** A code within the framework: a SOC code (`15-1212`), a NAICS code (`541512`), an O*NET element id. */
  'ceterms:codedNotation'?: string;
  /** CTDL-ASN terms, when a competency is embedded rather than aligned to. */
  'ceasn:competencyLabel'?: LanguageText;
  'ceasn:competencyText'?: LanguageText;
  'ceasn:codedNotation'?: string;
  'ceasn:isPartOf'?: string;
  '@id'?: string;
}

/** A concept as CTDL writes it: an alignment object, or (in some records) its bare `prefix:Term`. */
export type ConceptValue = string | CredentialAlignmentObject;

export interface DurationProfile {
  '@type'?: string;
  /** ISO 8601 durations: `PT40H`, `P3M`. */
  'ceterms:exactDuration'?: string;
  'ceterms:minimumDuration'?: string;
  'ceterms:maximumDuration'?: string;
  'ceterms:description'?: LanguageText;
}

export interface CostProfile {
  '@type'?: string;
  /** A number, though some publishers write it as a string (`"350.00"`). */
  'ceterms:price'?: number | string;
  /** ISO 4217: `USD`. */
  'ceterms:currency'?: string;
  /** `costType:AggregateCost`, `costType:Tuition`, `costType:Application`, … */
  'ceterms:directCostType'?: OneOrMany<ConceptValue>;
  'ceterms:description'?: LanguageText;
  'ceterms:name'?: LanguageText;
  'ceterms:costDetails'?: string;
}

/** The connection properties' profile: what a credential requires, prepares for, and so on. */
export interface ConditionProfile {
  '@type'?: string;
  'ceterms:name'?: LanguageText;
  'ceterms:description'?: LanguageText;
  'ceterms:targetCredential'?: OneOrMany<ResourceReference>;
  'ceterms:targetAssessment'?: OneOrMany<ResourceReference>;
  'ceterms:targetLearningOpportunity'?: OneOrMany<ResourceReference>;
  'ceterms:targetCompetency'?: OneOrMany<CredentialAlignmentObject>;
}

/** The ConditionProfile-valued connection properties of a credential, in CTDL's own names. */
export const CONNECTION_PROPERTIES = [
  'requires',
  'recommends',
  'corequisite',
  'isPreparationFor',
  'preparationFrom',
  'isRequiredFor',
  'isRecommendedFor',
  'isAdvancedStandingFor',
  'advancedStandingFrom',
] as const;
export type ConnectionProperty = (typeof CONNECTION_PROPERTIES)[number];

/** A credential record (`ceterms:Credential` or one of its subclasses), as `/resources/{ctid}` serves it. */
export interface CtdlCredential {
  '@context'?: unknown;
  '@id'?: string;
  /** `ceterms:MicroCredential`, `ceterms:Certification`, `ceterms:BachelorDegree`, … */
  '@type': string;
  'ceterms:ctid': string;
  'ceterms:name'?: LanguageText;
  'ceterms:description'?: LanguageText;
  'ceterms:ownedBy'?: OneOrMany<ResourceReference>;
  'ceterms:offeredBy'?: OneOrMany<ResourceReference>;
  'ceterms:accreditedBy'?: OneOrMany<ResourceReference>;
  'ceterms:approvedBy'?: OneOrMany<ResourceReference>;
  'ceterms:recognizedBy'?: OneOrMany<ResourceReference>;
  'ceterms:regulatedBy'?: OneOrMany<ResourceReference>;
  'ceterms:subjectWebpage'?: string;
  'ceterms:image'?: string;
  'ceterms:inLanguage'?: OneOrMany<string>;
  'ceterms:dateEffective'?: string;
  'ceterms:credentialStatusType'?: OneOrMany<ConceptValue>;
  'ceterms:audienceLevelType'?: OneOrMany<ConceptValue>;
  'ceterms:learningDeliveryType'?: OneOrMany<ConceptValue>;
  'ceterms:estimatedDuration'?: OneOrMany<DurationProfile>;
  'ceterms:estimatedCost'?: OneOrMany<CostProfile>;
  'ceterms:occupationType'?: OneOrMany<CredentialAlignmentObject>;
  'ceterms:industryType'?: OneOrMany<CredentialAlignmentObject>;
  /** Bare NAICS codes, an older alternative to `industryType`. */
  'ceterms:naics'?: OneOrMany<string>;
  'ceterms:keyword'?: LanguageText;
  'ceterms:subject'?: OneOrMany<ConceptValue>;
  'ceterms:hasPart'?: OneOrMany<ResourceReference>;
  'ceterms:isPartOf'?: OneOrMany<ResourceReference>;
  'ceterms:requires'?: OneOrMany<ConditionProfile>;
  'ceterms:recommends'?: OneOrMany<ConditionProfile>;
  'ceterms:corequisite'?: OneOrMany<ConditionProfile>;
  'ceterms:isPreparationFor'?: OneOrMany<ConditionProfile>;
  'ceterms:preparationFrom'?: OneOrMany<ConditionProfile>;
  'ceterms:isRequiredFor'?: OneOrMany<ConditionProfile>;
  'ceterms:isRecommendedFor'?: OneOrMany<ConditionProfile>;
  'ceterms:isAdvancedStandingFor'?: OneOrMany<ConditionProfile>;
  'ceterms:advancedStandingFrom'?: OneOrMany<ConditionProfile>;
  'ceterms:sameAs'?: OneOrMany<string>;
  [term: string]: unknown;
}

/** An organization record (`ceterms:CredentialOrganization`, `ceterms:QACredentialOrganization`). */
export interface CtdlOrganization {
  '@context'?: unknown;
  '@id'?: string;
  '@type': string;
  'ceterms:ctid': string;
  'ceterms:name'?: LanguageText;
  'ceterms:description'?: LanguageText;
  'ceterms:subjectWebpage'?: string;
  [term: string]: unknown;
}

/** The body of `POST assistant/search/ctdl`. */
export interface SearchRequest {
  /** A CTDL query: terms to match, e.g. `{"@type": ["ceterms:Certification", …]}`. */
  Query: Record<string, unknown>;
  Skip: number;
  Take: number;
  /** `^search:relevance` (descending), `search:recordCreated`, `^search:recordUpdated`, … */
  Sort: string;
  /** `Resource`: the matching records only. */
  DescriptionSetType: string;
}

/**
 * The assistant's envelope. A refused or invalid request answers `valid: false` with `messages` (and, for a
 * refused key, HTTP 401); `extra.TotalResults` counts every match, not just this page.
 */
export interface SearchEnvelope<T> {
  data: T[] | null;
  valid: boolean;
  status?: string;
  messages?: string[];
  extra?: {
    TotalResults?: number;
    RelatedItemsMap?: unknown;
    RelatedItems?: unknown;
  };
}

/**
 * The CTDL credential classes the feed asks for: the range of `ceterms:credentialType`, i.e. the subclasses of
 * `ceterms:Credential`. The search API matches `@type` exactly, so the abstract `ceterms:Credential` alone
 * would find nothing.
 */
export const CREDENTIAL_CLASSES = [
  'ceterms:AcademicCertificate',
  'ceterms:ApprenticeshipCertificate',
  'ceterms:AssociateDegree',
  'ceterms:BachelorDegree',
  'ceterms:Badge',
  'ceterms:BasicTechnicalCertificate',
  'ceterms:Certificate',
  'ceterms:CertificateOfCompletion',
  'ceterms:CertificateOfParticipation',
  'ceterms:Certification',
  'ceterms:Degree',
  'ceterms:DigitalBadge',
  'ceterms:Diploma',
  'ceterms:DoctoralDegree',
  'ceterms:GeneralEducationDevelopment',
  'ceterms:GeneralEducationLevel1Certificate',
  'ceterms:GeneralEducationLevel2Certificate',
  'ceterms:HigherEducationLevel1Certificate',
  'ceterms:HigherEducationLevel2Certificate',
  'ceterms:JourneymanCertificate',
  'ceterms:License',
  'ceterms:MasterCertificate',
  'ceterms:MasterDegree',
  'ceterms:MicroCredential',
  'ceterms:OpenBadge',
  'ceterms:PostBaccalaureateCertificate',
  'ceterms:PostMasterCertificate',
  'ceterms:PreApprenticeshipCertificate',
  'ceterms:ProfessionalCertificate',
  'ceterms:ProfessionalDoctorate',
  'ceterms:ProficiencyCertificate',
  'ceterms:QualityAssuranceCredential',
  'ceterms:ResearchDoctorate',
  'ceterms:SecondaryEducationCertificate',
  'ceterms:SecondarySchoolDiploma',
  'ceterms:TechnicalLevel1Certificate',
  'ceterms:TechnicalLevel2Certificate',
  'ceterms:TechnicalLevel3Certificate',
  'ceterms:WorkBasedLearningCertificate',
] as const;
