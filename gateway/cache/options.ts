/** The gateway's caches (`GatewayOptions.cache`). Every field left out keeps its default. */
export interface CacheOptions {
  /** Whole answers, keyed by operation, variables and the headers that matter. Default true. */
  responses?: boolean;
  /** `_entities` results per subgraph, type, key and selection. Default true. */
  entities?: boolean;
  /**
   * Max age, in seconds, of a subgraph answer that carries no Cache-Control header (Apollo Router's default
   * TTL). Subgraphs that send one are followed: `no-store`, `max-age=0` or `private` as they say. Default 30.
   */
  defaultMaxAgeSeconds?: number;
  /** Share the caches through this Redis (`redis://host:port/db`); this process's memory when absent. */
  redisUrl?: string;
  /** Prefix of every cache key in Redis. Default `credgraph`. */
  keyPrefix?: string;
  /** Memory for cached answers and entities (with Redis: for the hot copy of answers), in MB. Default 64. */
  memoryMB?: number;
  /** Request headers that identify a user, under whose digest PRIVATE answers are stored. Default `authorization`. */
  sessionHeaders?: string[];
  /** How often the catalog's version is read, in ms (a change leaves everything cached before unread); 0 never. Default 1000. */
  versionPollMs?: number;
  /** Where the version is read. Default `/version` beside the `catalog` subgraph (its harvest status without one). */
  versionUrl?: string;
  /** The subgraph whose harvests invalidate the caches. Default `catalog`. */
  versionSubgraph?: string;
}

export type ResolvedCacheOptions = Required<Omit<CacheOptions, 'redisUrl' | 'versionUrl'>> &
  Pick<CacheOptions, 'redisUrl' | 'versionUrl'>;

/** The header a client sends (`1`) to get `extensions.credgraphCache`: what each cache did for its request. */
export const CACHE_DEBUG_HEADER = 'x-credgraph-cache-debug';
/**
 * The header that says what the response cache did (`hit`, `miss`, `bypass`) in answers; an operator sends it
 * as `bypass`, with the admin token, to have every cache skipped for one request.
 */
export const CACHE_HEADER = 'x-credgraph-cache';

export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  return {
    responses: options.responses ?? true,
    entities: options.entities ?? true,
    defaultMaxAgeSeconds: options.defaultMaxAgeSeconds ?? 30,
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    keyPrefix: options.keyPrefix ?? 'credgraph',
    memoryMB: options.memoryMB ?? 64,
    sessionHeaders: (options.sessionHeaders ?? ['authorization']).map((name) => name.toLowerCase()),
    versionPollMs: options.versionPollMs ?? 1_000,
    ...(options.versionUrl ? { versionUrl: options.versionUrl } : {}),
    versionSubgraph: options.versionSubgraph ?? 'catalog',
  };
}
