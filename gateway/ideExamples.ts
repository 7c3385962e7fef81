/** One ready-made operation the IDE opens as a tab. */
export interface IdeExample {
  /** Shown nowhere but in the tab's operation name, so keep it a valid GraphQL name. */
  title: string;
  query: string;
  /** Variables as an object; the IDE shows them as JSON. */
  variables?: Record<string, unknown>;
}

/**
 * The example operations the IDE offers on a first visit (GraphiQL remembers a user's own tabs afterwards).
 * The first one is the default query. Add one here and it appears as a tab; the test suite checks that
 * each is valid GraphQL.
 */
export const ideExamples: readonly IdeExample[] = [
  {
    title: 'SearchCredentials',
    query: `# Search every provider's credentials at once. Press the run button (or Ctrl-Enter).
query SearchCredentials($query: String, $first: Int) {
  credentials(query: $query, first: $first) {
    totalCount
    edges {
      cursor
      node {
        id
        name
        credentialType
        issuer { name }
        provider { id name }
        skills { label }
        estimatedHours
        cost { amount currency }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: { query: 'security', first: 5 },
  },
  {
    title: 'FilterAndSort',
    query: `# Certifications under 40 hours and 500 USD, cheapest first. Page on with after: endCursor.
query FilterAndSort($filter: CredentialFilter, $sort: CredentialSort, $after: String) {
  credentials(filter: $filter, sort: $sort, first: 10, after: $after) {
    totalCount
    edges {
      node {
        id
        name
        credentialType
        issuer { name }
        estimatedHours
        cost { amount currency }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: {
      filter: { credentialTypes: ['CERTIFICATION'], maxDurationHours: 40, maxCost: 500, currency: 'USD' },
      sort: { field: 'COST', direction: 'ASC' },
    },
  },
  {
    title: 'OneCredential',
    query: `# One credential by id (ids look like <provider>:<kind>:<upstream id>; copy one from a search).
# Each provider subgraph adds a field of its own, null for other providers' credentials.
query OneCredential($id: ID!) {
  credential(id: $id) {
    id
    name
    description
    credentialType
    issuer { name }
    provider { id name }
    skills { label }
    estimatedHours
    cost { amount currency }
    # Live from Credly: null unless the id is credly:template:…
    credly {
      state
      level
      timeToEarn
      typeCategory
      skills { name }
      requiredBadgeTemplates { name credential { id name } }
    }
    # Live from Coursera: null unless the id is coursera:course:…
    coursera {
      slug
      workload
      certificates
      partners { name }
      url
    }
  }
}
`,
    // A badge of the bundled Credly stand-in data, with a stacking prerequisite.
    variables: { id: 'credly:template:2e631cb9-966d-597a-ae80-b7ea6ddff536' },
  },
  {
    title: 'Providers',
    query: `# Every configured provider and the state of the catalog's last harvest of it.
query Providers {
  providers {
    id
    name
    harvest { state credentialCount lastError }
  }
}
`,
  },
];
