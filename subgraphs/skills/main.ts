import { ConfigError, envInt, envString } from '../kit/index.js';
import { startSkillsSubgraph } from './skills.js';

/** Runs the skills subgraph on its own: `SKILLS_PORT` (4008), `SKILLS_HOST` (127.0.0.1). */
async function main(): Promise<void> {
  const env = process.env;
  const server = await startSkillsSubgraph({
    port: envInt(env, 'SKILLS_PORT', 4008, { max: 65_535 }),
    host: envString(env, 'SKILLS_HOST', '127.0.0.1'),
    log: (line) => console.log(`[skills] ${line}`),
  });
  console.log(`skills subgraph ready at ${server.url} (normalize at ${server.normalizeUrl})`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `skills: ${error.message}` : error);
  process.exit(1);
});
