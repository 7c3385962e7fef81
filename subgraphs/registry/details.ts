import {
  alignmentCode,
  alignmentFramework,
  alignmentLabel,
  alignmentTarget,
  asArray,
  bestText,
  bestTexts,
  conceptOf,
  ctidOf,
  type LanguageString,
  languageStrings,
  uriOf,
} from './ctdl.js';
import {
  CONNECTION_PROPERTIES,
  type ConceptValue,
  type ConditionProfile,
  type CredentialAlignmentObject,
  type CtdlCredential,
  type CtdlOrganization,
  type OneOrMany,
  type ResourceReference,
} from './upstream.js';

/** The GraphQL name of the registry's field type on `Credential`. */
export const DETAILS_TYPE_NAME = 'CtdlRecord';

/**
 * Live, raw details of a registry credential in CTDL's own terms. Types are prefixed `Ctdl` so that they never
 * collide with another subgraph's in the supergraph.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""A credential as the Credential Engine Registry publishes it in CTDL, live from the registry, in CTDL's terms."""
type CtdlRecord {
  "The Credential Transparency Identifier, ce-<uuid>."
  ctid: ID!
  "The record's URI in the registry (its @id)."
  uri: String
  "The CTDL class, e.g. ceterms:MicroCredential or ceterms:Certification."
  type: String!
  "The name in the best available English (en-US, en, other English, then the first language given)."
  name: String
  "The name in every language the publisher gave."
  names: [CtdlText!]!
  description: String
  descriptions: [CtdlText!]!
  "credentialStat:Active, credentialStat:Deprecated, credentialStat:Suspended, …"
  status: String
  subjectWebpage: String
  image: String
  "Language codes as published, e.g. en, es."
  inLanguage: [String!]!
  dateEffective: String
  "Keywords in the preferred language; not skills."
  keywords: [String!]!
  subjects: [String!]!
  "audLevel:BeginnerLevel, audLevel:BachelorsDegreeLevel, …"
  audienceLevels: [CtdlConcept!]!
  "deliveryType:OnlineOnly, deliveryType:InPerson, deliveryType:BlendedDelivery"
  deliveryTypes: [CtdlConcept!]!
  ownedBy: [CtdlOrganization!]!
  offeredBy: [CtdlOrganization!]!
  accreditedBy: [CtdlOrganization!]!
  durations: [CtdlDuration!]!
  costs: [CtdlCost!]!
  "Occupations, usually SOC codes."
  occupations: [CtdlAlignment!]!
  "Industries, usually NAICS codes."
  industries: [CtdlAlignment!]!
  "Competencies targeted by the record's condition profiles, with the connection that states each."
  competencies: [CtdlAlignment!]!
  "Every connection to another resource: parts, wholes, requirements, preparation, …"
  connections: [CtdlConnection!]!
  "URIs of the same credential described elsewhere."
  sameAs: [String!]!
  "The record exactly as the registry served it: CTDL JSON-LD, as a JSON string."
  raw: String!
}

"""A string of a CTDL language map, with its language tag (und when the publisher gave none)."""
type CtdlText {
  language: String!
  value: String!
}

"""A concept from a CTDL concept scheme, as the record names it."""
type CtdlConcept {
  "The concept, e.g. audLevel:BeginnerLevel."
  concept: String!
  name: String
  framework: String
}

"""An organization a credential refers to, looked up in the registry where it has a CTID."""
type CtdlOrganization {
  ctid: ID
  uri: String
  "ceterms:CredentialOrganization or ceterms:QACredentialOrganization; null when it could not be looked up."
  type: String
  name: String
  subjectWebpage: String
}

"""A CTDL DurationProfile: ISO 8601 durations as published."""
type CtdlDuration {
  exactDuration: String
  minimumDuration: String
  maximumDuration: String
  description: String
}

"""A CTDL CostProfile."""
type CtdlCost {
  price: Float
  currency: String
  "costType:AggregateCost, costType:Tuition, costType:Application, …"
  directCostTypes: [String!]!
  name: String
  description: String
  costDetails: String
}

"""A CTDL CredentialAlignmentObject: a pointer into an occupation, industry or competency framework."""
type CtdlAlignment {
  name: String
  codedNotation: String
  targetNode: String
  framework: String
  frameworkName: String
  "For competencies: the connection property whose condition profile targets it, e.g. requires."
  property: String
}

"""A connection from the record to another resource."""
type CtdlConnection {
  "hasPart, isPartOf, requires, recommends, corequisite, isPreparationFor, preparationFrom, isRequiredFor, …"
  property: String!
  "credential, assessment or learningOpportunity."
  targetKind: String!
  ctid: ID
  uri: String
  "The name of a target described inline rather than referenced."
  name: String
  "The condition profile's name or description, for connections stated through one."
  condition: String
}
`;

export interface CtdlConceptDetails {
  concept: string;
  name: string | null;
  framework: string | null;
}

export interface CtdlOrganizationDetails {
  ctid: string | null;
  uri: string | null;
  type: string | null;
  name: string | null;
  subjectWebpage: string | null;
}

export interface CtdlDurationDetails {
  exactDuration: string | null;
  minimumDuration: string | null;
  maximumDuration: string | null;
  description: string | null;
}

export interface CtdlCostDetails {
  price: number | null;
  currency: string | null;
  directCostTypes: string[];
  name: string | null;
  description: string | null;
  costDetails: string | null;
}

export interface CtdlAlignmentDetails {
  name: string | null;
  codedNotation: string | null;
  targetNode: string | null;
  framework: string | null;
  frameworkName: string | null;
  property: string | null;
}

export interface CtdlConnectionDetails {
  property: string;
  targetKind: 'credential' | 'assessment' | 'learningOpportunity';
  ctid: string | null;
  uri: string | null;
  name: string | null;
  condition: string | null;
}

export interface CtdlRecordDetails {
  ctid: string;
  uri: string | null;
  type: string;
  name: string | null;
  names: LanguageString[];
  description: string | null;
  descriptions: LanguageString[];
  status: string | null;
  subjectWebpage: string | null;
  image: string | null;
  inLanguage: string[];
  dateEffective: string | null;
  keywords: string[];
  subjects: string[];
  audienceLevels: CtdlConceptDetails[];
  deliveryTypes: CtdlConceptDetails[];
  ownedBy: CtdlOrganizationDetails[];
  offeredBy: CtdlOrganizationDetails[];
  accreditedBy: CtdlOrganizationDetails[];
  durations: CtdlDurationDetails[];
  costs: CtdlCostDetails[];
  occupations: CtdlAlignmentDetails[];
  industries: CtdlAlignmentDetails[];
  competencies: CtdlAlignmentDetails[];
  connections: CtdlConnectionDetails[];
  sameAs: string[];
  raw: string;
}

/** Every organization CTID a record refers to (owners, offerers, accreditors), for one batched lookup. */
export function organizationCtidsOf(record: CtdlCredential): string[] {
  return [
    ...asArray(record['ceterms:ownedBy']),
    ...asArray(record['ceterms:offeredBy']),
    ...asArray(record['ceterms:accreditedBy']),
  ]
    .map(ctidOf)
    .filter((ctid): ctid is string => ctid !== null);
}

/** The details of a credential record, with its organizations looked up by CTID where they were found. */
export function toDetails(
  record: CtdlCredential,
  organizationsByCtid: ReadonlyMap<string, CtdlOrganization>,
): CtdlRecordDetails {
  const organizations = (references: OneOrMany<ResourceReference> | undefined) =>
    asArray(references).map((reference) => organizationDetails(reference, organizationsByCtid));
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  return {
    ctid: ctidOf(record['ceterms:ctid']) ?? String(record['ceterms:ctid']),
    uri: text(record['@id']),
    type: String(record['@type']),
    name: bestText(record['ceterms:name']),
    names: languageStrings(record['ceterms:name']),
    description: bestText(record['ceterms:description']),
    descriptions: languageStrings(record['ceterms:description']),
    status: conceptOf(asArray(record['ceterms:credentialStatusType'])[0]),
    subjectWebpage: text(record['ceterms:subjectWebpage']),
    image: text(record['ceterms:image']),
    inLanguage: asArray(record['ceterms:inLanguage']).filter((tag): tag is string => typeof tag === 'string'),
    dateEffective: text(record['ceterms:dateEffective']),
    keywords: bestTexts(record['ceterms:keyword']),
    subjects: asArray(record['ceterms:subject'])
      .map((subject) => (typeof subject === 'string' ? subject : alignmentLabel(subject)))
      .filter((subject): subject is string => subject !== null),
    audienceLevels: concepts(record['ceterms:audienceLevelType']),
    deliveryTypes: concepts(record['ceterms:learningDeliveryType']),
    ownedBy: organizations(record['ceterms:ownedBy']),
    offeredBy: organizations(record['ceterms:offeredBy']),
    accreditedBy: organizations(record['ceterms:accreditedBy']),
    durations: asArray(record['ceterms:estimatedDuration']).map((profile) => ({
      exactDuration: text(profile['ceterms:exactDuration']),
      minimumDuration: text(profile['ceterms:minimumDuration']),
      maximumDuration: text(profile['ceterms:maximumDuration']),
      description: bestText(profile['ceterms:description']),
    })),
    costs: asArray(record['ceterms:estimatedCost']).map((profile) => {
      const price = Number(profile['ceterms:price']);
      return {
        price: profile['ceterms:price'] === undefined || !Number.isFinite(price) ? null : price,
        currency: text(profile['ceterms:currency']),
        directCostTypes: concepts(profile['ceterms:directCostType']).map((concept) => concept.concept),
        name: bestText(profile['ceterms:name']),
        description: bestText(profile['ceterms:description']),
        costDetails: text(profile['ceterms:costDetails']),
      };
    }),
    occupations: asArray(record['ceterms:occupationType']).map((alignment) =>
      alignmentDetails(alignment, null),
    ),
    industries: [
      ...asArray(record['ceterms:industryType']).map((alignment) => alignmentDetails(alignment, null)),
      ...asArray(record['ceterms:naics']).map((code) =>
        alignmentDetails({ 'ceterms:codedNotation': code }, null),
      ),
    ],
    competencies: CONNECTION_PROPERTIES.flatMap((property) =>
      conditions(record, property).flatMap((condition) =>
        asArray(condition['ceterms:targetCompetency']).map((alignment) =>
          alignmentDetails(alignment, property),
        ),
      ),
    ),
    connections: connectionsOf(record),
    sameAs: asArray(record['ceterms:sameAs']).filter((uri): uri is string => typeof uri === 'string'),
    raw: JSON.stringify(record),
  };
}

function conditions(record: CtdlCredential, property: string): ConditionProfile[] {
  return asArray(record[`ceterms:${property}`] as OneOrMany<ConditionProfile> | undefined);
}

function concepts(values: OneOrMany<ConceptValue> | undefined): CtdlConceptDetails[] {
  return asArray(values).flatMap((value) => {
    const concept = conceptOf(value);
    if (!concept) return [];
    const alignment = typeof value === 'string' ? null : value;
    return [
      {
        concept,
        name: alignment ? bestText(alignment['ceterms:targetNodeName']) : null,
        framework: alignment ? alignmentFramework(alignment) : null,
      },
    ];
  });
}

function alignmentDetails(
  alignment: CredentialAlignmentObject,
  property: string | null,
): CtdlAlignmentDetails {
  return {
    name: alignmentLabel(alignment),
    codedNotation: alignmentCode(alignment),
    targetNode: alignmentTarget(alignment),
    framework: alignmentFramework(alignment),
    frameworkName: bestText(alignment['ceterms:frameworkName']),
    property,
  };
}

function organizationDetails(
  reference: ResourceReference,
  organizationsByCtid: ReadonlyMap<string, CtdlOrganization>,
): CtdlOrganizationDetails {
  const ctid = ctidOf(reference);
  const found = ctid ? organizationsByCtid.get(ctid) : undefined;
  const inline = typeof reference === 'object' && reference !== null ? reference : null;
  const page = found?.['ceterms:subjectWebpage'] ?? inline?.['ceterms:subjectWebpage'];
  return {
    ctid,
    uri: uriOf(reference),
    type: found?.['@type'] ?? inline?.['@type'] ?? null,
    name: bestText(found?.['ceterms:name']) ?? bestText(inline?.['ceterms:name']),
    subjectWebpage: typeof page === 'string' ? page : null,
  };
}

function connectionsOf(record: CtdlCredential): CtdlConnectionDetails[] {
  const connections: CtdlConnectionDetails[] = [];
  const push = (
    property: string,
    targetKind: CtdlConnectionDetails['targetKind'],
    references: OneOrMany<ResourceReference> | undefined,
    condition: string | null,
  ) => {
    for (const reference of asArray(references)) {
      const inline = typeof reference === 'object' && reference !== null ? reference : null;
      connections.push({
        property,
        targetKind,
        ctid: ctidOf(reference),
        uri: uriOf(reference),
        name: bestText(inline?.['ceterms:name']),
        condition,
      });
    }
  };
  push('hasPart', 'credential', record['ceterms:hasPart'], null);
  push('isPartOf', 'credential', record['ceterms:isPartOf'], null);
  for (const property of CONNECTION_PROPERTIES) {
    for (const condition of conditions(record, property)) {
      const said = bestText(condition['ceterms:name']) ?? bestText(condition['ceterms:description']);
      push(property, 'credential', condition['ceterms:targetCredential'], said);
      push(property, 'assessment', condition['ceterms:targetAssessment'], said);
      push(property, 'learningOpportunity', condition['ceterms:targetLearningOpportunity'], said);
    }
  }
  return connections;
}
