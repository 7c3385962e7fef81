/**
 * The three operations `npm run bench` measures (issue 5): a catalog page of 20 credentials with issuer, skills
 * and every provider's live field; one credential by id with the same selection; a search with facets.
 */

/** What every benchmarked credential asks for: catalog fields, its issuer, skills (with the skills subgraph's
 * names) and each provider's own live field, so that one answer spans the catalog, skills and six providers. */
const CREDENTIAL_FIELDS = /* GraphQL */ `
  id name credentialType level estimatedDuration estimatedHours
  cost { amount currency }
  issuer { id name }
  provider { id name }
  skills { label skill { id name framework } }
  credly { id name state level timeToEarn }
  coursera { id slug workload primaryLanguages certificates }
  badgr { entityId name criteriaUrl tags }
  edx { __typename ... on EdxCourse { key title } ... on EdxProgram { uuid title } }
  openbadges { id achievementType creator { name } }
  registry { ctid type status inLanguage }
`;

export const CATALOG_PAGE_QUERY = /* GraphQL */ `query BenchCatalogPage($first: Int!) {
  credentials(first: $first) {
    totalCount
    edges { cursor node { ${CREDENTIAL_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CREDENTIAL_QUERY = /* GraphQL */ `query BenchCredential($id: ID!) {
  credential(id: $id) { ${CREDENTIAL_FIELDS} }
}`;

export const SEARCH_QUERY = /* GraphQL */ `query BenchSearch($query: String!) {
  credentials(query: $query, first: 10) {
    totalCount
    edges { node { id name issuer { name } provider { id } } }
    facets {
      credentialTypes { value count }
      sectors { value count }
      levels { value count }
      providers { value label count }
      costs { value count }
      durations { value count }
    }
  }
}`;

/** The line the load client prints when its measured run starts (after the warm-up). */
export const MEASURING = 'measuring';

/** A benchmarked operation: its name in the report and summary, and the JSON body every client sends. */
export interface BenchOperation {
  name: 'catalogPage' | 'credentialById' | 'searchWithFacets';
  body: string;
}

/** The three operations, the second for `credentialId` (a credential the catalog holds). */
export function benchOperations(credentialId: string): BenchOperation[] {
  return [
    {
      name: 'catalogPage',
      body: JSON.stringify({ query: CATALOG_PAGE_QUERY, variables: { first: 20 } }),
    },
    {
      name: 'credentialById',
      body: JSON.stringify({ query: CREDENTIAL_QUERY, variables: { id: credentialId } }),
    },
    {
      name: 'searchWithFacets',
      body: JSON.stringify({ query: SEARCH_QUERY, variables: { query: 'security' } }),
    },
  ];
}
