import './telemetry.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { CACHE_DEBUG_HEADER, CACHE_HEADER, type CacheOptions } from './cache/options.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuitBreaker.js';
export { CompositionError, type CompositionProblem, composeSupergraph, type SubgraphSdl } from './compose.js';
export {
  ADMIN_TOKEN_HEADER,
  createSubgraphAgent,
  type GatewayContext,
  REQUEST_ID_HEADER,
  UndiciDataSource,
  type UndiciDataSourceOptions,
} from './dataSource.js';
export { GATEWAY_ERROR_CODES, type GatewayErrorCode } from './errors.js';
export { DEFAULT_HEAP_GROWTH_PERCENT, limitHeapGrowth } from './heapGrowth.js';
export { type IdeExample, ideExamples } from './ideExamples.js';
export { introspectSubgraphSdl, SubgraphIntrospectionError } from './introspect.js';
export { DEFAULT_REQUEST_LIMITS, estimateCost, type RequestLimits } from './limits.js';
export { createJsonLogger, type JsonLoggerOptions, type LogLevel } from './logging.js';
export { GatewayMetrics } from './metrics.js';
export type { RateLimitOptions } from './rateLimit.js';
export {
  createGateway,
  type GatewayLogger,
  type GatewayOptions,
  GRAPHQL_PATH,
  HEALTH_PATH,
  METRICS_PATH,
  READY_PATH,
  type RunningGateway,
  startGateway,
} from './server.js';
export { GatewaySettingError, gatewayOptionsFromEnv, heapGrowthPercentFromEnv } from './settings.js';
export {
  composeSupergraphConfig,
  composeSupergraphFromFile,
  parseSupergraphConfig,
  readSupergraphConfig,
  resolveSubgraphSdls,
  type SubgraphEntry,
  type SubgraphSchemaSource,
  type SupergraphConfig,
  SupergraphConfigError,
} from './supergraphConfig.js';
export type { SupergraphSourceOptions } from './supergraphSource.js';
export { TrustedDocuments, TrustedDocumentsError } from './trustedDocuments.js';

/**
 * The bundled `gateway/supergraph.yaml` (catalog 4001, credly 4002, coursera 4003). It stays in the source
 * tree, so it is found by walking up to the package root whether this runs from sources or from dist/.
 */
export function defaultSupergraphConfigPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('credgraph: cannot find the package root (no package.json above)');
    dir = parent;
  }
  return join(dir, 'gateway', 'supergraph.yaml');
}
