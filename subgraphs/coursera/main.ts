import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { courseraProvider } from './provider.js';

/** Runs the Coursera subgraph on its own: `COURSERA_PORT` (4003), `COURSERA_HOST` (127.0.0.1), `COURSERA_*`. */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(courseraProvider, {
    env,
    port: envInt(env, 'COURSERA_PORT', 4003, { max: 65_535 }),
    host: envString(env, 'COURSERA_HOST', '127.0.0.1'),
  });
  console.log(`coursera subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `coursera: ${error.message}` : error);
  process.exit(1);
});
