import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { badgrProvider } from './provider.js';

/** Runs the Badgr subgraph on its own: `BADGR_PORT` (4005), `BADGR_HOST` (127.0.0.1), `BADGR_*`. */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(badgrProvider, {
    env,
    port: envInt(env, 'BADGR_PORT', 4005, { max: 65_535 }),
    host: envString(env, 'BADGR_HOST', '127.0.0.1'),
  });
  console.log(`badgr subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `badgr: ${error.message}` : error);
  process.exit(1);
});
