import { envInt, envOptional, envString } from '../../kit/index.js';
import { startCourseraStandin } from './server.js';

/**
 * Runs the Coursera stand-in on its own: `COURSERA_STANDIN_PORT` (4103), `COURSERA_STANDIN_HOST` (127.0.0.1),
 * `COURSERA_STANDIN_TOKEN` (optional: then a wrong bearer token gets 401).
 */
async function main(): Promise<void> {
  const env = process.env;
  const token = envOptional(env, 'COURSERA_STANDIN_TOKEN');
  const standin = await startCourseraStandin({
    port: envInt(env, 'COURSERA_STANDIN_PORT', 4103, { max: 65_535 }),
    host: envString(env, 'COURSERA_STANDIN_HOST', '127.0.0.1'),
    ...(token ? { token } : {}),
  });
  console.log(`coursera stand-in ready at ${standin.origin}/api/`);
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
