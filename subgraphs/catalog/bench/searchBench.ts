import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { parseCurrencyRates } from '../currency.js';
import { WRITE_BATCH } from '../harvester.js';
import { openCatalogStore } from '../openStore.js';
import { ProgressMeter } from '../progress.js';
import { type SearchArgs, searchCredentials } from '../search.js';
import type { CatalogStore, FacetName } from '../store.js';
import { syntheticCatalog, syntheticCredential } from './generate.js';

/**
 * `npm run bench:search`: indexes synthetic catalogs (100,000 and 1,000,000 credentials by default) into each
 * backend through the store's write path — the one the harvester calls with every feed page — and times a fixed
 * mix of searches in-process (search, count and facets as the resolvers compute them; no HTTP or GraphQL on top).
 *
 * Options: --sizes=100000,1000000 --backends=sqlite,postgres --rounds=5 --seed=42;
 * CATALOG_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a fresh schema, dropped after).
 * --reuse=DIR keeps each index (SQLite in DIR/catalog-SIZE-seedSEED.sqlite, PostgreSQL in the schema
 * catalog_bench_SIZE_SEED) and, when it already holds the whole synthetic catalog, times the mix on it without
 * indexing again: a million credentials take minutes to index, and query work wants many runs over one index.
 * --only=WORD times only the requests whose name contains WORD; --profile=FILE writes a CPU profile of the timed
 * rounds (not of indexing or loading) to FILE, for Chrome DevTools or `node --cpu-prof`'s readers.
 */

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key!, value ?? ''];
  }),
);
const sizes = (args.sizes ?? '100000,1000000').split(',').map(Number);
const backends = (args.backends ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const rounds = Number(args.rounds ?? 5);
const seed = Number(args.seed ?? 42);
const reuseDir = args.reuse || null;
const only = args.only || null;
const profileFile = args.profile || null;
const databaseUrl = process.env.CATALOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rates = parseCurrencyRates(null);

const ALL_FACETS: FacetName[] = [
  'credentialTypes',
  'levels',
  'providers',
  'deliveryModes',
  'issuers',
  'sectors',
  'languages',
  'skills',
  'durations',
  'costs',
];

type Kind = 'text' | 'filter' | 'text+filter' | 'facets' | 'deep page';
interface Operation {
  name: string;
  kind: Kind;
  run: () => Promise<unknown>;
}

/** What a frontend's search request costs: a page of 20 and the total, plus every facet when it shows them. */
async function request(store: CatalogStore, search: SearchArgs, facets = false): Promise<void> {
  const result = await searchCredentials(store, { first: 20, ...search });
  await result.totalCount();
  if (facets) {
    for (const facet of ALL_FACETS) {
      await store.facet({
        match: result.matches.match,
        facet,
        currency: result.matches.currency,
        limit: facet === 'issuers' || facet === 'skills' ? 10 : undefined,
      });
    }
  }
}

/** The cursor after `pages` pages of 100, for deep-page requests. */
async function cursorAt(store: CatalogStore, search: SearchArgs, pages: number): Promise<string | null> {
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const result = await searchCredentials(store, { ...search, first: 100, after });
    if (!result.pageInfo.hasNextPage) break;
    after = result.pageInfo.endCursor;
  }
  return after;
}

async function operations(store: CatalogStore): Promise<Operation[]> {
  const op = (name: string, kind: Kind, search: SearchArgs, facets = false): Operation => ({
    name,
    kind,
    run: () => request(store, search, facets),
  });
  const text = (query: string): Operation => op(`"${query}"`, 'text', { query });
  const ops: Operation[] = [
    text('security'),
    text('data analytics'),
    text('cloud'),
    text('nursing assistant'),
    text('python'),
    text('project management'),
    text('welding inspection'),
    text('phleb'),
    text('kube'),
    text('introduction to machine learning'),
    text('solar'),
    text('food safety'),
    op('sector + level', 'filter', { filter: { sectors: ['HEALTHCARE'], levels: ['INTERMEDIATE'] } }),
    op('skill, by name', 'filter', { filter: { skills: ['Kubernetes'] }, sort: { field: 'NAME' } }),
    op('provider + max 40 h, by duration', 'filter', {
      filter: { providers: ['coursera'], maxDurationHours: 40 },
      sort: { field: 'DURATION' },
    }),
    op('max €500, cheapest first', 'filter', {
      filter: { maxCost: 500, currency: 'EUR' },
      sort: { field: 'COST' },
    }),
    op('type, by name', 'filter', {
      filter: { credentialTypes: ['CERTIFICATION'] },
      sort: { field: 'NAME' },
    }),
    op('issuer', 'filter', { filter: { issuers: ['credly:org:3'] } }),
    op('language es, newest', 'filter', {
      filter: { languages: ['es'] },
      sort: { field: 'UPDATED_AT', direction: 'DESC' },
    }),
    op('in person healthcare', 'filter', {
      filter: { deliveryModes: ['IN_PERSON'], sectors: ['HEALTHCARE'] },
    }),
    op('free, updated since', 'filter', { filter: { maxCost: 0, updatedSince: '2026-06-01T00:00:00Z' } }),
    op('"security" in technology under $1000', 'text+filter', {
      query: 'security',
      filter: { sectors: ['TECHNOLOGY'], maxCost: 1000 },
    }),
    op('"nursing" introductory, by duration', 'text+filter', {
      query: 'nursing',
      filter: { levels: ['INTRODUCTORY'] },
      sort: { field: 'DURATION' },
    }),
    op('"data" from edx, cheapest', 'text+filter', {
      query: 'data',
      filter: { providers: ['edx'] },
      sort: { field: 'COST' },
    }),
    op('"cloud security" advanced', 'text+filter', {
      query: 'cloud security',
      filter: { levels: ['ADVANCED'] },
    }),
    op('facets: whole catalog', 'facets', {}, true),
    op('facets: "security"', 'facets', { query: 'security' }, true),
    op('facets: "welding"', 'facets', { query: 'welding' }, true),
    op('facets: finance sector', 'facets', { filter: { sectors: ['FINANCE'] } }, true),
    op(
      'facets: "patient care" online',
      'facets',
      { query: 'patient care', filter: { deliveryModes: ['ONLINE'] } },
      true,
    ),
  ];
  const deep = async (name: string, search: SearchArgs, pages: number) => {
    const after = await cursorAt(store, search, pages);
    ops.push(op(name, 'deep page', { ...search, after }));
  };
  await deep('by name, page 101 (after 10,000)', { sort: { field: 'NAME' } }, 100);
  await deep('cost descending, after 20,000', { sort: { field: 'COST', direction: 'DESC' } }, 200);
  await deep('"security" by relevance, after 2,000', { query: 'security' }, 20);
  await deep(
    'healthcare by duration, after 5,000',
    { filter: { sectors: ['HEALTHCARE'] }, sort: { field: 'DURATION' } },
    50,
  );
  await deep(
    '"data" newest, after 3,000',
    { query: 'data', sort: { field: 'UPDATED_AT', direction: 'DESC' } },
    30,
  );
  return ops;
}

const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Bytes in use on the JavaScript heap and in array buffers (where the memory index keeps its columns). */
function usedMemory(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A CPU profile of what runs until `stop`, written as a .cpuprofile file. */
async function startProfiler() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of the timed rounds in ${file}`);
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function postgresSize(schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint AS size FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(rows[0].size);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

interface Figures {
  backend: string;
  size: number;
  /** Null when the run reused an index built before. */
  recordsPerSecond: number | null;
  bytes: number;
  baseline: number;
  p50: number;
  p95: number;
  p99: number;
  memoryBytesPerCredential: number;
}

/** Where an index lives: a fresh place dropped after the run, or (with --reuse) a kept one named by size and seed. */
function benchLocation(backend: 'sqlite' | 'postgres', size: number) {
  const dir = reuseDir ?? mkdtempSync(join(tmpdir(), 'catalog-bench-'));
  if (reuseDir) mkdirSync(reuseDir, { recursive: true });
  const path = join(dir, reuseDir ? `catalog-${size}-seed${seed}.sqlite` : 'catalog.sqlite');
  const schema = reuseDir
    ? `catalog_bench_${size}_${seed}`
    : `catalog_bench_${randomBytes(4).toString('hex')}`;
  return {
    path,
    schema,
    location:
      backend === 'sqlite'
        ? { databasePath: path }
        : { databasePath: path, databaseUrl, databaseSchema: schema },
    async dispose() {
      if (reuseDir) return;
      rmSync(dir, { recursive: true, force: true });
      if (backend === 'postgres') await dropSchema(schema);
    },
  };
}

const indexedCount = async (store: CatalogStore) =>
  [...(await store.credentialCounts()).values()].reduce((sum, count) => sum + count, 0);

async function benchOne(backend: 'sqlite' | 'postgres', size: number): Promise<Figures> {
  const place = benchLocation(backend, size);
  let store = await openCatalogStore(place.location, rates);
  try {
    console.log(`\n## ${backend}, ${size.toLocaleString('en-US')} credentials`);
    let recordsPerSecond: number | null = null;
    if ((await indexedCount(store)) === size) {
      console.log(`reusing the index in ${backend === 'sqlite' ? place.path : `schema ${place.schema}`}`);
    } else {
      const meter = new ProgressMeter('FULL', size);
      let lastLine = Date.now();
      const started = Date.now();
      for (const batch of syntheticCatalog(seed, size, WRITE_BATCH)) {
        await store.writeCredentials(batch);
        meter.addPage(batch.length);
        if (Date.now() - lastLine > 10_000) {
          lastLine = Date.now();
          console.log(meter.line('synthetic'));
        }
      }
      const indexSeconds = (Date.now() - started) / 1000;
      const statisticsStarted = Date.now();
      await store.refreshStatistics();
      const statisticsSeconds = (Date.now() - statisticsStarted) / 1000;
      recordsPerSecond = Math.round(size / indexSeconds);
      console.log(
        `indexed in ${indexSeconds.toFixed(1)} s (${recordsPerSecond.toLocaleString('en-US')} records/s), statistics ${statisticsSeconds.toFixed(1)} s`,
      );
    }
    const bytes =
      backend === 'sqlite'
        ? statSync(place.path).size + (statSync(`${place.path}-wal`, { throwIfNoEntry: false })?.size ?? 0)
        : await postgresSize(place.schema);
    // What a replica holds in memory for this index: the growth of the heap when the store opens and loads it.
    await store.close();
    const heapBefore = usedMemory();
    const opening = Date.now();
    store = await openCatalogStore(place.location, rates);
    const openSeconds = (Date.now() - opening) / 1000;
    const memoryBytesPerCredential = (usedMemory() - heapBefore) / size;
    console.log(
      `index ${(bytes / 2 ** 20).toFixed(0)} MiB; opened in ${openSeconds.toFixed(1)} s, memory index about ${memoryBytesPerCredential.toFixed(0)} bytes a credential`,
    );

    const ids = Array.from({ length: 200 }, (_, i) => syntheticCredential(seed, size, (i * 7919) % size).id);
    for (const id of ids.slice(0, 20)) await store.readCredentialRecords([id]);
    const lookups: number[] = [];
    for (const id of ids) lookups.push(await time(() => store.readCredentialRecords([id])));
    lookups.sort((a, b) => a - b);
    const baseline = percentile(lookups, 50);

    const ops = (await operations(store)).filter((operation) => !only || operation.name.includes(only));
    if (ops.length === 0) throw new Error(`no request is named like ${only}`);
    for (const operation of ops) await operation.run();
    const timings: number[] = [];
    const perOp = new Map<Operation, number[]>();
    const profiler = profileFile ? await startProfiler() : null;
    for (let round = 0; round < rounds; round++) {
      for (const operation of ops) {
        const elapsed = await time(operation.run);
        timings.push(elapsed);
        perOp.set(operation, [...(perOp.get(operation) ?? []), elapsed]);
      }
    }
    if (profiler && profileFile) await profiler.stop(profileFile);
    timings.sort((a, b) => a - b);
    console.log('\n| query | kind | median | × lookup |\n| --- | --- | --- | --- |');
    for (const operation of ops) {
      const sorted = perOp.get(operation)!.sort((a, b) => a - b);
      const median = percentile(sorted, 50);
      console.log(
        `| ${operation.name} | ${operation.kind} | ${ms(median)} | ${(median / baseline).toFixed(0)} |`,
      );
    }
    const figures: Figures = {
      backend,
      size,
      recordsPerSecond,
      bytes,
      baseline,
      p50: percentile(timings, 50),
      p95: percentile(timings, 95),
      p99: percentile(timings, 99),
      memoryBytesPerCredential,
    };
    console.log(
      `\nmix of ${ops.length} requests × ${rounds}: p50 ${ms(figures.p50)} (${(figures.p50 / baseline).toFixed(0)}× lookup), p95 ${ms(figures.p95)} (${(figures.p95 / baseline).toFixed(0)}×), p99 ${ms(figures.p99)} (${(figures.p99 / baseline).toFixed(0)}×); primary-key lookup p50 ${ms(baseline)}`,
    );
    return figures;
  } finally {
    await store.close();
    await place.dispose();
  }
}

const results: Figures[] = [];
for (const backend of backends) {
  for (const size of sizes) results.push(await benchOne(backend, size));
}
console.log(
  '\n## Summary\n\n| backend | credentials | harvest (records/s) | index size | memory index | lookup p50 | mix p50 | mix p95 | mix p99 |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const r of results) {
  const ratio = (value: number) => `${ms(value)} (${(value / r.baseline).toFixed(0)}×)`;
  console.log(
    `| ${r.backend} | ${r.size.toLocaleString('en-US')} | ${r.recordsPerSecond?.toLocaleString('en-US') ?? 'reused'} | ${(r.bytes / 2 ** 20).toFixed(0)} MiB | ${r.memoryBytesPerCredential.toFixed(0)} B/credential | ${ms(r.baseline)} | ${ratio(r.p50)} | ${ratio(r.p95)} | ${ratio(r.p99)} |`,
  );
}
