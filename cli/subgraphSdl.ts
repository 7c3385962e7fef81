import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLResolveInfo, type GraphQLSchema, parse } from 'graphql';
import { resolveSubgraphSdls, type SubgraphEntry, type SubgraphSdl } from '../gateway/index.js';
import { catalogTypeDefs } from '../subgraphs/catalog/typeDefs.js';
import { buildProviderSchema } from '../subgraphs/kit/index.js';
import { skillsTypeDefs } from '../subgraphs/skills/typeDefs.js';
import { localProviders } from './localProviders.js';

/**
 * Each subgraph's SDL without running it: its schema built in-process and asked for `_service { sdl }`, exactly
 * what the gateway's introspection of the running subgraph would get. This is what lets `compose --check` run in
 * CI in a second, with nothing listening.
 */

/**
 * The `_service { sdl }` answer of a subgraph schema, from its resolver: executing the query here could mix two
 * copies of graphql-js (the ES build this module may get, the CommonJS one @apollo/subgraph uses).
 */
export async function serviceSdl(schema: GraphQLSchema): Promise<string> {
  const resolve = schema.getQueryType()?.getFields()._service?.resolve;
  const answer = (await resolve?.(undefined, {}, undefined, {} as GraphQLResolveInfo)) as
    | { sdl?: unknown }
    | undefined;
  if (typeof answer?.sdl !== 'string') throw new Error('not a federation subgraph schema: no _service.sdl');
  return answer.sdl;
}

const typeDefsSchema = (typeDefs: string) => buildSubgraphSchema({ typeDefs: parse(typeDefs) });

/** SDL builders for every subgraph whose code is in this repository, by subgraph name. */
export function inProcessSubgraphs(): Map<string, () => Promise<string>> {
  const builders = new Map<string, () => Promise<string>>([
    ['catalog', () => serviceSdl(typeDefsSchema(catalogTypeDefs))],
    ['skills', () => serviceSdl(typeDefsSchema(skillsTypeDefs))],
  ]);
  for (const local of localProviders) {
    builders.set(local.provider.info.id, () => serviceSdl(buildProviderSchema(local.provider)));
  }
  return builders;
}

export interface ResolvedSubgraphs {
  subgraphs: SubgraphSdl[];
  /** Names whose SDL was built in-process; the rest came from the config's file, sdl or subgraph_url. */
  inProcess: string[];
}

/**
 * The SDL of every subgraph in a supergraph config. With `inProcess`, subgraphs whose code is here are built in
 * this process; the others (a partner's own process) come from the config's schema source, as the gateway
 * would get them. Without it, every SDL comes from the config (files, inline SDL, running subgraphs).
 */
export async function resolveSubgraphs(
  entries: readonly SubgraphEntry[],
  options: { inProcess: boolean },
): Promise<ResolvedSubgraphs> {
  const builders = options.inProcess ? inProcessSubgraphs() : new Map<string, () => Promise<string>>();
  const inProcess: string[] = [];
  const subgraphs = await Promise.all(
    entries.map(async (entry): Promise<SubgraphSdl> => {
      const build = builders.get(entry.name);
      if (build) {
        inProcess.push(entry.name);
        return { name: entry.name, routingUrl: entry.routingUrl, sdl: await build() };
      }
      const [resolved] = await resolveSubgraphSdls({ subgraphs: [entry] });
      return resolved!;
    }),
  );
  return {
    subgraphs,
    inProcess: entries.map((entry) => entry.name).filter((name) => inProcess.includes(name)),
  };
}
