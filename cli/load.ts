#!/usr/bin/env node
// Before anything loads @apollo/gateway: it reads this variable to decide whether to send telemetry to Apollo.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { composeSupergraphConfig } from '../gateway/index.js';
import type { LoadClientResult, LoadClientSettings } from './loadClient.js';
import { spawnServer } from './serverProcess.js';
import { startLocalCatalog } from './start.js';
import { wholeNumberOption } from './wholeNumberOption.js';

const USAGE = `Usage: npm run load -- [--rate <req/s>] [--duration <s>] [--warmup <s>] [--connections <n>]

Runs the whole catalog (stand-ins, subgraphs, catalog) in this process, the gateway in a process of its own
(so that its memory is measured alone), and a load generator (autocannon) in a third, which sends a mix of
GraphQL operations at a fixed rate. Prints throughput, errors, latency percentiles and the gateway's RSS after
warm-up and at the end; exits 1 if any request failed or the RSS grew by more than 20 %.

Defaults: --rate 100 --duration 60 --warmup 90 --connections 16. The warm-up is long because V8 runs its first
full garbage collection only after the heap has grown several-fold (about a minute into 100 req/s): RSS measured
before it would show that growth, not the steady state.`;

const here = dirname(fileURLToPath(import.meta.url));

/** What the load sends, in turn: the README's queries, a filtered search, facets, provider status, live fields. */
const OPERATIONS = [
  '{ credentials(first: 20) { totalCount edges { node { id name issuer { name } provider { id name } } } } }',
  `{ credentials(query: "security", filter: { sectors: [TECHNOLOGY], maxDurationHours: 40 },
     sort: { field: COST, direction: ASC }, first: 10) {
     totalCount edges { node { id name estimatedDuration cost { amount currency } skills { label } } }
     pageInfo { hasNextPage endCursor } } }`,
  '{ credentials(first: 1) { totalCount facets { providers { value count } levels { value count } } } }',
  '{ providers { id name harvest { state credentialCount lastSuccessAt } } }',
  `{ credentials(filter: { providers: ["credly"] }, first: 5) {
     edges { node { id name credly { __typename } } } } }`,
  '{ credentials(query: "data", first: 10) { edges { node { id name provider { id } } } } }',
].map((query) => JSON.stringify({ query }));

interface LoadOptions {
  rate: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
}

function parseOptions(argv: string[]): LoadOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    rate: wholeNumberOption(values.rate, 100, 'rate', 1),
    durationSeconds: wholeNumberOption(values.duration, 60, 'duration', 1),
    warmupSeconds: wholeNumberOption(values.warmup, 90, 'warmup', 1),
    connections: wholeNumberOption(values.connections, 16, 'connections', 1),
  };
}

/** Starts `credgraph gateway` on a free port; resolves with its GraphQL URL once it prints that it is ready. */
function spawnGateway(supergraphPath: string): Promise<{ child: ChildProcess; url: string }> {
  return spawnServer([join(here, 'credgraph.js'), 'gateway', '--supergraph', supergraphPath, '--port', '0'], {
    ...process.env,
    APOLLO_TELEMETRY_DISABLED: 'true',
    // One client at a fixed rate is the point here, not something to refuse.
    CREDGRAPH_RATE_LIMIT: '0',
    CREDGRAPH_LOG_LEVEL: process.env.CREDGRAPH_LOG_LEVEL ?? 'warn',
    CREDGRAPH_RELOAD_INTERVAL_MS: '0',
    // The full, uncached path is what a soak must hold; caches on would answer almost everything from memory.
    CREDGRAPH_CACHE: process.env.CREDGRAPH_CACHE ?? 'off',
  });
}

function runLoadClient(settings: LoadClientSettings): Promise<LoadClientResult> {
  const child = spawn(process.execPath, [join(here, 'loadClient.js'), JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output.trim().split('\n').at(-1)!) as LoadClientResult);
      else reject(new Error(`the load client exited with ${code}`));
    });
  });
}

/** The gateway process's resident memory and V8 heap in use, as its own /metrics reports them. */
async function gatewayMemory(graphqlUrl: string): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  const value = (name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (!match) throw new Error(`the gateway reports no ${name}`);
    return Number(match[1]);
  };
  return { rss: value('process_resident_memory_bytes'), heapUsed: value('nodejs_heap_size_used_bytes') };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(argv: string[]): Promise<void> {
  let options: LoadOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`credgraph load: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  if (options === 'help') return void console.log(USAGE);

  console.log('starting the catalog (stand-ins, subgraphs, harvest)…');
  const stack = await startLocalCatalog({
    env: { ...process.env, CATALOG_HARVEST_INTERVAL_S: '0', CREDGRAPH_RATE_LIMIT: '0' },
    ports: 'free',
    gateway: { logLevel: 'silent' },
  });
  const dir = mkdtempSync(join(tmpdir(), 'credgraph-load-'));
  let gateway: ChildProcess | null = null;
  try {
    const supergraphSdl = await composeSupergraphConfig({
      subgraphs: Object.entries(stack.subgraphUrls).map(([name, url]) => ({
        name,
        routingUrl: url,
        schema: { subgraphUrl: url },
      })),
    });
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, supergraphSdl);
    const started = await spawnGateway(supergraphPath);
    gateway = started.child;
    // Interrupted, the run still stops the gateway it started rather than leave it behind.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        started.child.kill('SIGTERM');
        process.exit(130);
      });
    }
    console.log(`gateway (pid ${gateway.pid}) at ${started.url}`);
    const settings = (durationSeconds: number): LoadClientSettings => ({
      url: started.url,
      rate: options.rate,
      durationSeconds,
      connections: options.connections,
      bodies: OPERATIONS,
    });

    console.log(`warming up: ${options.rate} req/s for ${options.warmupSeconds} s…`);
    const warmup = await runLoadClient(settings(options.warmupSeconds));
    const memoryStart = await gatewayMemory(started.url);
    const rssStart = memoryStart.rss;
    console.log(
      `load: ${options.rate} req/s for ${options.durationSeconds} s over ${options.connections} connections…`,
    );
    const samples: number[] = [rssStart];
    const heapSamples: number[] = [memoryStart.heapUsed];
    const sampler = setInterval(() => {
      gatewayMemory(started.url).then(
        ({ rss, heapUsed }) => {
          samples.push(rss);
          heapSamples.push(heapUsed);
        },
        () => {},
      );
    }, 5_000);
    const result = await runLoadClient(settings(options.durationSeconds));
    clearInterval(sampler);
    const memoryEnd = await gatewayMemory(started.url);
    const rssEnd = memoryEnd.rss;
    samples.push(rssEnd);
    heapSamples.push(memoryEnd.heapUsed);

    const failed = result.errors + result.timeouts + result.non2xx + result.graphqlErrors;
    const growth = (rssEnd - rssStart) / rssStart;
    const { latencyMs: latency } = result;
    console.log(`
credgraph load: ${options.rate} req/s target, ${result.durationSeconds} s, ${options.connections} connections
  requests        ${result.requests} (${result.throughputPerSecond.toFixed(1)} req/s)
  errors          ${failed} (connection ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, GraphQL ${result.graphqlErrors})
  latency (ms)    p50 ${latency.p50}  p90 ${latency.p90}  p99 ${latency.p99}  p99.9 ${latency.p99_9}  max ${latency.max}  mean ${latency.average.toFixed(1)}
  gateway RSS     ${mb(rssStart)} after warm-up → ${mb(rssEnd)} at the end (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %; range ${mb(Math.min(...samples))}–${mb(Math.max(...samples))})
  gateway heap    ${mb(memoryStart.heapUsed)} after warm-up → ${mb(memoryEnd.heapUsed)} at the end (every 5 s: ${heapSamples.map((bytes) => (bytes / 1024 / 1024).toFixed(0)).join(' ')} MB)
  gateway RSS     every 5 s: ${samples.map((bytes) => (bytes / 1024 / 1024).toFixed(0)).join(' ')} MB
  warm-up         ${warmup.requests} requests, ${warmup.errors + warmup.non2xx + warmup.graphqlErrors} errors`);
    if (failed > 0 || growth > 0.2) {
      console.log(
        `FAIL: ${failed > 0 ? `${failed} failed requests` : ''}${failed > 0 && growth > 0.2 ? '; ' : ''}${growth > 0.2 ? 'RSS grew more than 20 %' : ''}`,
      );
      process.exitCode = 1;
    } else {
      console.log('PASS: no failed request, RSS within 20 % of its value after warm-up');
    }
  } finally {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error('credgraph load: unexpected error:', error);
  process.exit(1);
});
