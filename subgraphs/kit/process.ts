import { ConfigError, type Env, envInt, envString } from './config.js';
import type { AnyProvider } from './contract.js';
import { startProviderSubgraph } from './providerSubgraph.js';

export interface ProcessServer {
  close(): Promise<void>;
  /** The one line printed once the server is up, e.g. `credly subgraph ready at http://…/graphql`. */
  readyMessage: string;
}

/**
 * Runs a server as this whole process: starts it, prints its ready line, closes it on SIGTERM/SIGINT and exits
 * 0; a configuration error exits 1 with its plain message rather than a stack trace.
 */
export function runAsProcess(name: string, start: () => Promise<ProcessServer>): void {
  start()
    .then((server) => {
      console.log(server.readyMessage);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    })
    .catch((error: unknown) => {
      console.error(error instanceof ConfigError ? `${name}: ${error.message}` : error);
      process.exit(1);
    });
}

/** The prefix of a provider's settings: `credly` → `CREDLY`, `acme-badges` → `ACME_BADGES`. */
export function settingPrefix(providerId: string): string {
  return providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** Where a provider's stand-in listens when run on its own: `<ID>_STANDIN_PORT`, `<ID>_STANDIN_HOST`. */
export function standinAddress(
  env: Env,
  providerId: string,
  defaultPort: number,
): { port: number; host: string } {
  const prefix = settingPrefix(providerId);
  return {
    port: envInt(env, `${prefix}_STANDIN_PORT`, defaultPort, { max: 65_535 }),
    host: envString(env, `${prefix}_STANDIN_HOST`, '127.0.0.1'),
  };
}

/**
 * Runs a provider's subgraph as its own process: `<ID>_PORT` (default `defaultPort`), `<ID>_HOST` (127.0.0.1),
 * and its upstream settings from the environment.
 */
export function runProviderProcess(provider: AnyProvider, defaultPort: number): void {
  const id = provider.info.id;
  const prefix = settingPrefix(id);
  runAsProcess(id, async () => {
    const env = process.env;
    const server = await startProviderSubgraph(provider, {
      env,
      port: envInt(env, `${prefix}_PORT`, defaultPort, { max: 65_535 }),
      host: envString(env, `${prefix}_HOST`, '127.0.0.1'),
    });
    return { close: server.close, readyMessage: `${id} subgraph ready at ${server.url}` };
  });
}
