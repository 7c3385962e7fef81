import { timingSafeEqual } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { type RouteHandler, type RunningServer, readBody, sendJson, serveSubgraph } from '../kit/index.js';
import type { CatalogConfig } from './config.js';
import { parseCurrencyRates } from './currency.js';
import { Harvester, type HarvestRequestMode } from './harvester.js';
import { openCatalogStore } from './openStore.js';
import { ADMIN_TOKEN_HEADER, catalogResolvers, createCatalogContext } from './resolvers.js';
import { SkillsClient } from './skillsClient.js';
import type { CatalogStore } from './store.js';
import { catalogTypeDefs } from './typeDefs.js';

export interface StartCatalogOptions {
  config: CatalogConfig;
  port?: number;
  host?: string;
  /** Wait for the first harvest before resolving (the one-command start does, so the first query has data). */
  awaitFirstHarvest?: boolean;
  log?: (line: string) => void;
  /** Milliseconds between progress lines of a long harvest (default 5 s). */
  progressIntervalMs?: number;
}

export interface RunningCatalog extends RunningServer {
  harvester: Harvester;
  store: CatalogStore;
}

/**
 * Starts the catalog subgraph: opens the index (SQLite, or PostgreSQL when `databaseUrl` is set), harvests every
 * provider once, then on a schedule (incremental, with a full harvest when one is due), and serves search.
 */
export async function startCatalogSubgraph(options: StartCatalogOptions): Promise<RunningCatalog> {
  const { config } = options;
  const store = await openCatalogStore(config, config.currencyRates ?? parseCurrencyRates(null));
  const harvester = new Harvester(store, config.providers, {
    log: options.log,
    skills: config.skillsUrl ? new SkillsClient(config.skillsUrl) : null,
    fullIntervalMs: (config.fullHarvestIntervalSeconds ?? 86_400) * 1000,
    progressIntervalMs: options.progressIntervalMs,
  });
  try {
    await harvester.register();
  } catch (error) {
    await harvester.close();
    await store.close();
    throw error;
  }
  const schema = buildSubgraphSchema({
    typeDefs: parse(catalogTypeDefs),
    // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
    resolvers: catalogResolvers({ store, harvester, adminToken: config.adminToken }) as any,
  });

  const firstHarvest = harvester.harvest([], 'AUTO');
  if (options.awaitFirstHarvest) await firstHarvest;
  const timer =
    config.harvestIntervalSeconds > 0
      ? setInterval(() => void harvester.harvest([], 'AUTO'), config.harvestIntervalSeconds * 1000).unref()
      : null;

  const server = await serveSubgraph({
    name: 'catalog',
    schema,
    context: (headers) => {
      const token = headers[ADMIN_TOKEN_HEADER];
      return createCatalogContext(store, typeof token === 'string' ? token : null);
    },
    routes: {
      '/admin/harvest': adminHarvestRoute(harvester, config.adminToken),
      // The gateway's caches poll this and drop everything cached before an index change.
      '/version': async (_request, response) =>
        sendJson(response, 200, { version: await store.indexVersion() }),
    },
    port: options.port,
    host: options.host,
    onClose: async () => {
      if (timer) clearInterval(timer);
      await firstHarvest;
      await harvester.close();
      await store.close();
    },
  });
  return { ...server, harvester, store };
}

const sameToken = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * `POST /admin/harvest` (optional JSON body `{"providers": ["credly"], "mode": "FULL" | "INCREMENTAL"}`, full by
 * default): harvests now and answers with the outcome per provider. Guarded by CATALOG_ADMIN_TOKEN as a bearer
 * token; with none set, only callers on this machine may use it.
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
      ? sameToken(request.headers.authorization ?? '', `Bearer ${adminToken}`)
      : ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');
    if (!authorized) {
      return sendJson(response, 401, { error: { code: 'UNAUTHENTICATED', message: 'admin token required' } });
    }
    const text = (await readBody(request, 10_000)) ?? '';
    let body: { providers?: string[]; mode?: HarvestRequestMode } = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return sendJson(response, 400, { error: { code: 'BAD_REQUEST', message: 'body must be JSON' } });
    }
    const mode = body.mode ?? 'FULL';
    if (!['FULL', 'INCREMENTAL', 'AUTO'].includes(mode)) {
      return sendJson(response, 400, {
        error: { code: 'BAD_REQUEST', message: 'mode must be FULL, INCREMENTAL or AUTO' },
      });
    }
    sendJson(response, 200, { outcomes: await harvester.harvest(body.providers, mode) });
  };
}
