import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { credlyProvider } from './provider.js';

/** Runs the Credly subgraph on its own: `CREDLY_PORT` (4002), `CREDLY_HOST` (127.0.0.1), `CREDLY_*` settings. */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(credlyProvider, {
    env,
    port: envInt(env, 'CREDLY_PORT', 4002, { max: 65_535 }),
    host: envString(env, 'CREDLY_HOST', '127.0.0.1'),
  });
  console.log(`credly subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `credly: ${error.message}` : error);
  process.exit(1);
});
