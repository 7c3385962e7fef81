import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, type Env, envInt, envOptional, envString, projectRoot } from '../kit/index.js';
import { type CurrencyRates, parseCurrencyRates } from './currency.js';
import type { ProviderSource } from './harvester.js';

export interface CatalogConfig {
  /** SQLite file of the index (`:memory:` for a throwaway one); unused with `databaseUrl`. */
  databasePath: string;
  /** `postgres://…` to keep the index in PostgreSQL, shared by every catalog replica pointed at it. */
  databaseUrl?: string | null;
  /** The PostgreSQL schema of the index (default `catalog`); created when missing. */
  databaseSchema?: string | null;
  providers: ProviderSource[];
  /** Seconds between scheduled harvests (incremental unless a full one is due); 0 turns the schedule off. */
  harvestIntervalSeconds: number;
  /** Seconds between full harvests, which also remove credentials a provider no longer lists (default a day). */
  fullHarvestIntervalSeconds?: number;
  /** Token for `POST /admin/harvest` and the `refreshCatalog` mutation (see ADMIN_TOKEN_HEADER). */
  adminToken: string | null;
  /** The skills subgraph's `/normalize` endpoint; without it, skill labels are indexed as the providers wrote them. */
  skillsUrl?: string | null;
  /** US dollars per unit of each currency, for comparing costs (default: DEFAULT_RATES). */
  currencyRates?: CurrencyRates;
}

/** The settings that say where the index lives and how it compares costs, from the environment. */
export function readCatalogStoreSettings(
  env: Env,
): Pick<CatalogConfig, 'databaseUrl' | 'databaseSchema' | 'currencyRates' | 'fullHarvestIntervalSeconds'> {
  const databaseUrl = envOptional(env, 'CATALOG_DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('CATALOG_DATABASE_URL must be a postgres:// URL');
  }
  return {
    databaseUrl,
    databaseSchema: envOptional(env, 'CATALOG_DATABASE_SCHEMA'),
    currencyRates: parseCurrencyRates(envOptional(env, 'CATALOG_CURRENCY_RATES')),
    fullHarvestIntervalSeconds: envInt(env, 'CATALOG_FULL_HARVEST_INTERVAL_S', 86_400),
  };
}

/** The subgraph that normalises skill labels rather than serving credentials. */
export const SKILLS_SUBGRAPH = 'skills';

/**
 * Reads the catalog's config. Providers come from `CATALOG_PROVIDERS` (`id=feedUrl,…`) or, by default, from the
 * gateway's subgraph list (rover's supergraph.yaml shape): every subgraph but the catalog is harvested from
 * `/feed` beside its GraphQL endpoint, so registering a provider is one entry in that file.
 */
export function readCatalogConfig(env: Env): CatalogConfig {
  const subgraphs = supergraphSubgraphs(env);
  const skills = subgraphs.find((subgraph) => subgraph.name === SKILLS_SUBGRAPH);
  const explicit = envOptional(env, 'CATALOG_PROVIDERS');
  return {
    databasePath: envString(env, 'CATALOG_DATABASE_PATH', 'data/catalog.sqlite'),
    providers: explicit
      ? parseProviderList(explicit)
      : subgraphs
          .filter((subgraph) => subgraph.name !== 'catalog' && subgraph.name !== SKILLS_SUBGRAPH)
          .map((subgraph) => ({ id: subgraph.name, feedUrl: new URL('/feed', subgraph.routingUrl).href })),
    skillsUrl:
      envOptional(env, 'CATALOG_SKILLS_URL') ??
      (skills ? new URL('/normalize', skills.routingUrl).href : null),
    harvestIntervalSeconds: envInt(env, 'CATALOG_HARVEST_INTERVAL_S', 3600),
    adminToken: envOptional(env, 'CATALOG_ADMIN_TOKEN'),
    ...readCatalogStoreSettings(env),
  };
}

function supergraphSubgraphs(env: Env): Array<{ name: string; routingUrl: string }> {
  const configPath = envString(
    env,
    'CREDGRAPH_SUPERGRAPH_CONFIG',
    join(projectRoot(), 'gateway', 'supergraph.yaml'),
  );
  const path = isAbsolute(configPath) ? configPath : join(process.cwd(), configPath);
  return subgraphsOfSupergraphConfig(readFileSync(path, 'utf8'), env);
}

export function parseProviderList(list: string): ProviderSource[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id, feedUrl] = entry.split(/=(.*)/s);
      if (!id || !feedUrl || !URL.canParse(feedUrl)) {
        throw new ConfigError(
          `CATALOG_PROVIDERS entries must read id=http://host:port/feed; got ${JSON.stringify(entry)}`,
        );
      }
      return { id: id.trim(), feedUrl: feedUrl.trim() };
    });
}

/** Expands rover's `${env.NAME}` and `${env.NAME:-default}` references, as the gateway does. */
function expandEnv(value: string, env: Env): string {
  return value.replace(
    /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback?: string) => {
      const found = env[name];
      if (found) return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`the supergraph config refers to \${env.${name}}, which is not set`);
    },
  );
}

/** The subgraphs a supergraph config lists, with their routing URLs (env references expanded). */
export function subgraphsOfSupergraphConfig(
  yamlText: string,
  env: Env,
): Array<{ name: string; routingUrl: string }> {
  const config = parse(yamlText) as { subgraphs?: Record<string, { routing_url?: string }> };
  return Object.entries(config?.subgraphs ?? {}).map(([name, subgraph]) => {
    const routingUrl = expandEnv(subgraph?.routing_url ?? '', env);
    if (!URL.canParse(routingUrl)) {
      throw new ConfigError(`subgraph ${name} in the supergraph config has no valid routing_url`);
    }
    return { name, routingUrl };
  });
}
