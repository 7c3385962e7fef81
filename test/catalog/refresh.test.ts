import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../schema/index.js';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { parseCurrencyRates } from '../../subgraphs/catalog/currency.js';
import type { RunningServer } from '../../subgraphs/kit/index.js';
import { fixtureRecords } from '../fixtures/fixtureProvider.js';
import { BACKENDS, type BackendLocation, backendLocation } from './backends.js';
import { type ChangingUpstream, changingUpstream, feedUrlOf, startChangingProvider } from './fixtureFeed.js';
import { costsAtMost, matchesText, walk } from './helpers.js';

const rates = parseCurrencyRates(null);

/**
 * The pagination guarantee under a refresh: a client walks every page while harvests keep rewriting every record
 * (new content, same sort values) and add and remove other credentials that sort among the ones it walks.
 * Credentials present throughout must come exactly once, others at most once, none twice.
 */
const base = fixtureRecords('gamma', 160, 7);
/** Come and go between harvests; their names sort among the base records'. */
const churn = fixtureRecords('gamma', 200, 7)
  .slice(160)
  .map((record) => ({ ...record, name: `${record.name} (churn)` }));

describe.each(BACKENDS)('walking every page while harvests rewrite the index (%s)', (backend) => {
  let upstream: ChangingUpstream;
  let server: RunningServer;
  let catalog: RunningCatalog;
  let location: BackendLocation;
  let round = 0;

  /** The upstream for a harvest round: every base record rewritten, the churn records in or out. */
  const roundRecords = (n: number): CredentialRecord[] => [
    ...base.map((record) => ({ ...record, description: `${record.description} Revision ${n}.` })),
    ...(n % 2 === 1 ? churn : []),
  ];

  beforeAll(async () => {
    upstream = changingUpstream(roundRecords(0));
    server = await startChangingProvider('gamma', upstream);
    location = backendLocation(backend);
    catalog = await startCatalogSubgraph({
      config: {
        ...location.config,
        providers: [{ id: 'gamma', feedUrl: feedUrlOf(server) }],
        harvestIntervalSeconds: 0,
        adminToken: null,
      },
      awaitFirstHarvest: true,
    });
  });

  afterAll(async () => {
    await catalog?.close();
    await location?.dispose();
    await server?.close();
  });

  it.each([
    ['name', { sort: { field: 'NAME' } }, null],
    ['cost, descending', { sort: { field: 'COST', direction: 'DESC' } }, null],
    ['duration', { sort: { field: 'DURATION' } }, null],
    ['relevance to a text query', { query: 'security' }, [/\bsecur/i]],
    ['relevance with a filter', { query: 'security', filter: { maxCost: 500 } }, [/\bsecur/i]],
  ] as const)(
    'by %s: each credential present throughout exactly once, none twice',
    async (_name, variables, text) => {
      // A harvest round lands between every two pages the client reads (and more run alongside).
      let walking = true;
      let rounds = 0;
      let roundDone: () => void = () => {};
      let nextRound = new Promise<void>((resolve) => {
        roundDone = resolve;
      });
      const harvesting = (async () => {
        while (walking) {
          round += 1;
          upstream.records = roundRecords(round);
          const [outcome] = await catalog.harvester.harvest(['gamma'], 'FULL');
          expect(outcome!.ok).toBe(true);
          rounds += 1;
          roundDone();
          nextRound = new Promise<void>((resolve) => {
            roundDone = resolve;
          });
        }
      })();
      let ids: string[];
      try {
        ({ ids } = await walk(catalog.url, variables, 4, () => nextRound));
      } finally {
        walking = false;
        await harvesting;
      }
      expect(rounds, 'harvests that ran during the walk').toBeGreaterThanOrEqual(3);
      const maxCost = (variables as { filter?: { maxCost?: number } }).filter?.maxCost;
      const matches = (record: CredentialRecord) =>
        (!text || matchesText(record, [...text])) &&
        (maxCost === undefined || costsAtMost(record, maxCost, 'USD', rates));
      const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
      expect(repeated).toEqual([]);
      const present = new Set(ids);
      const missing = base.filter(matches).filter((record) => !present.has(record.id));
      expect(missing.map((record) => record.id)).toEqual([]);
      const churnIds = new Set(churn.map((record) => record.id));
      const baseIds = new Set(base.map((record) => record.id));
      expect(ids.every((id) => baseIds.has(id) || churnIds.has(id))).toBe(true);
    },
  );
});
