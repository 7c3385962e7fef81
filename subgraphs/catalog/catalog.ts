import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { type RouteHandler, type RunningServer, readBody, sendJson, serveSubgraph } from '../kit/index.js';
import type { CatalogConfig } from './config.js';
import { Harvester } from './harvester.js';
import { catalogResolvers, createCatalogContext } from './resolvers.js';
import { SkillsClient } from './skillsClient.js';
import { CatalogStore } from './store.js';
import { catalogTypeDefs } from './typeDefs.js';

export interface StartCatalogOptions {
  config: CatalogConfig;
  port?: number;
  host?: string;
  /** Wait for the first harvest before resolving (the one-command start does, so the first query has data). */
  awaitFirstHarvest?: boolean;
  log?: (line: string) => void;
}

export interface RunningCatalog extends RunningServer {
  harvester: Harvester;
  store: CatalogStore;
}

export async function startCatalogSubgraph(options: StartCatalogOptions): Promise<RunningCatalog> {
  const { config } = options;
  if (config.databasePath !== ':memory:') mkdirSync(dirname(config.databasePath), { recursive: true });
  const store = new CatalogStore(config.databasePath);
  const skills = config.skillsUrl ? new SkillsClient(config.skillsUrl) : null;
  const harvester = new Harvester(store, config.providers, options.log, skills);
  const schema = buildSubgraphSchema({
    typeDefs: parse(catalogTypeDefs),
    // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
    resolvers: catalogResolvers(store) as any,
  });

  const firstHarvest = harvester.harvest();
  if (options.awaitFirstHarvest) await firstHarvest;
  const timer =
    config.harvestIntervalSeconds > 0
      ? setInterval(() => void harvester.harvest(), config.harvestIntervalSeconds * 1000).unref()
      : null;

  const server = await serveSubgraph({
    name: 'catalog',
    schema,
    context: () => createCatalogContext(store),
    routes: { '/admin/harvest': adminHarvestRoute(harvester, config.adminToken) },
    port: options.port,
    host: options.host,
    onClose: async () => {
      if (timer) clearInterval(timer);
      await firstHarvest;
      await harvester.close();
      store.close();
    },
  });
  return { ...server, harvester, store };
}

/**
 * `POST /admin/harvest` (optional JSON body `{"providers": ["credly"]}`): harvests now and answers with the
 * outcome per provider. Guarded by CATALOG_ADMIN_TOKEN; with none set, only callers on this machine may use it.
 */
function adminHarvestRoute(harvester: Harvester, adminToken: string | null): RouteHandler {
  return async (request, response) => {
    if (request.method !== 'POST') {
      return sendJson(
        response,
        405,
        { error: { code: 'METHOD_NOT_ALLOWED', message: 'use POST' } },
        { allow: 'POST' },
      );
    }
    const authorized = adminToken
      ? request.headers.authorization === `Bearer ${adminToken}`
      : ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
    if (!authorized) {
      return sendJson(response, 401, { error: { code: 'UNAUTHENTICATED', message: 'admin token required' } });
    }
    const text = (await readBody(request, 10_000)) ?? '';
    let providers: string[] | undefined;
    try {
      providers = text ? (JSON.parse(text) as { providers?: string[] }).providers : undefined;
    } catch {
      return sendJson(response, 400, { error: { code: 'BAD_REQUEST', message: 'body must be JSON' } });
    }
    sendJson(response, 200, { outcomes: await harvester.harvest(providers) });
  };
}
