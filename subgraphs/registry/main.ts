import { runProviderProcess } from '../kit/index.js';
import { registryProvider } from './provider.js';

/** Runs the registry subgraph on its own: `REGISTRY_PORT` (4007), `REGISTRY_HOST` (127.0.0.1), `REGISTRY_*` (see README). */
runProviderProcess(registryProvider, 4007);
