import DataLoader from 'dataloader';
import { type CredentialRecord, durationToHours, scalarResolvers } from '../../schema/index.js';
import {
  columnFacet,
  costFacet,
  durationFacet,
  type FacetCount,
  sideTableFacet,
  skillFacet,
} from './facets.js';
import { type IssuerSearchArgs, searchIssuers } from './issuers.js';
import { pathwayComponents } from './pathway.js';
import { type MatchingSet, type SearchArgs, type SearchResult, searchCredentials } from './search.js';
import type { IndexedCredential, IndexedSkill } from './skills.js';
import type { CatalogStore, IssuerRow, ProviderRow } from './store.js';

export interface CatalogContext {
  credentials: DataLoader<string, CredentialRecord | null>;
  /** Providers read once per request: every credential in a page asks for its provider. */
  providers: () => Map<string, ProviderView>;
}

interface ProviderView extends ProviderRow {
  credentialCount: number;
}

export function createCatalogContext(store: CatalogStore): CatalogContext {
  let providers: Map<string, ProviderView> | null = null;
  return {
    credentials: new DataLoader(async (ids) => store.credentialsById(ids)),
    providers: () => {
      if (!providers) {
        const counts = store.credentialCounts();
        providers = new Map(
          store.providers().map((row) => [row.id, { ...row, credentialCount: counts.get(row.id) ?? 0 }]),
        );
      }
      return providers;
    },
  };
}

/** A provider the index knows of only through its credentials (its harvest config has since been removed). */
const unknownProvider = (id: string): ProviderView => ({
  id,
  name: id,
  kind: 'OTHER',
  url: null,
  feedUrl: '',
  state: 'NEVER_RUN',
  lastAttemptAt: null,
  lastSuccessAt: null,
  lastError: null,
  lastErrorCode: null,
  lastDurationMs: null,
  credentialCount: 0,
});

const boundedFirst = (first: number) => Math.min(Math.max(first, 1), 100);

const withIssuerNames = (store: CatalogStore, facets: FacetCount[]) =>
  facets.map((facet) => ({ ...facet, label: store.issuer(facet.value)?.name ?? null }));

/** Loads credentials by id through the request's loader, dropping any the index no longer has. */
async function loadAll(context: CatalogContext, ids: string[]): Promise<CredentialRecord[]> {
  const records = await context.credentials.loadMany(ids);
  return records.filter(
    (record): record is CredentialRecord => record !== null && !(record instanceof Error),
  );
}

const providerById = (context: CatalogContext, id: string) =>
  context.providers().get(id) ?? unknownProvider(id);

export function catalogResolvers(store: CatalogStore) {
  return {
    ...scalarResolvers,
    Query: {
      credentials: (_: unknown, args: SearchArgs) => searchCredentials(store, args),
      credential: (_: unknown, { id }: { id: string }, context: CatalogContext) =>
        context.credentials.load(id),
      issuer: (_: unknown, { id }: { id: string }) => store.issuer(id),
      issuers: (_: unknown, args: IssuerSearchArgs) => searchIssuers(store, args),
      providers: (_: unknown, __: unknown, context: CatalogContext) => [...context.providers().values()],
      pathway: async (_: unknown, { id }: { id: string }, context: CatalogContext) => {
        const destination = await context.credentials.load(id);
        if (!destination) return null;
        const components = pathwayComponents(store, id);
        const records = await context.credentials.loadMany(components.flatMap((c) => [c.id, c.partOf]));
        const byId = new Map(
          records
            .filter((r): r is CredentialRecord => r !== null && !(r instanceof Error))
            .map((r) => [r.id, r]),
        );
        return {
          id,
          destination,
          components: components.map((component) => ({
            credential: byId.get(component.id),
            partOf: byId.get(component.partOf),
            depth: component.depth,
            order: component.order,
          })),
        };
      },
    },
    Credential: {
      __resolveReference: ({ id }: { id: string }, context: CatalogContext) => context.credentials.load(id),
      issuer: (record: CredentialRecord): IssuerRow => ({ ...record.issuer, provider: record.provider }),
      provider: (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        providerById(context, record.provider),
      estimatedHours: (record: CredentialRecord) =>
        record.estimatedDuration ? durationToHours(record.estimatedDuration) : null,
      skills: (record: IndexedCredential) =>
        record.skills.map((skill: IndexedSkill) => ({
          ...skill,
          skill: skill.canonical ? { id: skill.canonical.id } : null,
          confidence: skill.canonical?.confidence ?? null,
          match: skill.canonical?.match ?? null,
        })),
      identifiers: (record: CredentialRecord) => record.identifiers ?? [],
      sameAs: (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(context, store.sameAsIds(record.id)),
      isPartOf: (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(
          context,
          store.related(record.id, 'IS_PART_OF').map((related) => related.id),
        ),
      hasPart: (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(
          context,
          store.related(record.id, 'HAS_PART').map((related) => related.id),
        ),
      preparesFor: (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(
          context,
          store.related(record.id, 'PREPARES_FOR').map((related) => related.id),
        ),
    },
    CredentialConnection: {
      facets: (connection: SearchResult) => connection.matches,
    },
    CredentialFacets: {
      credentialTypes: (set: MatchingSet) => columnFacet(set, 'c.credential_type'),
      levels: (set: MatchingSet) => columnFacet(set, 'c.level'),
      deliveryModes: (set: MatchingSet) => columnFacet(set, 'c.delivery_mode'),
      providers: (set: MatchingSet, _: unknown, context: CatalogContext) =>
        columnFacet(set, 'c.provider').map((facet) => ({
          ...facet,
          label: providerById(context, facet.value).name,
        })),
      issuers: (set: MatchingSet, { first }: { first: number }) =>
        withIssuerNames(store, columnFacet(set, 'c.issuer_id', boundedFirst(first))),
      sectors: (set: MatchingSet) => sideTableFacet(set, 'credential_sectors', 'sector'),
      languages: (set: MatchingSet) => sideTableFacet(set, 'credential_languages', 'language'),
      skills: (set: MatchingSet, { first }: { first: number }) => skillFacet(set, boundedFirst(first)),
      durations: (set: MatchingSet) => durationFacet(set),
      costs: (set: MatchingSet) => costFacet(set),
    },
    Issuer: {
      __resolveReference: ({ id }: { id: string }) => store.issuer(id),
      provider: (issuer: IssuerRow, _: unknown, context: CatalogContext) =>
        providerById(context, issuer.provider),
      credentials: (issuer: IssuerRow, args: Omit<SearchArgs, 'filter' | 'query'>) =>
        searchCredentials(store, { ...args, filter: { issuers: [issuer.id] } }),
    },
    Provider: {
      __resolveReference: ({ id }: { id: string }, context: CatalogContext) =>
        context.providers().get(id) ?? null,
      harvest: (provider: ProviderView) => ({
        state: provider.state,
        credentialCount: provider.credentialCount,
        lastAttemptAt: provider.lastAttemptAt,
        lastSuccessAt: provider.lastSuccessAt,
        lastError: provider.lastError,
        lastErrorCode: provider.lastErrorCode,
        lastDurationMs: provider.lastDurationMs,
      }),
    },
    Skill: {
      credentials: ({ id }: { id: string }, args: Omit<SearchArgs, 'filter' | 'query'>) =>
        searchCredentials(store, { ...args, filter: { skills: [id] } }),
    },
  };
}
