import { runProviderProcess } from '../kit/index.js';
import { credlyProvider } from './provider.js';

/** Runs the Credly subgraph on its own: `CREDLY_PORT` (4002), `CREDLY_HOST` (127.0.0.1), `CREDLY_*` (see README). */
runProviderProcess(credlyProvider, 4002);
