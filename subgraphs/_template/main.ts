import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { exemplarProvider } from './provider.js';

/** Runs the subgraph on its own: `EXEMPLAR_PORT` (4099), `EXEMPLAR_HOST` (127.0.0.1), `EXEMPLAR_*` (see README). */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(exemplarProvider, {
    env,
    port: envInt(env, 'EXEMPLAR_PORT', 4099, { max: 65_535 }),
    host: envString(env, 'EXEMPLAR_HOST', '127.0.0.1'),
  });
  console.log(`exemplar subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `exemplar: ${error.message}` : error);
  process.exit(1);
});
