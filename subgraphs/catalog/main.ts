import { envInt, envString } from '../kit/index.js';
import { startCatalogSubgraph } from './catalog.js';
import { readCatalogConfig } from './config.js';

/** Runs the catalog subgraph as its own process. */
const catalog = await startCatalogSubgraph({
  config: readCatalogConfig(process.env),
  port: envInt(process.env, 'CATALOG_PORT', 4001, { max: 65535 }),
  host: envString(process.env, 'CATALOG_HOST', '127.0.0.1'),
  log: (line) => console.log(`[catalog] ${line}`),
});
console.log(`catalog subgraph ready at ${catalog.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void catalog.close().then(() => process.exit(0)));
}
