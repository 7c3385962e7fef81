import { envOptional, runAsProcess, standinAddress } from '../../kit/index.js';
import { startExemplarStandin } from './server.js';

/**
 * Runs the stand-in on its own: `EXEMPLAR_STANDIN_PORT` (4199), `EXEMPLAR_STANDIN_HOST` (127.0.0.1),
 * `EXEMPLAR_STANDIN_TOKEN` (the token it accepts; default the demo token).
 */
runAsProcess('exemplar stand-in', async () => {
  const token = envOptional(process.env, 'EXEMPLAR_STANDIN_TOKEN');
  const standin = await startExemplarStandin({
    ...standinAddress(process.env, 'exemplar', 4199),
    ...(token ? { token } : {}),
  });
  return { close: standin.close, readyMessage: `exemplar stand-in ready at ${standin.origin}/v1/` };
});
