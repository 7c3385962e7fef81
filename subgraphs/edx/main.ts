import { ConfigError, envInt, envString, startProviderSubgraph } from '../kit/index.js';
import { edxProvider } from './provider.js';

/** Runs the edX subgraph on its own: `EDX_PORT` (4006), `EDX_HOST` (127.0.0.1), `EDX_*` (see README). */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startProviderSubgraph(edxProvider, {
    env,
    port: envInt(env, 'EDX_PORT', 4006, { max: 65_535 }),
    host: envString(env, 'EDX_HOST', '127.0.0.1'),
  });
  console.log(`edx subgraph ready at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `edx: ${error.message}` : error);
  process.exit(1);
});
