import type { GatewayLogger } from './logging.js';

/** What ApolloGateway hands a supergraph manager (its `supergraphSdl` option, as a function). */
interface SupergraphManagerHooks {
  update(supergraphSdl: string): void;
}

export interface HotReloadOptions {
  /** The supergraph already loaded at start. */
  initialSdl: string;
  /** Loads the supergraph again from its source (re-reads the file, or re-composes the subgraphs). */
  load(signal: AbortSignal): Promise<string>;
  /** How often to look for a new supergraph; 0 never does. */
  intervalMs: number;
  logger: GatewayLogger;
  /** Called with each supergraph that is loaded, including the first. */
  onLoaded(supergraphSdl: string): void;
  /** Called after each reload attempt that was not a no-op: `loaded`, `unchanged` or `failed`. */
  onOutcome(outcome: 'loaded' | 'unchanged' | 'failed'): void;
}

/**
 * A supergraph manager for ApolloGateway that polls the supergraph's source and swaps in a new supergraph when
 * it changes. A supergraph that fails to load (unreadable file, composition error, a subgraph down, an SDL the
 * gateway rejects) is logged and counted, and the gateway keeps serving the last good one.
 */
export function hotReloadingSupergraph(options: HotReloadOptions) {
  return async ({ update }: SupergraphManagerHooks) => {
    let current = options.initialSdl;
    options.onLoaded(current);
    const abort = new AbortController();
    let busy = false;
    // A source that stays broken (a subgraph down for an hour) is logged once, not at every poll.
    let lastFailure: string | null = null;
    const reload = async () => {
      if (busy) return;
      busy = true;
      try {
        const next = await options.load(abort.signal);
        if (abort.signal.aborted) return;
        if (next === current) return options.onOutcome('unchanged');
        update(next);
        current = next;
        lastFailure = null;
        options.onLoaded(next);
        options.onOutcome('loaded');
        options.logger.info({ msg: 'supergraph reloaded' });
      } catch (error) {
        if (abort.signal.aborted) return;
        options.onOutcome('failed');
        const message = (error as Error).message ?? String(error);
        if (message !== lastFailure) {
          options.logger.error({
            msg: 'supergraph reload failed; still serving the last good supergraph',
            err: message,
          });
        }
        lastFailure = message;
      } finally {
        busy = false;
      }
    };
    const timer = options.intervalMs > 0 ? setInterval(() => void reload(), options.intervalMs) : null;
    timer?.unref();
    return {
      supergraphSdl: current,
      cleanup: async () => {
        if (timer) clearInterval(timer);
        abort.abort();
      },
    };
  };
}
