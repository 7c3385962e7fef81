import { envInt, envOptional, envString } from '../../kit/index.js';
import { startRegistryStandin } from './server.js';

/**
 * Runs the registry stand-in on its own: `REGISTRY_STANDIN_PORT` (4107), `REGISTRY_STANDIN_HOST` (127.0.0.1),
 * `REGISTRY_STANDIN_API_KEY` (the key it accepts; default the demo key), `REGISTRY_STANDIN_RATE_LIMIT`
 * (optional: search requests per second before it answers 429).
 */
async function main(): Promise<void> {
  const env = process.env;
  const apiKey = envOptional(env, 'REGISTRY_STANDIN_API_KEY');
  const rateLimit = envInt(env, 'REGISTRY_STANDIN_RATE_LIMIT', 0, { max: 100_000 });
  const standin = await startRegistryStandin({
    port: envInt(env, 'REGISTRY_STANDIN_PORT', 4107, { max: 65_535 }),
    host: envString(env, 'REGISTRY_STANDIN_HOST', '127.0.0.1'),
    ...(apiKey ? { apiKey } : {}),
    ...(rateLimit > 0 ? { searchRequestsPerSecond: rateLimit } : {}),
  });
  console.log(`registry stand-in ready at ${standin.origin}/ (search: POST /assistant/search/ctdl)`);
  const stop = async () => {
    await standin.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
