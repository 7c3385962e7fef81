import { runProviderProcess } from '../kit/index.js';
import { edxProvider } from './provider.js';

/** Runs the edX subgraph on its own: `EDX_PORT` (4006), `EDX_HOST` (127.0.0.1), `EDX_*` (see README). */
runProviderProcess(edxProvider, 4006);
