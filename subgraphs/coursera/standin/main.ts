import { envOptional, runAsProcess, standinAddress } from '../../kit/index.js';
import { startCourseraStandin } from './server.js';

/**
 * Runs the Coursera stand-in on its own: `COURSERA_STANDIN_PORT` (4103), `COURSERA_STANDIN_HOST` (127.0.0.1),
 * `COURSERA_STANDIN_TOKEN` (optional: then a wrong bearer token gets 401).
 */
runAsProcess('coursera stand-in', async () => {
  const env = process.env;
  const token = envOptional(env, 'COURSERA_STANDIN_TOKEN');
  const standin = await startCourseraStandin({
    ...standinAddress(env, 'coursera', 4103),
    ...(token ? { token } : {}),
  });
  return { close: standin.close, readyMessage: `coursera stand-in ready at ${standin.origin}/api/` };
});
