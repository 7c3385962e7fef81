import { IDENTIFIER_SCHEMES } from './records.js';
import {
  CREDENTIAL_TYPES,
  DELIVERY_MODES,
  LEVELS,
  PROVIDER_KINDS,
  SECTORS,
  SKILL_FRAMEWORKS,
} from './vocabulary.js';

/** The Federation version every credgraph subgraph links; one value so that all subgraphs compose alike. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.7';

const enumBlock = (name: string, description: string, values: readonly string[]) =>
  `"""${description}"""\nenum ${name} {\n${values.map((value) => `  ${value}`).join('\n')}\n}`;

/**
 * The common credential schema v1, as SDL. The catalog subgraph serves it; provider subgraphs only
 * reference `Credential` by key. Field names here are the public API that frontends rely on.
 */
export const commonTypeDefs = /* GraphQL */ `
"""An ISO 8601 duration, e.g. "PT40H" or "P3M"."""
scalar Duration
"""An ISO 8601 date-time, e.g. "2026-01-31T12:00:00Z"."""
scalar DateTime
"""An ISO 4217 alphabetic currency code, e.g. "USD"."""
scalar CurrencyCode
"""An absolute http(s) URL."""
scalar URL

${enumBlock('CredentialType', 'What kind of credential this is (Open Badges 3.0 achievementType, CTDL class, provider category).', CREDENTIAL_TYPES)}

${enumBlock('Level', 'Level band, from EQF, CTDL audienceLevelType and providers\u2019 own levels.', LEVELS)}

${enumBlock('Sector', 'Economic sector the credential serves.', SECTORS)}

${enumBlock('DeliveryMode', 'How the learning or assessment is delivered.', DELIVERY_MODES)}

${enumBlock('ProviderKind', 'The shape of upstream a provider adapts.', PROVIDER_KINDS)}

${enumBlock('IdentifierScheme', 'The scheme of an identifier a credential is known by beyond its id.', IDENTIFIER_SCHEMES)}

${enumBlock('SkillFramework', 'Where a skill label comes from; PROVIDER is the provider\u2019s own free text.', SKILL_FRAMEWORKS)}

"""An amount of money. An amount of 0 means free."""
type Money {
  amount: Float!
  currency: CurrencyCode!
}

"""
A micro-credential, badge, certificate, certification or course completion, from any provider, in one shape.
The id says where it came from: <provider>:<kind>:<upstream id>, e.g. credly:template:cfaf2b1e-….
"""
type Credential @key(fields: "id") {
  id: ID!
  name: String!
  description: String
  credentialType: CredentialType!
  "The upstream's own type labels, verbatim."
  sourceTypes: [String!]!
  issuer: Issuer!
  provider: Provider!
  "The credential's public page at its provider."
  url: URL
  image: URL
  skills: [SkillAlignment!]!
  sectors: [Sector!]!
  level: Level
  "Estimated effort as an ISO 8601 duration."
  estimatedDuration: Duration
  "estimatedDuration in effort hours (a month counts 160 h, a week 40 h, a day 8 h)."
  estimatedHours: Float
  "Null when the provider does not say; an amount of 0 means free."
  cost: Money
  deliveryMode: DeliveryMode
  "BCP 47 language tags."
  languages: [String!]!
  updatedAt: DateTime!
  provenance: Provenance!
  "Identifiers beyond the id: a CTID, an Open Badges achievement id, …"
  identifiers: [Identifier!]!
  "The same credential as published by other providers (a shared identifier, or the same issuer and name)."
  sameAs: [Credential!]!
  "Credentials this one is a part of (a certification it stacks into), in either source's telling."
  isPartOf: [Credential!]!
  "Credentials that are parts of this one, in the source's order where it gives one."
  hasPart: [Credential!]!
  "Credentials this one prepares for."
  preparesFor: [Credential!]!
}

type Identifier {
  scheme: IdentifierScheme!
  value: String!
}

"""Where a credential record came from."""
type Provenance {
  provider: ID!
  upstreamId: String!
  url: URL
  fetchedAt: DateTime!
}

"""An organization that issues credentials."""
type Issuer @key(fields: "id") {
  id: ID!
  name: String!
  url: URL
  "Whether the provider vouches for the issuer's identity; null when it does not say."
  verified: Boolean
  provider: Provider!
}

"""A source of credentials: one upstream API adapted by one provider subgraph."""
type Provider @key(fields: "id") {
  id: ID!
  name: String!
  kind: ProviderKind!
  url: URL
  "The catalog's last harvest of this provider's feed."
  harvest: HarvestStatus!
}

enum HarvestState {
  NEVER_RUN
  RUNNING
  OK
  FAILED
}

type HarvestStatus {
  state: HarvestState!
  "Credentials from this provider in the index."
  credentialCount: Int!
  lastAttemptAt: DateTime
  lastSuccessAt: DateTime
  "Why the last harvest failed, in plain words; null after a success."
  lastError: String
  "Stable code of the last failure, e.g. UPSTREAM_UNAUTHORIZED."
  lastErrorCode: String
  lastDurationMs: Int
}

"""A skill a credential teaches, assesses or certifies, as its provider labels it."""
type SkillAlignment {
  "The canonical skill the label stands for; null when the skills vocabulary has no match (the label is kept)."
  skill: Skill
  "The label as the provider wrote it."
  label: String!
  framework: SkillFramework!
  code: String
  url: URL
  "How sure the match to the canonical skill is, from 0 to 1; null when unmatched."
  confidence: Float
  match: SkillMatchKind
}

enum SkillMatchKind {
  EXACT
  ALT_LABEL
  FUZZY
}

"""A canonical skill (owned by the skills subgraph)."""
type Skill @key(fields: "id") {
  id: ID!
}
`;
