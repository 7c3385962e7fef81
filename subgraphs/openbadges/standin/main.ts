import { envInt, envOptional, envString } from '../../kit/index.js';
import { startOpenBadgesStandin } from './server.js';

/**
 * Runs the Open Badges stand-in on its own: `OPENBADGES_STANDIN_PORT` (4104), `OPENBADGES_STANDIN_HOST`
 * (127.0.0.1), `OPENBADGES_STANDIN_TOKEN` (the bearer token it accepts; default the adapter's demo token).
 */
async function main(): Promise<void> {
  const env = process.env;
  const token = envOptional(env, 'OPENBADGES_STANDIN_TOKEN');
  const standin = await startOpenBadgesStandin({
    port: envInt(env, 'OPENBADGES_STANDIN_PORT', 4104, { max: 65_535 }),
    host: envString(env, 'OPENBADGES_STANDIN_HOST', '127.0.0.1'),
    ...(token ? { token } : {}),
  });
  console.log(
    `openbadges stand-in ready at ${standin.origin}/ (discovery: ${standin.origin}/ims/ob/v3p0/discovery)`,
  );
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
