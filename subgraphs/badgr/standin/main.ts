import { envString, runAsProcess, standinAddress } from '../../kit/index.js';
import { DEFAULT_BADGR_CLIENT_ID, DEFAULT_BADGR_PASSWORD, DEFAULT_BADGR_USERNAME } from '../config.js';
import { startBadgrStandin } from './server.js';

/**
 * Runs the Badgr stand-in on its own: `BADGR_STANDIN_PORT` (4105), `BADGR_STANDIN_HOST` (127.0.0.1), and the
 * account it accepts from `BADGR_USERNAME`, `BADGR_PASSWORD`, `BADGR_CLIENT_ID` (default: the demo account).
 */
runAsProcess('badgr stand-in', async () => {
  const env = process.env;
  const standin = await startBadgrStandin({
    ...standinAddress(env, 'badgr', 4105),
    username: envString(env, 'BADGR_USERNAME', DEFAULT_BADGR_USERNAME),
    password: envString(env, 'BADGR_PASSWORD', DEFAULT_BADGR_PASSWORD),
    clientId: envString(env, 'BADGR_CLIENT_ID', DEFAULT_BADGR_CLIENT_ID),
  });
  return { close: standin.close, readyMessage: `badgr stand-in ready at ${standin.origin}/` };
});
