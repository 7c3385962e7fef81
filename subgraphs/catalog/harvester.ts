import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CredentialRecord } from '../../schema/index.js';
import { FEED_MAX_LIMIT, type FeedResponse } from '../kit/index.js';
import { FeedClient, FeedError } from './feedClient.js';
import { ProgressMeter } from './progress.js';
import type { IndexedCredential } from './skills.js';
import type { SkillsClient } from './skillsClient.js';
import type { CatalogStore, HarvestMode, ProviderRow } from './store.js';

export interface ProviderSource {
  id: string;
  feedUrl: string;
}

export interface HarvestOutcome {
  provider: string;
  ok: boolean;
  mode: HarvestMode;
  /** Records the feed served. */
  count: number;
  /** Records that were new or changed (unchanged ones are not rewritten). */
  written: number;
  removed: number;
  rejected: number;
  error: string | null;
  /** Set when another replica holds this provider's harvest lease, so this one left it alone. */
  skipped?: boolean;
}

/** FULL reads the whole feed and removes what it no longer lists; INCREMENTAL asks only for changes; AUTO picks. */
export type HarvestRequestMode = HarvestMode | 'AUTO';

export interface HarvesterOptions {
  log?: (line: string) => void;
  skills?: SkillsClient | null;
  /** How often AUTO harvests are full ones, to catch removals; 0 makes every harvest full. */
  fullIntervalMs?: number;
  /** Milliseconds between progress lines of a running harvest. */
  progressIntervalMs?: number;
  /** Feed page size (the feed contract allows up to FEED_MAX_LIMIT). */
  pageSize?: number;
}

/**
 * Records written per transaction: feed pages are gathered up to this many first, because each commit has a
 * fixed cost (the full-text index flushes a segment) that small transactions would pay over and over.
 */
export const WRITE_BATCH = 2000;
/** A guard against a feed whose cursors never end (a provider bug must not hang the catalog). */
const MAX_PAGES = 1_000_000;
/** A lease outlives a stalled harvester by this much; a live one renews it with every page. */
const LEASE_MS = 5 * 60_000;
/**
 * Incremental harvests ask for changes since the newest `updatedAt` already seen, less this margin, so that a
 * record stamped a moment before it from a provider's other server is not missed.
 */
const WATERMARK_OVERLAP_MS = 60_000;

/**
 * Harvests provider feeds into the store, page by page: each page is written as it arrives (one transaction;
 * unchanged records are skipped), so memory stays flat however large the feed. A full harvest then removes what
 * the provider no longer lists; a failure part-way removes nothing, and every record written is the provider's
 * current one. Incremental harvests ask the feed for changes since the last one (`updatedSince`).
 */
export class Harvester {
  private readonly feeds = new FeedClient();
  private readonly running = new Map<string, Promise<HarvestOutcome>>();
  /** Identifies this process in harvest leases shared with other replicas. */
  private readonly owner = leaseOwner(hostname(), process.pid);
  private readonly log: (line: string) => void;
  private readonly skills: SkillsClient | null;
  private readonly fullIntervalMs: number;
  private readonly progressIntervalMs: number;
  private readonly pageSize: number;

  constructor(
    private readonly store: CatalogStore,
    private readonly sources: readonly ProviderSource[],
    options: HarvesterOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    this.skills = options.skills ?? null;
    this.fullIntervalMs = options.fullIntervalMs ?? 24 * 3600_000;
    this.progressIntervalMs = options.progressIntervalMs ?? 5_000;
    this.pageSize = Math.min(options.pageSize ?? FEED_MAX_LIMIT, FEED_MAX_LIMIT);
  }

  /** Gives every configured provider a row, so that one never harvested still shows in `providers`. */
  async register(): Promise<void> {
    for (const source of this.sources) await this.store.registerProvider(source.id, source.feedUrl);
  }

  get providerIds(): string[] {
    return this.sources.map((source) => source.id);
  }

  /** Harvests the given providers (all when none named) concurrently; one provider's failure never stops another. */
  async harvest(only?: readonly string[], mode: HarvestRequestMode = 'FULL'): Promise<HarvestOutcome[]> {
    const chosen = only?.length ? this.sources.filter((source) => only.includes(source.id)) : this.sources;
    const outcomes = await Promise.all(chosen.map((source) => this.harvestOne(source, mode)));
    if (outcomes.some((outcome) => outcome.written > 0 || outcome.removed > 0)) {
      await this.store.refreshStatistics().catch((error: Error) => this.log(`statistics: ${error.message}`));
    }
    return outcomes;
  }

  /** Concurrent requests for the same provider share one harvest rather than racing. */
  private harvestOne(source: ProviderSource, mode: HarvestRequestMode): Promise<HarvestOutcome> {
    const current = this.running.get(source.id);
    if (current) return current;
    const run = this.run(source, mode).finally(() => this.running.delete(source.id));
    this.running.set(source.id, run);
    return run;
  }

  private async chooseMode(
    row: ProviderRow | undefined,
    requested: HarvestRequestMode,
  ): Promise<HarvestMode> {
    if (requested !== 'AUTO') return requested;
    if (!row?.lastFullAt || !row.watermark || this.fullIntervalMs === 0) return 'FULL';
    return Date.now() - Date.parse(row.lastFullAt) >= this.fullIntervalMs ? 'FULL' : 'INCREMENTAL';
  }

  private async run(source: ProviderSource, requested: HarvestRequestMode): Promise<HarvestOutcome> {
    let row = (await this.store.providers()).find((provider) => provider.id === source.id);
    if (!row) {
      // Forgotten earlier (it served no feed then); it may serve one now.
      await this.store.registerProvider(source.id, source.feedUrl);
      row = (await this.store.providers()).find((provider) => provider.id === source.id);
    }
    const mode = await this.chooseMode(row, requested);
    const outcome: HarvestOutcome = {
      provider: source.id,
      ok: false,
      mode,
      count: 0,
      written: 0,
      removed: 0,
      rejected: 0,
      error: null,
    };
    if (!(await this.acquireLease(source.id))) {
      this.log(`${source.id}: another catalog replica is harvesting it; left alone`);
      return { ...outcome, ok: true, skipped: true };
    }
    const started = Date.now();
    await this.store.updateProvider(source.id, {
      state: 'RUNNING',
      lastMode: mode,
      lastAttemptAt: new Date(started).toISOString(),
    });
    const meter = new ProgressMeter(mode, mode === 'FULL' ? (row?.lastFullCount ?? null) : null);
    let lastReport = Date.now();
    const updatedSince =
      mode === 'INCREMENTAL' && row?.watermark
        ? new Date(Date.parse(row.watermark) - WATERMARK_OVERLAP_MS).toISOString()
        : null;
    const seen = new Set<string>();
    let watermark = row?.watermark ?? null;
    let pending: CredentialRecord[] = [];
    const flush = async () => {
      const { written } = await this.store.writeCredentials(await this.canonicalize(source.id, pending));
      outcome.written += written;
      pending = [];
    };
    try {
      let next: Promise<FeedResponse> | null = this.feeds.page(source.id, source.feedUrl, {
        cursor: null,
        limit: this.pageSize,
        updatedSince,
      });
      for (let pages = 0; next && pages < MAX_PAGES; pages++) {
        const page: FeedResponse = await next;
        // The next page downloads while this one is written.
        next = page.nextCursor
          ? this.feeds.page(source.id, source.feedUrl, {
              cursor: page.nextCursor,
              limit: this.pageSize,
              updatedSince,
            })
          : null;
        next?.catch(() => {});
        if (pages === 0) {
          const { name, kind, url } = page.provider;
          await this.store.updateProvider(source.id, { name, kind, url });
        }
        for (const item of page.items) {
          seen.add(item.id);
          if (!watermark || item.updatedAt > watermark) watermark = item.updatedAt;
        }
        pending.push(...page.items);
        if (pending.length >= WRITE_BATCH || !next) await flush();
        outcome.count += page.items.length;
        outcome.rejected += page.rejected?.length ?? 0;
        meter.addPage(page.items.length);
        if (Date.now() - lastReport >= this.progressIntervalMs) {
          lastReport = Date.now();
          this.log(meter.line(source.id));
          await this.store.updateProvider(source.id, { progress: JSON.stringify(meter.snapshot()) });
          await this.store.acquireHarvestLease(source.id, this.owner, LEASE_MS);
        }
      }
      if (mode === 'FULL') {
        const stale = (await this.store.credentialIdsOf(source.id)).filter((id) => !seen.has(id));
        outcome.removed = await this.store.removeCredentials(stale);
        await this.store.pruneIssuers(source.id);
      }
      const finished = Date.now();
      await this.store.updateProvider(source.id, {
        state: 'OK',
        lastSuccessAt: new Date(finished).toISOString(),
        lastError: null,
        lastErrorCode: null,
        lastDurationMs: finished - started,
        watermark,
        progress: null,
        ...(mode === 'FULL'
          ? { lastFullAt: new Date(started).toISOString(), lastFullCount: outcome.count }
          : {}),
      });
      const extras = [
        outcome.written !== outcome.count ? `${outcome.written} new or changed` : '',
        outcome.removed ? `${outcome.removed} removed` : '',
        outcome.rejected ? `${outcome.rejected} rejected by validation` : '',
      ].filter(Boolean);
      this.log(
        `harvested ${source.id} (${mode.toLowerCase()}): ${outcome.count} credentials${extras.length ? `, ${extras.join(', ')}` : ''} in ${finished - started} ms (${meter.snapshot().recordsPerSecond} records/s)`,
      );
      return { ...outcome, ok: true };
    } catch (error) {
      if (error instanceof FeedError && error.code === 'NOT_FOUND' && outcome.count === 0) {
        // A subgraph without a feed (the skills subgraph, say) is not a provider: it is not listed as one.
        await this.store.forgetProvider(source.id);
        this.log(`${source.id} serves no feed: not harvested`);
        return { ...outcome, ok: true };
      }
      const message = (error as Error).message;
      await this.store.updateProvider(source.id, {
        state: 'FAILED',
        lastError: message,
        lastErrorCode: error instanceof FeedError ? error.code : 'HARVEST_FAILED',
        lastDurationMs: Date.now() - started,
        progress: null,
      });
      this.log(`harvest of ${source.id} failed: ${message}`);
      return { ...outcome, error: message };
    } finally {
      await this.store.releaseHarvestLease(source.id, this.owner).catch(() => {});
    }
  }

  /** Canonical skills for the records' labels; without the skills service, labels are indexed as they are. */
  private async canonicalize(provider: string, records: CredentialRecord[]): Promise<IndexedCredential[]> {
    if (!this.skills || records.length === 0) return records;
    try {
      return await this.skills.canonicalize(records);
    } catch (error) {
      this.log(`${provider}: skill labels indexed without normalisation (${(error as Error).message})`);
      return records;
    }
  }

  /**
   * Takes the provider's harvest lease. A lease left by a process of this machine that no longer runs (a crash
   * mid-harvest) is taken over at once rather than after it expires, so a restarted catalog harvests right away.
   */
  private async acquireLease(provider: string): Promise<boolean> {
    if (await this.store.acquireHarvestLease(provider, this.owner, LEASE_MS)) return true;
    const holder = await this.store.harvestLeaseOwner(provider);
    if (!holder || !isDeadLocalOwner(holder)) return false;
    await this.store.releaseHarvestLease(provider, holder);
    this.log(`${provider}: took over the harvest lease of ${holder}, which no longer runs`);
    return this.store.acquireHarvestLease(provider, this.owner, LEASE_MS);
  }

  /** Waits for running harvests, then releases connections. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
    await this.feeds.close();
    await this.skills?.close();
  }
}

/** A lease owner names its machine and process, so that a lease left by a crashed local process can be recognised. */
function leaseOwner(host: string, pid: number): string {
  return `catalog@${host}#${pid}#${randomUUID()}`;
}

function isDeadLocalOwner(owner: string): boolean {
  const match = /^catalog@(.+)#(\d+)#[\w-]+$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
