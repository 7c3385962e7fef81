import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { registryProvider } from './provider.js';

/** Runs the registry subgraph on its own: `REGISTRY_PORT` (4007), `REGISTRY_HOST` (127.0.0.1), `REGISTRY_*`. */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(registryProvider, {
    env,
    port: envInt(env, 'REGISTRY_PORT', 4007, { max: 65_535 }),
    host: envString(env, 'REGISTRY_HOST', '127.0.0.1'),
  });
  console.log(`registry subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `registry: ${error.message}` : error);
  process.exit(1);
});
