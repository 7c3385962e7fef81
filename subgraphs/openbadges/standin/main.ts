import { envOptional, runAsProcess, standinAddress } from '../../kit/index.js';
import { startOpenBadgesStandin } from './server.js';

/**
 * Runs the Open Badges stand-in on its own: `OPENBADGES_STANDIN_PORT` (4104), `OPENBADGES_STANDIN_HOST`
 * (127.0.0.1), `OPENBADGES_STANDIN_TOKEN` (the bearer token it accepts; default the adapter's demo token).
 */
runAsProcess('openbadges stand-in', async () => {
  const env = process.env;
  const token = envOptional(env, 'OPENBADGES_STANDIN_TOKEN');
  const standin = await startOpenBadgesStandin({
    ...standinAddress(env, 'openbadges', 4104),
    ...(token ? { token } : {}),
  });
  return {
    close: standin.close,
    readyMessage: `openbadges stand-in ready at ${standin.origin}/ (discovery: ${standin.origin}/ims/ob/v3p0/discovery)`,
  };
});
