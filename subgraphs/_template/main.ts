import { runProviderProcess } from '../kit/index.js';
import { exemplarProvider } from './provider.js';

/** Runs the subgraph on its own: `EXEMPLAR_PORT` (4099), `EXEMPLAR_HOST` (127.0.0.1), `EXEMPLAR_*` (see README). */
runProviderProcess(exemplarProvider, 4099);
