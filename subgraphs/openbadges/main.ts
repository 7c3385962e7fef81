import { runProviderProcess } from '../kit/index.js';
import { openBadgesProvider } from './provider.js';

/** Runs the Open Badges subgraph on its own: `OPENBADGES_PORT` (4004), `OPENBADGES_HOST` (127.0.0.1), `OPENBADGES_*` (see README). */
runProviderProcess(openBadgesProvider, 4004);
