import { runProviderProcess } from '../kit/index.js';
import { courseraProvider } from './provider.js';

/** Runs the Coursera subgraph on its own: `COURSERA_PORT` (4003), `COURSERA_HOST` (127.0.0.1), `COURSERA_*` (see README). */
runProviderProcess(courseraProvider, 4003);
