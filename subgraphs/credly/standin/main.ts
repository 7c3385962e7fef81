import { envString, runAsProcess, standinAddress } from '../../kit/index.js';
import { DEFAULT_CREDLY_API_TOKEN } from '../config.js';
import { startCredlyStandin } from './server.js';

/**
 * Runs the Credly stand-in on its own: `CREDLY_STANDIN_PORT` (4102), `CREDLY_STANDIN_HOST` (127.0.0.1),
 * `CREDLY_STANDIN_TOKEN` (the organization token it accepts; default: the demo token).
 */
runAsProcess('credly stand-in', async () => {
  const env = process.env;
  const standin = await startCredlyStandin({
    ...standinAddress(env, 'credly', 4102),
    token: envString(env, 'CREDLY_STANDIN_TOKEN', DEFAULT_CREDLY_API_TOKEN),
  });
  return { close: standin.close, readyMessage: `credly stand-in ready at ${standin.origin}/v1/` };
});
