import { commonTypeDefs, FEDERATION_LINK } from '../../schema/index.js';

/** The catalog subgraph: the common credential schema plus the cross-provider questions. */
export const catalogTypeDefs = /* GraphQL */ `
extend schema @link(url: "${FEDERATION_LINK}", import: ["@key", "@shareable"])

${commonTypeDefs}

type Query {
  """
  Search every provider's credentials at once. Text matches name, description, skills and issuer (every word,
  the last as a prefix); filters combine with AND across fields and OR within a list.
  """
  credentials(
    query: String
    filter: CredentialFilter
    sort: CredentialSort
    "Page size, at most 100."
    first: Int = 20
    "endCursor of the previous page."
    after: String
  ): CredentialConnection!
  credential(id: ID!): Credential
  issuer(id: ID!): Issuer
  issuers(query: String, providers: [ID!], first: Int = 20, after: String): IssuerConnection!
  "Every configured provider with the state of its last harvest."
  providers: [Provider!]!
  "The credentials that stack into this one (its parts, their parts, …), in the source's order where given."
  pathway(id: ID!): Pathway
}

type Pathway {
  id: ID!
  destination: Credential!
  "Every credential beneath the destination, parts before the whole they build, each once."
  components: [PathwayComponent!]!
}

type PathwayComponent {
  credential: Credential!
  "The credential this one is a direct part of on the way to the destination."
  partOf: Credential!
  "1 for direct parts of the destination, 2 for their parts, …"
  depth: Int!
  "Position among its siblings where the source orders them."
  order: Int
}

input CredentialFilter {
  "Canonical skill ids (from skills { id }) or labels as any provider or the vocabulary writes them."
  skills: [String!]
  sectors: [Sector!]
  credentialTypes: [CredentialType!]
  levels: [Level!]
  issuers: [ID!]
  providers: [ID!]
  maxDurationHours: Float
  "Compared in currency (USD when not given); credentials priced in other currencies or without a price do not match. 0 means free."
  maxCost: Float
  currency: CurrencyCode
  deliveryModes: [DeliveryMode!]
  "BCP 47 tags, e.g. en, es."
  languages: [String!]
  updatedSince: DateTime
}

enum CredentialSortField {
  "Best text match first; name order when there is no query."
  RELEVANCE
  NAME
  COST
  DURATION
  UPDATED_AT
}

enum SortDirection {
  ASC
  DESC
}

input CredentialSort {
  field: CredentialSortField! = RELEVANCE
  "Credentials without the sorted value come last either way."
  direction: SortDirection = ASC
}

type CredentialConnection {
  "Matches for the query and filters, across all pages."
  totalCount: Int!
  edges: [CredentialEdge!]!
  pageInfo: PageInfo!
  "Counts of the matches by field, for the same query and filters."
  facets: CredentialFacets!
}

"""
Counts of a search's matches, to explore by. Single-valued facets (credentialTypes, levels, providers,
issuers, deliveryModes, durations, costs) partition the matches: their counts sum to totalCount (issuers is
cut to the top N). Missing values count under UNKNOWN.
"""
type CredentialFacets {
  credentialTypes: [FacetCount!]!
  levels: [FacetCount!]!
  providers: [FacetCount!]!
  deliveryModes: [FacetCount!]!
  "A credential serving several sectors counts in each."
  sectors: [FacetCount!]!
  "A credential in several languages counts in each."
  languages: [FacetCount!]!
  issuers(first: Int = 10): [FacetCount!]!
  "Canonical skill ids (label:<slug> where no canonical skill matched); a credential counts under each of its skills."
  skills(first: Int = 10): [FacetCount!]!
  "Effort buckets: UNDER_10_HOURS, 10_TO_40_HOURS, 40_TO_120_HOURS, 120_HOURS_OR_MORE, UNKNOWN."
  durations: [FacetCount!]!
  "Cost buckets in the filter's currency (USD by default): FREE, UNDER_100, 100_TO_500, 500_TO_1000, 1000_OR_MORE, OTHER_CURRENCY, UNKNOWN."
  costs: [FacetCount!]!
}

type FacetCount {
  "The value counted: an enum value, a provider or issuer id, a skill id or label key, or a bucket name."
  value: String!
  "A human label for ids (provider, issuer and skill names), where the catalog knows one."
  label: String
  count: Int!
}

type CredentialEdge {
  cursor: String!
  node: Credential!
}

"""Relay page info; the same type in every subgraph that pages."""
type PageInfo @shareable {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type IssuerConnection {
  totalCount: Int!
  edges: [IssuerEdge!]!
  pageInfo: PageInfo!
}

type IssuerEdge {
  cursor: String!
  node: Issuer!
}

extend type Skill {
  "Credentials that certify this skill, across providers."
  credentials(sort: CredentialSort, first: Int = 20, after: String): CredentialConnection!
}

extend type Issuer {
  credentials(sort: CredentialSort, first: Int = 20, after: String): CredentialConnection!
}
`;
