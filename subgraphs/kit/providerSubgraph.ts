import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { type GraphQLSchema, parse } from 'graphql';
import { FEDERATION_LINK, type ParsedId, parseCredentialId } from '../../schema/index.js';
import { type Env, envInt } from './config.js';
import type { AnyProvider, Closable, ProviderDefinition } from './contract.js';
import { toGraphQLError } from './errors.js';
import { feedRoute } from './feed.js';
import { DEFAULT_SUBGRAPH_MAX_AGE_S, type RunningServer, serveSubgraph } from './serve.js';
import { upstreamPolicyFromEnv, withUpstreamPolicy } from './upstreamPolicy.js';

export interface ProviderContext<TDetails> {
  /** Per-request loader of live details by global credential id; one batched upstream call per tick. */
  details: DataLoader<string, TDetails | null>;
}

/**
 * The SDL of a provider subgraph: `Credential` by key, plus the provider's one field on it. A provider never
 * resolves the common fields: the catalog owns them (see ARCHITECTURE: "The federation constraint").
 */
export function providerTypeDefs(provider: AnyProvider): string {
  return /* GraphQL */ `
extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])

type Credential @key(fields: "id") {
  id: ID!
  "Live details from ${provider.info.name}; null for credentials of other providers."
  ${provider.info.id}: ${provider.details.typeName}
}

${provider.details.typeDefs}
`;
}

export function buildProviderSchema<TDetails>(
  provider: ProviderDefinition<unknown, Closable, TDetails>,
): GraphQLSchema {
  const field = provider.info.id;
  return buildSubgraphSchema({
    typeDefs: parse(providerTypeDefs(provider)),
    resolvers: {
      Credential: {
        __resolveReference: (reference: { id: string }) => reference,
        [field]: async ({ id }: { id: string }, _args: unknown, context: ProviderContext<TDetails>) => {
          const parsed = parseCredentialId(id);
          if (!parsed || parsed.provider !== field) return null;
          try {
            return await context.details.load(id);
          } catch (error) {
            throw toGraphQLError(error, field);
          }
        },
      },
      ...provider.details.resolvers,
      // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
    } as any,
  });
}

/** Fresh loaders for one GraphQL request, so that nothing cached leaks between requests or users. */
export function createProviderContext<TClient extends Closable, TDetails>(
  provider: ProviderDefinition<unknown, TClient, TDetails>,
  client: TClient,
): ProviderContext<TDetails> {
  return {
    details: new DataLoader<string, TDetails | null>(async (ids) => {
      const refs = ids.map((id) => parseCredentialId(id) as ParsedId);
      const results = await provider.loadDetails(client, refs);
      if (results.length !== ids.length) {
        throw new Error(
          `${provider.info.id}: loadDetails returned ${results.length} results for ${ids.length} ids`,
        );
      }
      return results;
    }),
  };
}

export interface StartProviderOptions {
  env: Env;
  port?: number;
  host?: string;
}

/** Reads config, builds the upstream client and serves the provider's subgraph and feed. */
export async function startProviderSubgraph<TConfig, TClient extends Closable, TDetails>(
  provider: ProviderDefinition<TConfig, TClient, TDetails>,
  options: StartProviderOptions,
): Promise<RunningServer> {
  const config = provider.readConfig(options.env);
  // Retries and circuit breaking are tuned from the environment for every provider alike (UPSTREAM_RETRIES…).
  const upstreamPolicy = upstreamPolicyFromEnv(options.env, provider.info.id);
  const client = withUpstreamPolicy(upstreamPolicy, () => provider.createClient(config));
  return serveSubgraph({
    name: provider.info.id,
    schema: buildProviderSchema(provider as ProviderDefinition<unknown, Closable, TDetails>),
    context: () => createProviderContext(provider as ProviderDefinition<unknown, TClient, TDetails>, client),
    routes: { '/feed': feedRoute(provider as ProviderDefinition<unknown, TClient, TDetails>, client) },
    port: options.port,
    host: options.host,
    onClose: () => client.close(),
    upstreamPolicy,
    cacheMaxAgeSeconds: subgraphMaxAgeFromEnv(options.env, provider.info.id),
  });
}

/**
 * How long a provider's live answers may be cached (its subgraph's `Cache-Control: max-age`):
 * `<PROVIDER>_CACHE_MAX_AGE_S`, else `SUBGRAPH_CACHE_MAX_AGE_S`, else 60 s. 0 sends `no-store`.
 */
export function subgraphMaxAgeFromEnv(env: Env, providerId: string): number {
  const own = `${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CACHE_MAX_AGE_S`;
  const setting = env[own]?.trim() ? own : 'SUBGRAPH_CACHE_MAX_AGE_S';
  return envInt(env, setting, DEFAULT_SUBGRAPH_MAX_AGE_S, { min: 0, max: 86_400 });
}
