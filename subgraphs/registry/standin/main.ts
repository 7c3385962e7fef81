import { envInt, envOptional, runAsProcess, standinAddress } from '../../kit/index.js';
import { startRegistryStandin } from './server.js';

/**
 * Runs the registry stand-in on its own: `REGISTRY_STANDIN_PORT` (4107), `REGISTRY_STANDIN_HOST` (127.0.0.1),
 * `REGISTRY_STANDIN_API_KEY` (the key it accepts; default the demo key), `REGISTRY_STANDIN_RATE_LIMIT`
 * (optional: search requests per second before it answers 429).
 */
runAsProcess('registry stand-in', async () => {
  const env = process.env;
  const apiKey = envOptional(env, 'REGISTRY_STANDIN_API_KEY');
  const rateLimit = envInt(env, 'REGISTRY_STANDIN_RATE_LIMIT', 0, { max: 100_000 });
  const standin = await startRegistryStandin({
    ...standinAddress(env, 'registry', 4107),
    ...(apiKey ? { apiKey } : {}),
    ...(rateLimit > 0 ? { searchRequestsPerSecond: rateLimit } : {}),
  });
  return {
    close: standin.close,
    readyMessage: `registry stand-in ready at ${standin.origin}/ (search: POST /assistant/search/ctdl)`,
  };
});
