import type { MatchingSet } from './search.js';
import type { FacetCount, FacetName } from './store.js';

const boundedFirst = (first: number) => Math.min(Math.max(first, 1), 100);

/** Counts of a search's matches by one facet; top N for issuers and skills. */
function facet(set: MatchingSet, name: FacetName, first?: number): Promise<FacetCount[]> {
  return set.store.facet({
    match: set.match,
    facet: name,
    currency: set.currency,
    limit: first === undefined ? undefined : boundedFirst(first),
  });
}

/**
 * Resolvers of `CredentialFacets`, each computed only when asked for. Single-valued facets and the buckets
 * partition the matches (missing values count under UNKNOWN); a credential counts once per sector, language and
 * skill it has.
 */
export const facetResolvers = {
  credentialTypes: (set: MatchingSet) => facet(set, 'credentialTypes'),
  levels: (set: MatchingSet) => facet(set, 'levels'),
  deliveryModes: (set: MatchingSet) => facet(set, 'deliveryModes'),
  providers: (set: MatchingSet) => facet(set, 'providers'),
  sectors: (set: MatchingSet) => facet(set, 'sectors'),
  languages: (set: MatchingSet) => facet(set, 'languages'),
  durations: (set: MatchingSet) => facet(set, 'durations'),
  costs: (set: MatchingSet) => facet(set, 'costs'),
  skills: (set: MatchingSet, { first }: { first: number }) => facet(set, 'skills', first),
  issuers: async (set: MatchingSet, { first }: { first: number }) => {
    const counts = await facet(set, 'issuers', first);
    const names = await set.store.issuerNames(counts.map((count) => count.value));
    return counts.map((count) => ({ ...count, label: names.get(count.value) ?? null }));
  },
};
