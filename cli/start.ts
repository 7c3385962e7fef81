import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  composeSupergraphConfig,
  type GatewayOptions,
  gatewayOptionsFromEnv,
  heapGrowthPercentFromEnv,
  limitHeapGrowth,
  type RunningGateway,
  readSupergraphConfig,
  type SubgraphEntry,
  startGateway,
} from '../gateway/index.js';
import { startCatalogSubgraph } from '../subgraphs/catalog/catalog.js';
import { readCatalogStoreSettings } from '../subgraphs/catalog/config.js';
import {
  type Env,
  envInt,
  envString,
  projectRoot,
  type RunningFaultProxy,
  type RunningServer,
  startFaultProxy,
  startProviderSubgraph,
} from '../subgraphs/kit/index.js';
import { startSkillsSubgraph } from '../subgraphs/skills/skills.js';
import { localProviders } from './localProviders.js';

export interface LocalCatalogOptions {
  env: Env;
  /** `defaults`: the ports in the supergraph config and PORT; `free`: any free ports (tests). */
  ports: 'defaults' | 'free';
  /** Where the catalog keeps its index; a fresh temporary file when not given with free ports. */
  databasePath?: string;
  log?: (line: string) => void;
  /** Puts a fault proxy in front of every stand-in, for fault-injection tests (see `upstreams`). */
  faultProxies?: boolean;
  /** Gateway options over those the environment sets (`CREDGRAPH_*`), e.g. timeouts or a logger. */
  gateway?: Partial<GatewayOptions>;
}

export interface RunningLocalCatalog {
  gatewayUrl: string;
  /** Each subgraph's GraphQL URL by name. */
  subgraphUrls: Record<string, string>;
  /** Each stand-in's base URL by provider id (the fault proxy's, with `faultProxies`). */
  standinUrls: Record<string, string>;
  /** With `faultProxies`: the proxy in front of each stand-in, by provider id, to inject faults or take it down. */
  upstreams: Record<string, RunningFaultProxy>;
  /** The subgraph servers this process runs, by name (not the remote ones). */
  subgraphs: Record<string, RunningServer>;
  gateway: RunningGateway;
  close(): Promise<void>;
}

/**
 * Runs the whole catalog on one machine, in this process: a stand-in for every provider whose upstream is not
 * configured, every local provider subgraph, the catalog (after its first harvest), then the gateway over them.
 */
export async function startLocalCatalog(options: LocalCatalogOptions): Promise<RunningLocalCatalog> {
  const { env, log = () => {} } = options;
  const host = envString(env, 'HOST', '127.0.0.1');
  const configPath = envString(
    env,
    'CREDGRAPH_SUPERGRAPH_CONFIG',
    join(projectRoot(), 'gateway', 'supergraph.yaml'),
  );
  const config = await readSupergraphConfig(configPath, env as NodeJS.ProcessEnv);
  const portOf = (name: string) => {
    if (options.ports === 'free') return 0;
    const entry = config.subgraphs.find((subgraph) => subgraph.name === name);
    return entry ? Number(new URL(entry.routingUrl).port) : 0;
  };
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };

  try {
    const subgraphUrls: Record<string, string> = {};
    const standinUrls: Record<string, string> = {};
    const upstreams: Record<string, RunningFaultProxy> = {};
    const servers: Record<string, RunningServer> = {};
    for (const local of localProviders) {
      const id = local.provider.info.id;
      const providerEnv: Env = { ...env };
      if (!env[local.baseUrlSetting]) {
        const standin = await local.startStandin({ host: '127.0.0.1' });
        closers.push(standin.close);
        let baseUrl = standin.baseUrl;
        if (options.faultProxies) {
          const proxy = await startFaultProxy(new URL(standin.baseUrl).origin);
          closers.push(proxy.close);
          upstreams[id] = proxy;
          baseUrl = new URL(new URL(standin.baseUrl).pathname, proxy.origin).href;
        }
        standinUrls[id] = baseUrl;
        Object.assign(providerEnv, { [local.baseUrlSetting]: baseUrl });
        log(`${id}: stand-in for its upstream API at ${baseUrl}`);
      }
      const subgraph = await startProviderSubgraph(local.provider, {
        env: providerEnv,
        port: portOf(id),
        host,
      });
      closers.push(subgraph.close);
      subgraphUrls[id] = subgraph.url;
      servers[id] = subgraph;
    }

    // Subgraphs in the config that are not local run elsewhere (a partner's process): route to them as listed.
    const remote = config.subgraphs.filter(
      (entry) => !['catalog', 'skills'].includes(entry.name) && !(entry.name in subgraphUrls),
    );
    for (const entry of remote) subgraphUrls[entry.name] = entry.routingUrl;
    const providerFeeds = Object.entries(subgraphUrls).map(([id, url]) => ({
      id,
      feedUrl: new URL('/feed', url).href,
    }));

    // The skills vocabulary comes up before the catalog, which normalises skill labels with it while harvesting.
    const skills = await startSkillsSubgraph({ port: portOf('skills'), host });
    closers.push(skills.close);
    subgraphUrls.skills = skills.url;
    servers.skills = skills;

    let databasePath = options.databasePath ?? envString(env, 'CATALOG_DATABASE_PATH', 'data/catalog.sqlite');
    if (options.ports === 'free' && !options.databasePath) {
      const dir = mkdtempSync(join(tmpdir(), 'credgraph-'));
      closers.push(async () => rmSync(dir, { recursive: true, force: true }));
      databasePath = join(dir, 'catalog.sqlite');
    }
    log('catalog: harvesting provider feeds…');
    const catalog = await startCatalogSubgraph({
      config: {
        databasePath,
        providers: providerFeeds,
        skillsUrl: skills.normalizeUrl,
        harvestIntervalSeconds: envInt(env, 'CATALOG_HARVEST_INTERVAL_S', 3600),
        adminToken: env.CATALOG_ADMIN_TOKEN ?? null,
        ...readCatalogStoreSettings(env),
      },
      port: portOf('catalog'),
      host,
      awaitFirstHarvest: true,
      log: (line) => log(`catalog: ${line}`),
    });
    closers.push(catalog.close);
    subgraphUrls.catalog = catalog.url;
    servers.catalog = catalog;

    const subgraphs: SubgraphEntry[] = Object.entries(subgraphUrls).map(([name, url]) => ({
      name,
      routingUrl: url,
      schema: { subgraphUrl: url },
    }));
    const supergraphSdl = await composeSupergraphConfig({ subgraphs });
    const gateway = await startGateway({
      ...gatewayOptionsFromEnv(env),
      ...options.gateway,
      supergraphSdl,
      port: options.ports === 'free' ? 0 : envInt(env, 'PORT', 4000, { max: 65535 }),
      host,
    });
    closers.push(gateway.close);
    return {
      gatewayUrl: gateway.url,
      subgraphUrls,
      standinUrls,
      upstreams,
      subgraphs: servers,
      gateway,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The gateway options the `start` command adds to the environment's: request logs, and caches by default. */
function gatewayDefaultsForCommand(env: Env): Partial<GatewayOptions> {
  const fromEnv = gatewayOptionsFromEnv(env, { cacheByDefault: true });
  return {
    logLevel: fromEnv.logLevel ?? 'info',
    ...(fromEnv.cache !== undefined ? { cache: fromEnv.cache } : {}),
  };
}

/**
 * What the demo's stand-ins say about caching their answers (unless STANDIN_CACHE_CONTROL says otherwise), as a
 * real upstream would: fresh for a minute, then served while revalidated, and for a day when the upstream fails.
 */
export const DEMO_STANDIN_CACHE_CONTROL =
  'public, max-age=60, stale-while-revalidate=300, stale-if-error=86400';

/** `credgraph start`: the one-command catalog, in the foreground until SIGINT/SIGTERM. */
export async function startCommand(_argv: string[]): Promise<void> {
  const started = Date.now();
  // One process runs the whole catalog here, gateway included: its heap is bounded as the gateway's would be.
  limitHeapGrowth(heapGrowthPercentFromEnv(process.env));
  process.env.STANDIN_CACHE_CONTROL ??= DEMO_STANDIN_CACHE_CONTROL;
  const running = await startLocalCatalog({
    env: process.env,
    ports: 'defaults',
    log: (line) => console.log(line),
    // Every request gets a JSON log line on standard error unless CREDGRAPH_LOG_LEVEL says otherwise, and the
    // caches are on unless CREDGRAPH_CACHE=off, as with `credgraph gateway`.
    gateway: gatewayDefaultsForCommand(process.env),
  });
  console.log(
    `\ncredgraph is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${running.gatewayUrl}`,
  );
  console.log('Open it in a browser for the GraphQL IDE, or POST GraphQL queries to it.');
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        console.error(`${signal} again: exiting without waiting for in-flight requests`);
        process.exit(1);
      }
      stopping = true;
      console.log('stopping… (in-flight requests finish first; signal again to exit at once)');
      void running.close().then(() => process.exit(0));
    });
  }
}
