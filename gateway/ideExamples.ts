/** One ready-made operation the IDE opens as a tab. */
export interface IdeExample {
  /** Shown nowhere but in the tab's operation name, so keep it a valid GraphQL name. */
  title: string;
  query: string;
  /** Variables as an object; the IDE shows them as JSON. */
  variables?: Record<string, unknown>;
  /**
   * Schema coordinates (`Query.occupation`, `Skill.credentials`) the operation needs beyond the catalog's own.
   * The IDE leaves the example out when the composed API lacks one, e.g. a gateway composed without the skills
   * subgraph; the test suite validates every other example against the composed supergraph.
   */
  requires?: readonly string[];
}

/**
 * The example operations the IDE offers on a first visit (GraphiQL remembers a user's own tabs afterwards).
 * The first one is the default query. Add one here and it appears as a tab; the test suite validates each
 * against the composed supergraph's API schema, variables included.
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
    title: 'CybersecurityUnder40HoursAnd500Dollars',
    query: `# Cybersecurity credentials under 40 hours and $500, cheapest first, from every provider.
# Credentials without a price or an effort estimate do not match a maximum.
query CybersecurityUnder40HoursAnd500Dollars($query: String, $filter: CredentialFilter) {
  credentials(query: $query, filter: $filter, sort: { field: COST, direction: ASC }, first: 10) {
    totalCount
    edges {
      node {
        id
        name
        credentialType
        issuer { name }
        provider { name }
        estimatedHours
        cost { amount currency }
        level
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: {
      query: 'cybersecurity',
      filter: { sectors: ['TECHNOLOGY'], maxDurationHours: 40, maxCost: 500, currency: 'USD' },
    },
  },
  {
    title: 'WhatStacksIntoThisCertification',
    query: `# What stacks into this certification: its pathway (parts, their parts, …) and its direct relations.
# Try any id from a search whose hasPart is not empty.
query WhatStacksIntoThisCertification($id: ID!) {
  pathway(id: $id) {
    destination { id name credentialType issuer { name } }
    components {
      depth
      order
      credential { id name credentialType provider { name } estimatedHours cost { amount currency } }
      partOf { id name }
    }
  }
  credential(id: $id) {
    name
    hasPart { id name }
    isPartOf { id name }
    preparesFor { id name }
    # The same certification as other providers publish it.
    sameAs { id name provider { name } }
  }
}
`,
    // A certification of the bundled registry stand-in data, with three parts and a twin on Open Badges.
    variables: { id: 'registry:ctid:ce-c0990ca1-865f-4dc8-8138-6365748d4229' },
  },
  {
    title: 'FacetCountsBySectorAndLevel',
    query: `# Facet counts by sector and level (and more) for a search: what there is to explore, before paging.
query FacetCountsBySectorAndLevel($query: String, $filter: CredentialFilter) {
  credentials(query: $query, filter: $filter, first: 1) {
    totalCount
    facets {
      sectors { value label count }
      levels { value label count }
      credentialTypes { value label count }
      providers { value label count }
      issuers(first: 5) { value label count }
      skills(first: 10) { value label count }
      durations { value label count }
      costs { value label count }
    }
  }
}
`,
    variables: { query: 'security' },
  },
  {
    title: 'CredentialsForAnOccupationsSkills',
    query: `# Credentials for an occupation's skills: O*NET's Information Security Analysts, its skills, and the
# credentials that certify each (find other occupations with occupations(query: "welder")).
query CredentialsForAnOccupationsSkills($id: ID!) {
  occupation(id: $id) {
    title
    framework
    skills(first: 5) {
      id
      name
      credentials(first: 3) {
        totalCount
        edges { node { id name provider { name } estimatedHours cost { amount currency } } }
      }
    }
  }
}
`,
    variables: { id: 'onet:15-1212.00' },
    requires: ['Query.occupation', 'Occupation.skills', 'Skill.credentials'],
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
    # Live from Coursera: null unless the id is coursera:course:… or coursera:specialization:…
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
