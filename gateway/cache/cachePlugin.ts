import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../dataSource.js';

export interface CachePluginHooks {
  /** A mutation went through (a catalog refresh, say): the caches' generation may have moved on. */
  afterMutation(): Promise<void>;
}

/**
 * Decides, once an answer is complete, whether the response cache may keep it: a query, answered 200 without
 * errors, whose cache policy (narrowed by every subgraph's Cache-Control and every entity served from cache)
 * allows it. Adds the cache report to `extensions.credgraphCache` for clients that asked for it, and after a
 * mutation waits for the catalog version to be read again, so that the mutation's sender never reads an
 * answer from before it.
 */
export function cachePlugin(hooks: CachePluginHooks): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, overallCachePolicy }) {
          if (operation?.operation === 'mutation') await hooks.afterMutation();
          const state = contextValue.cache;
          if (!state || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const policy = overallCachePolicy.policyIfCacheable();
          state.private = overallCachePolicy.scope === 'PRIVATE';
          const cacheable =
            operation?.operation === 'query' &&
            policy !== null &&
            !result.errors &&
            result.data !== undefined &&
            (response.http.status ?? 200) === 200;
          state.storable = cacheable ? { maxAge: policy.maxAge, scope: policy.scope } : null;
          if (state.report) {
            state.report.policy = state.storable;
            result.extensions = { ...result.extensions, credgraphCache: state.report };
          }
        },
      };
    },
  };
}
