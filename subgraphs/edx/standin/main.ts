import { envString, runAsProcess, standinAddress } from '../../kit/index.js';
import { EDX_DEMO_TOKEN } from '../config.js';
import { DEFAULT_THROTTLE_RATE, startEdxStandin } from './server.js';

/**
 * Runs the edX stand-in on its own: `EDX_STANDIN_PORT` (4106), `EDX_STANDIN_HOST` (127.0.0.1),
 * `EDX_STANDIN_TOKEN` (the JWT it accepts; the demo token by default) and `EDX_STANDIN_THROTTLE` (DRF rate
 * per user, `10000/hour` by default; Discovery's own is `200/hour`).
 */
runAsProcess('edx stand-in', async () => {
  const env = process.env;
  const standin = await startEdxStandin({
    ...standinAddress(env, 'edx', 4106),
    token: envString(env, 'EDX_STANDIN_TOKEN', EDX_DEMO_TOKEN),
    throttleRate: envString(env, 'EDX_STANDIN_THROTTLE', DEFAULT_THROTTLE_RATE),
  });
  return { close: standin.close, readyMessage: `edx stand-in ready at ${standin.origin}/api/v1/` };
});
