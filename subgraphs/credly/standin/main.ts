import { envInt, envString } from '../../kit/index.js';
import { DEFAULT_CREDLY_API_TOKEN } from '../config.js';
import { startCredlyStandin } from './server.js';

/**
 * Runs the Credly stand-in on its own: `CREDLY_STANDIN_PORT` (4102), `CREDLY_STANDIN_HOST` (127.0.0.1),
 * `CREDLY_STANDIN_TOKEN` (the organization token it accepts; default: the demo token).
 */
async function main(): Promise<void> {
  const env = process.env;
  const standin = await startCredlyStandin({
    port: envInt(env, 'CREDLY_STANDIN_PORT', 4102, { max: 65_535 }),
    host: envString(env, 'CREDLY_STANDIN_HOST', '127.0.0.1'),
    token: envString(env, 'CREDLY_STANDIN_TOKEN', DEFAULT_CREDLY_API_TOKEN),
  });
  console.log(`credly stand-in ready at ${standin.origin}/v1/`);
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
