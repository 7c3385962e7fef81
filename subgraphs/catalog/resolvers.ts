import DataLoader from 'dataloader';
import { type CredentialRecord, durationToHours, scalarResolvers } from '../../schema/index.js';
import { type IssuerSearchArgs, searchIssuers } from './issuers.js';
import { type SearchArgs, searchCredentials } from './search.js';
import { skillId } from './skills.js';
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
    },
    Credential: {
      __resolveReference: ({ id }: { id: string }, context: CatalogContext) => context.credentials.load(id),
      issuer: (record: CredentialRecord): IssuerRow => ({ ...record.issuer, provider: record.provider }),
      provider: (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        providerById(context, record.provider),
      estimatedHours: (record: CredentialRecord) =>
        record.estimatedDuration ? durationToHours(record.estimatedDuration) : null,
      skills: (record: CredentialRecord) =>
        record.skills.map((skill) => ({ ...skill, skill: { id: skillId(skill.label), name: skill.label } })),
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
      __resolveReference: ({ id }: { id: string }) => ({
        id,
        name: id.replace(/^skill:/, '').replace(/-/g, ' '),
      }),
    },
  };
}
