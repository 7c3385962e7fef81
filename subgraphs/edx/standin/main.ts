import { envInt, envString } from '../../kit/index.js';
import { EDX_DEMO_TOKEN } from '../config.js';
import { DEFAULT_THROTTLE_RATE, startEdxStandin } from './server.js';

/**
 * Runs the edX stand-in on its own: `EDX_STANDIN_PORT` (4106), `EDX_STANDIN_HOST` (127.0.0.1),
 * `EDX_STANDIN_TOKEN` (the JWT it accepts; the demo token by default) and `EDX_STANDIN_THROTTLE` (DRF rate
 * per user, `10000/hour` by default; Discovery's own is `200/hour`).
 */
async function main(): Promise<void> {
  const env = process.env;
  const standin = await startEdxStandin({
    port: envInt(env, 'EDX_STANDIN_PORT', 4106, { max: 65_535 }),
    host: envString(env, 'EDX_STANDIN_HOST', '127.0.0.1'),
    token: envString(env, 'EDX_STANDIN_TOKEN', EDX_DEMO_TOKEN),
    throttleRate: envString(env, 'EDX_STANDIN_THROTTLE', DEFAULT_THROTTLE_RATE),
  });
  console.log(`edx stand-in ready at ${standin.origin}/api/v1/`);
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
