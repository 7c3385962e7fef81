import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { openBadgesProvider } from './provider.js';

/** Runs the Open Badges subgraph on its own: `OPENBADGES_PORT` (4004), `OPENBADGES_HOST` (127.0.0.1), `OPENBADGES_*`. */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(openBadgesProvider, {
    env,
    port: envInt(env, 'OPENBADGES_PORT', 4004, { max: 65_535 }),
    host: envString(env, 'OPENBADGES_HOST', '127.0.0.1'),
  });
  console.log(`openbadges subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `openbadges: ${error.message}` : error);
  process.exit(1);
});
