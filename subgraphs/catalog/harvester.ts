import type { CredentialRecord } from '../../schema/index.js';
import { FeedClient, FeedError } from './feedClient.js';
import type { IndexedCredential } from './skills.js';
import type { SkillsClient } from './skillsClient.js';
import type { CatalogStore } from './store.js';

export interface ProviderSource {
  id: string;
  feedUrl: string;
}

export interface HarvestOutcome {
  provider: string;
  ok: boolean;
  count: number;
  removed: number;
  rejected: number;
  error: string | null;
}

const PAGE_SIZE = 100;
/** A guard against a feed whose cursors never end (a provider bug must not hang the catalog). */
const MAX_PAGES = 100_000;

/**
 * Harvests provider feeds into the store. A harvest reads a provider's whole feed first and then replaces its
 * credentials in one transaction, so a failure part-way keeps the previous index for that provider untouched.
 */
export class Harvester {
  private readonly feeds = new FeedClient();
  private readonly running = new Map<string, Promise<HarvestOutcome>>();

  constructor(
    private readonly store: CatalogStore,
    private readonly sources: readonly ProviderSource[],
    private readonly log: (line: string) => void = () => {},
    private readonly skills: SkillsClient | null = null,
  ) {
    for (const source of sources) store.registerProvider(source.id, source.feedUrl);
  }

  /** Harvests the given providers (all when none named) concurrently; one provider's failure never stops another. */
  async harvest(only?: readonly string[]): Promise<HarvestOutcome[]> {
    const chosen = only?.length ? this.sources.filter((source) => only.includes(source.id)) : this.sources;
    return Promise.all(chosen.map((source) => this.harvestOne(source)));
  }

  /** Concurrent requests for the same provider share one harvest rather than racing. */
  private harvestOne(source: ProviderSource): Promise<HarvestOutcome> {
    const current = this.running.get(source.id);
    if (current) return current;
    const run = this.run(source).finally(() => this.running.delete(source.id));
    this.running.set(source.id, run);
    return run;
  }

  private async run(source: ProviderSource): Promise<HarvestOutcome> {
    const started = Date.now();
    this.store.updateProvider(source.id, {
      state: 'RUNNING',
      lastAttemptAt: new Date(started).toISOString(),
    });
    const records: CredentialRecord[] = [];
    let rejected = 0;
    try {
      let cursor: string | null = null;
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page = await this.feeds.page(source.id, source.feedUrl, { cursor, limit: PAGE_SIZE });
        if (pages === 0) {
          const { name, kind, url } = page.provider;
          this.store.updateProvider(source.id, { name, kind, url });
        }
        records.push(...page.items);
        rejected += page.rejected?.length ?? 0;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const { removed } = this.store.replaceProviderCredentials(
        source.id,
        await this.canonicalize(source.id, records),
      );
      const finished = Date.now();
      this.store.updateProvider(source.id, {
        state: 'OK',
        lastSuccessAt: new Date(finished).toISOString(),
        lastError: null,
        lastErrorCode: null,
        lastDurationMs: finished - started,
      });
      this.log(
        `harvested ${source.id}: ${records.length} credentials${removed ? `, ${removed} removed` : ''}${rejected ? `, ${rejected} rejected by validation` : ''} in ${finished - started} ms`,
      );
      return { provider: source.id, ok: true, count: records.length, removed, rejected, error: null };
    } catch (error) {
      if (error instanceof FeedError && error.code === 'NOT_FOUND' && records.length === 0) {
        // A subgraph without a feed (the skills subgraph, say) is not a provider: it is not listed as one.
        this.store.forgetProvider(source.id);
        this.log(`${source.id} serves no feed: not harvested`);
        return { provider: source.id, ok: true, count: 0, removed: 0, rejected: 0, error: null };
      }
      const message = (error as Error).message;
      this.store.updateProvider(source.id, {
        state: 'FAILED',
        lastError: message,
        lastErrorCode: error instanceof FeedError ? error.code : 'HARVEST_FAILED',
        lastDurationMs: Date.now() - started,
      });
      this.log(`harvest of ${source.id} failed: ${message}`);
      return { provider: source.id, ok: false, count: 0, removed: 0, rejected, error: message };
    }
  }

  /** Canonical skills for the records' labels; without the skills service, labels are indexed as they are. */
  private async canonicalize(provider: string, records: CredentialRecord[]): Promise<IndexedCredential[]> {
    if (!this.skills) return records;
    try {
      return await this.skills.canonicalize(records);
    } catch (error) {
      this.log(`${provider}: skill labels indexed without normalisation (${(error as Error).message})`);
      return records;
    }
  }

  async close(): Promise<void> {
    await this.feeds.close();
    await this.skills?.close();
  }
}
