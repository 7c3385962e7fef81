import { runProviderProcess } from '../kit/index.js';
import { badgrProvider } from './provider.js';

/** Runs the Badgr subgraph on its own: `BADGR_PORT` (4005), `BADGR_HOST` (127.0.0.1), `BADGR_*` (see README). */
runProviderProcess(badgrProvider, 4005);
