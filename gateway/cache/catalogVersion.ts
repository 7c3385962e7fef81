import { createHash } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import type { GatewayLogger } from '../logging.js';

export interface CatalogVersionOptions {
  /** The catalog subgraph's GraphQL URL in the current supergraph, or null when it has none. */
  catalogUrl(): string | null;
  /** Where to read the version instead of `<catalog origin>/version`. */
  versionUrl?: string;
  /** How often to look. */
  intervalMs: number;
  dispatcher: Dispatcher;
  logger: GatewayLogger;
  /** Called with each new version after the first. */
  onChange?(version: string): void;
}

/**
 * Harvest status stands in for a version while the catalog serves no `/version`: every harvest that finishes
 * (and so every one that changed a credential) changes some provider's `lastSuccessAt` or `lastAttemptAt`.
 */
const STATUS_QUERY = JSON.stringify({
  query: '{ providers { id harvest { state credentialCount lastSuccessAt lastAttemptAt } } }',
});
const PROBE_TIMEOUT_MS = 2_000;
/** How long a catalog that answered 404 for `/version` is asked for its harvest status instead. */
const VERSION_ROUTE_RECHECK_MS = 60_000;

/**
 * Watches the catalog's index version, so that every cache key can carry it: when a harvest changes the index,
 * the version changes, every key with it, and nothing cached before the change is read again (in any gateway
 * that shares the cache, since all of them watch the same catalog). The catalog's `GET /version`
 * (`{"version": …}`) is read when it has one, else a digest of its harvest status. A catalog that cannot be
 * reached keeps the last version: caches keep serving while it is down.
 */
export class CatalogVersionWatcher {
  private version = '';
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private versionRouteMissingAt = Number.NEGATIVE_INFINITY;
  private lastLoggedError = 0;
  private closed = false;

  constructor(private readonly options: CatalogVersionOptions) {}

  /** The version last seen ('' before the first answer, or without a catalog). */
  get current(): string {
    return this.version;
  }

  /** Reads the version once, then keeps watching. */
  async start(): Promise<void> {
    await this.checkNow();
    if (this.options.intervalMs > 0 && !this.closed) {
      this.timer = setInterval(() => void this.checkNow(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Reads the version now (after a mutation went through, say); concurrent calls share one probe. */
  checkNow(): Promise<void> {
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async probe(): Promise<void> {
    const catalogUrl = this.options.catalogUrl();
    if (!catalogUrl && !this.options.versionUrl) return;
    try {
      const next = await this.read(catalogUrl);
      if (next === null || next === this.version) return;
      const first = this.version === '';
      this.version = next;
      if (!first) this.options.onChange?.(next);
    } catch (error) {
      if (Date.now() - this.lastLoggedError < 60_000) return;
      this.lastLoggedError = Date.now();
      this.options.logger.warn({
        msg: 'cannot read the catalog version; caches keep the last one',
        err: (error as Error).message,
      });
    }
  }

  private async read(catalogUrl: string | null): Promise<string | null> {
    const versionUrl =
      this.options.versionUrl ?? (catalogUrl ? new URL('/version', catalogUrl).href : undefined);
    const useRoute =
      this.options.versionUrl !== undefined ||
      Date.now() - this.versionRouteMissingAt > VERSION_ROUTE_RECHECK_MS;
    if (versionUrl && useRoute) {
      const response = await request(versionUrl, {
        dispatcher: this.options.dispatcher,
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const text = await response.body.text();
      if (response.statusCode === 200) {
        const version = (JSON.parse(text) as { version?: unknown }).version;
        if (typeof version === 'string' || typeof version === 'number') return `v${version}`;
        throw new Error(`${versionUrl} answered without a version`);
      }
      if (response.statusCode !== 404 || this.options.versionUrl !== undefined) {
        throw new Error(`the catalog version answered HTTP ${response.statusCode}`);
      }
      this.versionRouteMissingAt = Date.now();
    }
    if (!catalogUrl) return null;
    const response = await request(catalogUrl, {
      dispatcher: this.options.dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: STATUS_QUERY,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 || !text.includes('"data"')) {
      throw new Error(`the catalog's harvest status answered HTTP ${response.statusCode}`);
    }
    return `h${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  }
}
