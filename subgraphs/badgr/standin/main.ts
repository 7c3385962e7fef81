import { envInt, envString } from '../../kit/index.js';
import { DEFAULT_BADGR_CLIENT_ID, DEFAULT_BADGR_PASSWORD, DEFAULT_BADGR_USERNAME } from '../config.js';
import { startBadgrStandin } from './server.js';

/**
 * Runs the Badgr stand-in on its own: `BADGR_STANDIN_PORT` (4105), `BADGR_STANDIN_HOST` (127.0.0.1), and the
 * account it accepts from `BADGR_USERNAME`, `BADGR_PASSWORD`, `BADGR_CLIENT_ID` (default: the demo account).
 */
async function main(): Promise<void> {
  const env = process.env;
  const standin = await startBadgrStandin({
    port: envInt(env, 'BADGR_STANDIN_PORT', 4105, { max: 65_535 }),
    host: envString(env, 'BADGR_STANDIN_HOST', '127.0.0.1'),
    username: envString(env, 'BADGR_USERNAME', DEFAULT_BADGR_USERNAME),
    password: envString(env, 'BADGR_PASSWORD', DEFAULT_BADGR_PASSWORD),
    clientId: envString(env, 'BADGR_CLIENT_ID', DEFAULT_BADGR_CLIENT_ID),
  });
  console.log(`badgr stand-in ready at ${standin.origin}/`);
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
