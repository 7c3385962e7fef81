import type { CacheScope } from './cachePolicy.js';

/** Entity lookups of one subgraph and type in one request, for the debug report. */
export interface EntityReport {
  /** Served from the entity cache. */
  hits: number;
  /** Asked of the subgraph. */
  misses: number;
  /** Answered null by the gateway (another provider's id), never asked. */
  skipped: number;
}

/** What a client that sends `x-credgraph-cache-debug: 1` gets in `extensions.credgraphCache`. */
export interface CacheReport {
  /** The whole-response cache: HIT, MISS (computed, and stored if cacheable), BYPASS or OFF. */
  response: 'HIT' | 'MISS' | 'BYPASS' | 'OFF';
  /** The answer's cache policy; null when it may not be cached. */
  policy: { maxAge: number; scope: CacheScope } | null;
  /** Per `<subgraph>.<type>`. */
  entities: Record<string, EntityReport>;
  /** The generation in the keys (schema digest and catalog version). */
  generation: string;
  /** Seconds since a HIT was stored. */
  age?: number;
}

/** What caching may do for one client request; carried in the request's context (`GatewayContext.cache`). */
export interface RequestCacheState {
  /** Digest of the schema and the catalog's version: part of every key, so a new one leaves old entries unread. */
  generation: string;
  /** A digest of the user's session headers, under which PRIVATE entries are stored; null for anonymous requests. */
  session: string | null;
  /** An operator's bypass: caches are not read, and fresh answers replace what they held. */
  bypass: boolean;
  /** Whether entity fetches go through the entity cache. */
  entities: boolean;
  /** Filled in for a client that asked for it. */
  report: CacheReport | null;
  /** Set once the answer is known to be cacheable: how long, and for whom. */
  storable: { maxAge: number; scope: CacheScope } | null;
  /** Set once the answer is complete: whether any part of it is for one user only (PRIVATE), cacheable or not. */
  private: boolean;
}

/** The report entry for one subgraph and type, created on first use. */
export function entityReport(report: CacheReport, subgraph: string, typeName: string): EntityReport {
  const key = `${subgraph}.${typeName}`;
  report.entities[key] ??= { hits: 0, misses: 0, skipped: 0 };
  return report.entities[key];
}
