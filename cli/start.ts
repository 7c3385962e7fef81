import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  composeSupergraphConfig,
  readSupergraphConfig,
  type SubgraphEntry,
  startGateway,
} from '../gateway/index.js';
import { startCatalogSubgraph } from '../subgraphs/catalog/catalog.js';
import { type Env, envInt, envString, projectRoot, startProviderSubgraph } from '../subgraphs/kit/index.js';
import { startSkillsSubgraph } from '../subgraphs/skills/skills.js';
import { localProviders } from './localProviders.js';

export interface LocalCatalogOptions {
  env: Env;
  /** `defaults`: the ports in the supergraph config and PORT; `free`: any free ports (tests). */
  ports: 'defaults' | 'free';
  /** Where the catalog keeps its index; a fresh temporary file when not given with free ports. */
  databasePath?: string;
  log?: (line: string) => void;
}

export interface RunningLocalCatalog {
  gatewayUrl: string;
  /** Each subgraph's GraphQL URL by name. */
  subgraphUrls: Record<string, string>;
  /** Each stand-in's base URL by provider id. */
  standinUrls: Record<string, string>;
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
    for (const local of localProviders) {
      const id = local.provider.info.id;
      const providerEnv: Env = { ...env };
      if (!env[local.baseUrlSetting]) {
        const standin = await local.startStandin({ host: '127.0.0.1' });
        closers.push(standin.close);
        standinUrls[id] = standin.baseUrl;
        Object.assign(providerEnv, { [local.baseUrlSetting]: standin.baseUrl });
        log(`${id}: stand-in for its upstream API at ${standin.baseUrl}`);
      }
      const subgraph = await startProviderSubgraph(local.provider, {
        env: providerEnv,
        port: portOf(id),
        host,
      });
      closers.push(subgraph.close);
      subgraphUrls[id] = subgraph.url;
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
      },
      port: portOf('catalog'),
      host,
      awaitFirstHarvest: true,
      log: (line) => log(`catalog: ${line}`),
    });
    closers.push(catalog.close);
    subgraphUrls.catalog = catalog.url;

    const subgraphs: SubgraphEntry[] = Object.entries(subgraphUrls).map(([name, url]) => ({
      name,
      routingUrl: url,
      schema: { subgraphUrl: url },
    }));
    const supergraphSdl = await composeSupergraphConfig({ subgraphs });
    const gateway = await startGateway({
      supergraphSdl,
      port: options.ports === 'free' ? 0 : envInt(env, 'PORT', 4000, { max: 65535 }),
      host,
    });
    closers.push(gateway.close);
    return { gatewayUrl: gateway.url, subgraphUrls, standinUrls, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `credgraph start`: the one-command catalog, in the foreground until SIGINT/SIGTERM. */
export async function startCommand(_argv: string[]): Promise<void> {
  const started = Date.now();
  const running = await startLocalCatalog({
    env: process.env,
    ports: 'defaults',
    log: (line) => console.log(line),
  });
  console.log(
    `\ncredgraph is ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${running.gatewayUrl}`,
  );
  console.log('Open it in a browser for the GraphQL IDE, or POST GraphQL queries to it.');
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('stopping…');
      void running.close().then(() => process.exit(0));
    });
  }
}
