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

type Mutation {
  """
  Operators only: harvests the given providers (every one when none given) now and answers with their harvest
  status. Incremental (changes since the last harvest) unless full is true; a full harvest also removes credentials
  a provider no longer lists. Needs the catalog's admin token in the X-Catalog-Admin-Token request header.
  """
  refreshCatalog(
    providers: [ID!]
    full: Boolean = false
    "false answers at once, while the harvest runs; follow it with providers { harvest { progress } }."
    wait: Boolean = true
  ): [Provider!]!
}

extend type HarvestStatus {
  "FULL or INCREMENTAL: the kind of the last harvest attempted."
  mode: HarvestMode
  "When the last full harvest (the one that also removes what the provider no longer lists) started."
  lastFullAt: DateTime
  "How far the running harvest has come; null when none runs."
  progress: HarvestProgress
}

enum HarvestMode {
  FULL
  INCREMENTAL
}

type HarvestProgress {
  mode: HarvestMode!
  startedAt: DateTime!
  records: Int!
  pages: Int!
  recordsPerSecond: Int!
  "Seconds left, estimated from the last full harvest's size; null when unknown."
  etaSeconds: Int
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
  """
  In currency (USD when not given). Prices in that currency compare as they are; prices in other currencies are
  converted with the catalog's rate table (see the catalog README); credentials without a price, or priced in a
  currency the table lacks (unless free), do not match. 0 means free.
  """
  maxCost: Float
  "The currency of maxCost and of the cost facet's buckets; it does not filter by itself."
  currency: CurrencyCode
  deliveryModes: [DeliveryMode!]
  "BCP 47 tags, e.g. en, es."
  languages: [String!]
  updatedSince: DateTime
}

enum CredentialSortField {
  """
  Best text match first: every query word in the name, then in the skills, then in the issuer's name (weighted
  4, 2, 1), ties by name; name order when there is no query. The direction is ignored.
  """
  RELEVANCE
  NAME
  "By price converted to USD, so that prices in different currencies compare."
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
  """
  Cost buckets in the filter's currency (USD by default), other currencies converted: FREE, UNDER_100, 100_TO_500,
  500_TO_1000, 1000_OR_MORE, OTHER_CURRENCY (priced in a currency the rate table lacks), UNKNOWN.
  """
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
  "Where the query's words occur in this credential; null without a query."
  highlights: CredentialHighlights
}

"""
Text with the words that match the query in <mark>…</mark> and everything else HTML-escaped, ready to insert as
HTML.
"""
type CredentialHighlights {
  "The whole name."
  name: String!
  "An excerpt of about 24 words around the first match (… where cut); null when the credential has no description."
  description: String
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
