import { commonTypeDefs, FEDERATION_LINK } from '../../schema/index.js';

/** The catalog subgraph: the common credential schema plus the cross-provider questions. */
export const catalogTypeDefs = /* GraphQL */ `
extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])

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
}

type CredentialEdge {
  cursor: String!
  node: Credential!
}

type PageInfo {
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
