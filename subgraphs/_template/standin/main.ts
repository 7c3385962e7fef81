import { envInt, envOptional, envString } from '../../kit/index.js';
import { startExemplarStandin } from './server.js';

/**
 * Runs the stand-in on its own: `EXEMPLAR_STANDIN_PORT` (4199), `EXEMPLAR_STANDIN_HOST` (127.0.0.1),
 * `EXEMPLAR_STANDIN_TOKEN` (the token it accepts; default the demo token).
 */
async function main(): Promise<void> {
  const env = process.env;
  const token = envOptional(env, 'EXEMPLAR_STANDIN_TOKEN');
  const standin = await startExemplarStandin({
    port: envInt(env, 'EXEMPLAR_STANDIN_PORT', 4199, { max: 65_535 }),
    host: envString(env, 'EXEMPLAR_STANDIN_HOST', '127.0.0.1'),
    ...(token ? { token } : {}),
  });
  console.log(`exemplar stand-in ready at ${standin.origin}/v1/`);
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
