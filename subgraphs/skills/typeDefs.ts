import { FEDERATION_LINK, SKILL_FRAMEWORKS } from '../../schema/index.js';

/** The framework of credgraph's own curated skills (one of the common SKILL_FRAMEWORKS). */
export const CREDGRAPH_FRAMEWORK = 'CREDGRAPH';

/** The skills subgraph: canonical skills and occupations from ESCO, O*NET and credgraph's curated list. */
export const skillsTypeDefs = /* GraphQL */ `
extend schema @link(url: "${FEDERATION_LINK}", import: ["@key", "@shareable"])

"""An absolute http(s) URL."""
scalar URL

"""Where a skill label comes from; PROVIDER is the provider\u2019s own free text."""
enum SkillFramework {
${SKILL_FRAMEWORKS.map((value) => `  ${value}`).join('\n')}
}

enum SkillMatchKind {
  EXACT
  ALT_LABEL
  FUZZY
}

"""The taxonomy an occupation comes from."""
enum OccupationFramework {
  "ESCO occupations (European Commission), grouped by ISCO-08 unit group."
  ESCO
  "O*NET-SOC occupations (USDOL/ETA)."
  ONET
}

"""
A canonical skill: an ESCO skill or skill group, an O*NET skill, knowledge area, technology or technology class,
or one of credgraph's own curated skills. Ids say where a skill comes from: esco:skill:<uuid or code>,
esco:isced-f:<code>, onet:<element id>, onet-tech:<slug>, onet-commodity:<UNSPSC code>, credgraph:<slug>.
"""
type Skill @key(fields: "id") {
  id: ID!
  name: String!
  description: String
  framework: SkillFramework!
  "The skill's code in its framework: an ESCO hierarchy code, an O*NET element id, a UNSPSC commodity code."
  code: String
  "The skill's page or concept URI at its framework, where it has one."
  url: URL
  "Other names the skill goes by; provider labels that are one of these match it exactly."
  altLabels: [String!]!
  "Broader skills or skill groups this one belongs to."
  broader: [Skill!]!
  "The same skill in other frameworks."
  sameAs: [Skill!]!
  "Occupations that use this skill (or one of its sameAs skills): curated links first, then O*NET's in-demand and hot technologies."
  occupations(first: Int = 20): [Occupation!]!
}

"""An occupation from O*NET-SOC or ESCO."""
type Occupation @key(fields: "id") {
  "onet:<O*NET-SOC code> (onet:15-1212.00) or esco:occupation:<uuid>."
  id: ID!
  title: String!
  description: String
  framework: OccupationFramework!
  "The O*NET-SOC code, or for ESCO occupations the ISCO-08 unit group."
  code: String!
  url: URL
  "Skills of this occupation as canonical skills: curated links first, then O*NET's in-demand and hot technologies."
  skills(first: Int = 50): [Skill!]!
  "O*NET's related occupations in its order; for ESCO, other occupations of the same ISCO-08 unit group (at most 20)."
  relatedOccupations: [Occupation!]!
  "O*NET Job Zone, 1 (little preparation) to 5 (extensive preparation); null for ESCO occupations."
  jobZone: Int
}

"""One provider label and the canonical skill it normalises to."""
type SkillMatch {
  "The label as given."
  label: String!
  "The canonical skill; null when nothing in the vocabulary matches well enough (the label is kept as it is)."
  skill: Skill
  "How sure the match is, from 0 to 1; 0 when unmatched."
  confidence: Float!
  "How the label matched; null when unmatched."
  match: SkillMatchKind
}

type SkillConnection {
  "Skills matching the query, across all pages."
  totalCount: Int!
  edges: [SkillEdge!]!
  pageInfo: PageInfo!
}

type SkillEdge {
  cursor: String!
  node: Skill!
}

type PageInfo @shareable {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Query {
  skill(id: ID!): Skill
  """
  Skills whose name or alternative labels contain every word of the query (the last word as a prefix); best
  matches first. Without a query, curated skills first, then by name.
  """
  skills(
    query: String
    "Page size, at most 100."
    first: Int = 20
    "endCursor of the previous page."
    after: String
  ): SkillConnection!
  occupation(id: ID!): Occupation
  "Occupations whose title or alternative titles contain every word of the query; best matches first."
  occupations(query: String, "At most 100." first: Int = 20): [Occupation!]!
  "Normalises provider skill labels (at most 1000) to canonical skills, in the order given."
  normalizeSkills(labels: [String!]!): [SkillMatch!]!
}
`;
