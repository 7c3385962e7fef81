import { timingSafeEqual } from 'node:crypto';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { type CredentialRecord, durationToHours, scalarResolvers } from '../../schema/index.js';
import { facetResolvers } from './facets.js';
import type { Harvester } from './harvester.js';
import { type IssuerSearchArgs, searchIssuers } from './issuers.js';
import { pathwayComponents } from './pathway.js';
import type { HarvestProgress } from './progress.js';
import { badInput, type SearchArgs, type SearchResult, searchCredentials } from './search.js';
import type { IndexedCredential, IndexedSkill } from './skills.js';
import type { CatalogStore, IssuerRow, ProviderRow } from './store.js';

/** The request header that carries the admin token to `refreshCatalog` (a gateway must forward it). */
export const ADMIN_TOKEN_HEADER = 'x-credgraph-admin-token';

export interface CatalogContext {
  credentials: DataLoader<string, IndexedCredential | null>;
  /** Providers read once per request: every credential in a page asks for its provider. */
  providers: () => Promise<Map<string, ProviderView>>;
  /** The admin token the caller sent, if any. */
  adminToken: string | null;
}

export interface ProviderView extends ProviderRow {
  credentialCount: number;
}

export function createCatalogContext(store: CatalogStore, adminToken: string | null = null): CatalogContext {
  let providers: Promise<Map<string, ProviderView>> | null = null;
  return {
    credentials: new DataLoader(async (ids) => store.credentialsById(ids)),
    providers: () => {
      providers ??= Promise.all([store.providers(), store.credentialCounts()]).then(
        ([rows, counts]) =>
          new Map(rows.map((row) => [row.id, { ...row, credentialCount: counts.get(row.id) ?? 0 }])),
      );
      return providers;
    },
    adminToken,
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
  lastMode: null,
  lastFullAt: null,
  watermark: null,
  lastFullCount: null,
  progress: null,
  credentialCount: 0,
});

/** The part of the resolver info that carries Apollo's cache hints. */
interface CacheHintInfo {
  cacheControl?: { setCacheHint(hint: { maxAge: number }): void };
}

/** Loads credentials by id through the request's loader, dropping any the index no longer has. */
async function loadAll(context: CatalogContext, ids: string[]): Promise<CredentialRecord[]> {
  const records = await context.credentials.loadMany(ids);
  return records.filter(
    (record): record is IndexedCredential => record !== null && !(record instanceof Error),
  ) as CredentialRecord[];
}

const providerById = async (context: CatalogContext, id: string) =>
  (await context.providers()).get(id) ?? unknownProvider(id);

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Only operators may harvest on demand: the caller must send the configured token; without one, nobody may. */
function requireAdmin(context: CatalogContext, adminToken: string | null): void {
  if (!adminToken) {
    throw new GraphQLError('refreshCatalog is disabled: the catalog has no CATALOG_ADMIN_TOKEN', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  if (!context.adminToken || !sameToken(context.adminToken, adminToken)) {
    throw new GraphQLError(`refreshCatalog needs the admin token in the ${ADMIN_TOKEN_HEADER} header`, {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
}

export interface CatalogResolverOptions {
  store: CatalogStore;
  harvester: Harvester;
  adminToken: string | null;
}

export function catalogResolvers({ store, harvester, adminToken }: CatalogResolverOptions) {
  /** Credentials of one issuer or skill: the same search with that one filter. */
  const credentialsWith = (filter: SearchArgs['filter'], args: Omit<SearchArgs, 'filter' | 'query'>) =>
    searchCredentials(store, { ...args, filter });
  return {
    ...scalarResolvers,
    Query: {
      credentials: (_: unknown, args: SearchArgs, context: CatalogContext) =>
        searchCredentials(store, args).then((result) => {
          for (const edge of result.edges) context.credentials.prime(edge.node.id, edge.node);
          return result;
        }),
      credential: (_: unknown, { id }: { id: string }, context: CatalogContext) =>
        context.credentials.load(id),
      issuer: (_: unknown, { id }: { id: string }) => store.issuer(id),
      issuers: (_: unknown, args: IssuerSearchArgs) => searchIssuers(store, args),
      providers: async (_: unknown, __: unknown, context: CatalogContext, info: CacheHintInfo) => {
        // Harvest status and progress change by the second: never cached.
        info.cacheControl?.setCacheHint({ maxAge: 0 });
        return [...(await context.providers()).values()];
      },
      pathway: async (_: unknown, { id }: { id: string }, context: CatalogContext) => {
        const destination = await context.credentials.load(id);
        if (!destination) return null;
        const components = await pathwayComponents(store, id);
        const records = await loadAll(
          context,
          components.flatMap((c) => [c.id, c.partOf]),
        );
        const byId = new Map(records.map((record) => [record.id, record]));
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
    Mutation: {
      refreshCatalog: async (
        _: unknown,
        args: { providers?: string[] | null; full?: boolean | null; wait?: boolean | null },
        context: CatalogContext,
      ) => {
        requireAdmin(context, adminToken);
        const unknown = (args.providers ?? []).filter((id) => !harvester.providerIds.includes(id));
        if (unknown.length) throw badInput(`no such provider: ${unknown.join(', ')}`);
        const chosen = args.providers?.length ? args.providers : harvester.providerIds;
        const run = harvester.harvest(chosen, args.full ? 'FULL' : 'INCREMENTAL');
        if (args.wait === false) {
          run.catch(() => {});
          // Let the harvest mark its providers RUNNING before answering.
          await new Promise((resolve) => setTimeout(resolve, 50));
        } else {
          await run;
        }
        const fresh = createCatalogContext(store);
        const providers = await fresh.providers();
        return chosen.map((id) => providers.get(id)).filter((provider) => provider !== undefined);
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
      sameAs: async (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(context, await store.sameAsIds(record.id)),
      isPartOf: async (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(
          context,
          (await store.related(record.id, 'IS_PART_OF')).map((related) => related.id),
        ),
      hasPart: async (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(
          context,
          (await store.related(record.id, 'HAS_PART')).map((related) => related.id),
        ),
      preparesFor: async (record: CredentialRecord, _: unknown, context: CatalogContext) =>
        loadAll(
          context,
          (await store.related(record.id, 'PREPARES_FOR')).map((related) => related.id),
        ),
    },
    CredentialConnection: {
      totalCount: (connection: SearchResult) => connection.totalCount(),
      facets: (connection: SearchResult) => connection.matches,
    },
    CredentialFacets: {
      ...facetResolvers,
      providers: async (
        set: Parameters<typeof facetResolvers.providers>[0],
        _: unknown,
        context: CatalogContext,
      ) => {
        const counts = await facetResolvers.providers(set);
        return Promise.all(
          counts.map(async (count) => ({ ...count, label: (await providerById(context, count.value)).name })),
        );
      },
    },
    Issuer: {
      __resolveReference: ({ id }: { id: string }) => store.issuer(id),
      provider: (issuer: IssuerRow, _: unknown, context: CatalogContext) =>
        providerById(context, issuer.provider),
      credentials: (issuer: IssuerRow, args: Omit<SearchArgs, 'filter' | 'query'>) =>
        credentialsWith({ issuers: [issuer.id] }, args),
    },
    Provider: {
      __resolveReference: async ({ id }: { id: string }, context: CatalogContext) =>
        (await context.providers()).get(id) ?? null,
      harvest: (provider: ProviderView) => ({
        state: provider.state,
        credentialCount: provider.credentialCount,
        lastAttemptAt: provider.lastAttemptAt,
        lastSuccessAt: provider.lastSuccessAt,
        lastError: provider.lastError,
        lastErrorCode: provider.lastErrorCode,
        lastDurationMs: provider.lastDurationMs,
        mode: provider.lastMode,
        lastFullAt: provider.lastFullAt,
        progress:
          provider.state === 'RUNNING' && provider.progress
            ? (JSON.parse(provider.progress) as HarvestProgress)
            : null,
      }),
    },
    Skill: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      credentials: ({ id }: { id: string }, args: Omit<SearchArgs, 'filter' | 'query'>) =>
        credentialsWith({ skills: [id] }, args),
    },
  };
}
