#!/usr/bin/env node
// Before anything loads @apollo/gateway: it reads this variable to decide whether to send telemetry to Apollo.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { composeSupergraphConfig } from '../gateway/index.js';
import type { BenchClientResult, BenchClientSettings } from './benchClient.js';
import { type BenchOperation, benchOperations, MEASURING } from './benchQueries.js';
import { spawnServer } from './serverProcess.js';
import { DEMO_STANDIN_CACHE_CONTROL, startLocalCatalog } from './start.js';
import { wholeNumberOption } from './wholeNumberOption.js';

const USAGE = `Usage: npm run bench -- [--duration <s>] [--warmup <s>] [--connections <n>] [--only <query,…>]
                       [--contenders <name,…>] [--rounds <n>] [--cpu-prof <dir>]

Starts the whole catalog (stand-ins, provider subgraphs, skills, catalog) in this process, then, for each of
three queries (catalogPage, credentialById, searchWithFacets), runs side by side, one at a time, each in a
process of its own and loaded by autocannon from a third process over loopback:

  credgraphWarm     credgraph gateway, caches on (primed by one request before the warm-up)
  credgraphNoCache  credgraph gateway with every gateway cache off (CREDGRAPH_CACHE=off)
  apolloGateway     plain @apollo/gateway with its defaults in Apollo Server's standalone server
  ceiling           a bare node:http server answering the same bytes

With --rounds n, the contenders take turns n times for each query (so that a machine whose speed drifts slows
them alike) and the report gives each figure's median over the rounds (peak RSS: the highest), and each ratio's
median over the rounds' own ratios.

Prints req/s, p50/p99 latency and peak RSS for each, ratios against plain Apollo and the ceiling, and, as its
last line, a JSON summary. Rate limiting and per-request logs are off for credgraph (the one client would be
rate-limited; plain Apollo logs nothing either). Every contender's answer is checked first against the
answer of a gateway without caches.

--cpu-prof <dir> writes V8 CPU profiles there (open them in Chrome DevTools): one per contender process for its
whole life (<query>-<contender>.cpuprofile), and one of this process over each measured run
(<query>-<contender>-subgraphs.cpuprofile); with rounds, the names end in -round<n> before those suffixes.
Profiling slows everything: compare figures only within such a run.

Defaults: --duration 10 --warmup 5 --connections 32 --rounds 1 (a whole run takes about 4 minutes a round).`;

const here = dirname(fileURLToPath(import.meta.url));

type ContenderName = 'credgraphWarm' | 'credgraphNoCache' | 'apolloGateway' | 'ceiling';
const CONTENDERS: ContenderName[] = ['apolloGateway', 'credgraphNoCache', 'credgraphWarm', 'ceiling'];

interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  only: Set<string> | null;
  contenders: ContenderName[];
  rounds: number;
  cpuProfileDir: string | null;
}

interface Measurement extends BenchClientResult {
  peakRssBytes: number;
  /** The server's CPU time (user + system) per request over the measured run, in ms. */
  cpuMsPerRequest: number;
  /**
   * The CPU time per request of this process, which runs the subgraphs and stand-ins (as `npm start` does), in
   * ms: the share of each request every contender pays alike, on the same cores.
   */
  subgraphCpuMsPerRequest: number;
}

function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      contenders: { type: 'string' },
      rounds: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    durationSeconds: wholeNumberOption(values.duration, 10, 'duration', 1),
    warmupSeconds: wholeNumberOption(values.warmup, 5, 'warmup', 0),
    connections: wholeNumberOption(values.connections, 32, 'connections', 1),
    only: values.only ? new Set(values.only.split(',').map((name) => name.trim())) : null,
    contenders: values.contenders ? contenderList(values.contenders) : CONTENDERS,
    rounds: wholeNumberOption(values.rounds, 1, 'rounds', 1),
    cpuProfileDir: values['cpu-prof'] ? resolve(values['cpu-prof']) : null,
  };
}

function contenderList(text: string): ContenderName[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!CONTENDERS.includes(name as ContenderName)) {
      throw new Error(`--contenders takes ${CONTENDERS.join(', ')}; got "${name}"`);
    }
  }
  return CONTENDERS.filter((name) => names.includes(name));
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat (12 and 13 after the command), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The process's peak resident set size (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Runs the load client; `onMeasuring` is called when its measured run starts. */
function runClient(settings: BenchClientSettings, onMeasuring: () => void): Promise<BenchClientResult> {
  const child = spawn(process.execPath, [join(here, 'benchClient.js'), JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes(`${MEASURING}\n`)) {
      output = output.replace(`${MEASURING}\n`, '');
      onMeasuring();
    }
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output.trim().split('\n').at(-1)!) as BenchClientResult);
      else reject(new Error(`the bench client exited with ${code}`));
    });
  });
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** Starts a contender for one operation; its answer must equal the reference answer (when one is given). */
async function startContender(
  name: ContenderName,
  supergraphPath: string,
  answerPath: string,
  nodeOptions: string[],
): Promise<{ child: ChildProcess; url: string }> {
  const credgraphEnv = (cache: string): NodeJS.ProcessEnv => ({
    ...process.env,
    APOLLO_TELEMETRY_DISABLED: 'true',
    CREDGRAPH_RATE_LIMIT: '0',
    CREDGRAPH_LOG_LEVEL: 'warn',
    CREDGRAPH_RELOAD_INTERVAL_MS: '0',
    CREDGRAPH_CACHE: cache,
  });
  switch (name) {
    case 'credgraphWarm':
      return spawnServer(
        [join(here, 'credgraph.js'), 'gateway', '--supergraph', supergraphPath, '--port', '0'],
        credgraphEnv('on'),
        nodeOptions,
      );
    case 'credgraphNoCache':
      return spawnServer(
        [join(here, 'credgraph.js'), 'gateway', '--supergraph', supergraphPath, '--port', '0'],
        credgraphEnv('off'),
        nodeOptions,
      );
    case 'apolloGateway':
      return spawnServer(
        [join(here, 'benchApollo.js'), supergraphPath],
        { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
        nodeOptions,
      );
    case 'ceiling':
      return spawnServer([join(here, 'benchCeiling.js'), answerPath], process.env, nodeOptions);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pad = (text: string, width: number) => text.padStart(width);

async function main(argv: string[]): Promise<void> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`credgraph bench: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  if (options === 'help') return void console.log(USAGE);

  // The catalog as `npm start` runs it, stand-ins' Cache-Control included (the same for every contender).
  process.env.STANDIN_CACHE_CONTROL ??= DEMO_STANDIN_CACHE_CONTROL;
  console.log('starting the catalog (stand-ins, subgraphs, harvest)…');
  const stack = await startLocalCatalog({
    env: { ...process.env, CATALOG_HARVEST_INTERVAL_S: '0', CREDGRAPH_RATE_LIMIT: '0' },
    ports: 'free',
    gateway: { logLevel: 'silent' },
  });
  const dir = mkdtempSync(join(tmpdir(), 'credgraph-bench-'));
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const running = new Set<ChildProcess>();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill('SIGTERM');
      process.exit(130);
    });
  }
  const results: Record<string, Rounds> = {};
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
    const credentialId = await pickCredential(stack.gatewayUrl);
    const operations = benchOperations(credentialId).filter(
      (operation) => !options.only || options.only.has(operation.name),
    );
    console.log(
      `${operations.length} queries × ${options.contenders.length} contenders, ${options.connections} connections, ` +
        `${options.warmupSeconds} s warm-up + ${options.durationSeconds} s each\n`,
    );
    for (const operation of operations) {
      results[operation.name] = await benchOperation(
        operation,
        options,
        supergraphPath,
        dir,
        running,
        stack.gatewayUrl,
      );
    }
  } finally {
    for (const child of running) await stopServer(child);
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printReport(results);
}

/** A credential with a live provider field, for the single-credential query: the first of a credly page. */
async function pickCredential(gatewayUrl: string): Promise<string> {
  const { text } = await post(
    gatewayUrl,
    JSON.stringify({
      query: '{ credentials(first: 1, filter: { providers: ["credly"] }) { edges { node { id } } } }',
    }),
  );
  const id = (JSON.parse(text) as { data?: { credentials: { edges: Array<{ node: { id: string } }> } } }).data
    ?.credentials.edges[0]?.node.id;
  if (!id) throw new Error(`the catalog has no credential to benchmark: ${text.slice(0, 300)}`);
  return id;
}

async function benchOperation(
  operation: BenchOperation,
  options: BenchOptions,
  supergraphPath: string,
  dir: string,
  running: Set<ChildProcess>,
  referenceUrl: string,
): Promise<Rounds> {
  // The reference answer: the catalog's own in-process gateway's (no caches); every contender must match it.
  const answerPath = join(dir, `${operation.name}.json`);
  const expected = await post(referenceUrl, operation.body);
  const reference = JSON.parse(expected.text) as { errors?: unknown };
  if (expected.status !== 200 || reference.errors) {
    throw new Error(`${operation.name} fails: ${expected.status} ${expected.text.slice(0, 500)}`);
  }
  writeFileSync(answerPath, expected.text);
  const rounds: Rounds = [];
  for (let round = 1; round <= options.rounds; round++) {
    rounds.push(await benchRound(operation, options, round, supergraphPath, answerPath, reference, running));
  }
  return rounds;
}

/** One turn of every contender at `operation`. */
async function benchRound(
  operation: BenchOperation,
  options: BenchOptions,
  round: number,
  supergraphPath: string,
  answerPath: string,
  reference: unknown,
  running: Set<ChildProcess>,
): Promise<Round> {
  const measured: Round = {};
  for (const name of options.contenders) {
    const profileDir = options.cpuProfileDir;
    const profileName = `${operation.name}-${name}${options.rounds > 1 ? `-round${round}` : ''}`;
    const nodeOptions = profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileName}.cpuprofile`]
      : [];
    const started = await startContender(name, supergraphPath, answerPath, nodeOptions);
    running.add(started.child);
    try {
      const { status, text } = await post(started.url, operation.body);
      const parsed = JSON.parse(text) as { errors?: unknown };
      if (status !== 200 || parsed.errors) {
        throw new Error(`${name} answered ${operation.name} with ${status}: ${text.slice(0, 500)}`);
      }
      if (!isDeepStrictEqual(parsed, reference)) {
        throw new Error(`${name} answered ${operation.name} differently from the reference answer`);
      }
      const pid = started.child.pid!;
      let cpuAtStart = cpuMs(pid);
      let subgraphCpuAtStart = process.cpuUsage();
      const subgraphProfile = profileDir ? await startProfiling() : null;
      const result = await runClient(
        {
          url: started.url,
          body: operation.body,
          connections: options.connections,
          warmupSeconds: options.warmupSeconds,
          durationSeconds: options.durationSeconds,
        },
        () => {
          cpuAtStart = cpuMs(pid);
          subgraphCpuAtStart = process.cpuUsage();
          void subgraphProfile?.post('Profiler.start');
        },
      );
      if (subgraphProfile && profileDir) {
        const { profile } = await subgraphProfile.post('Profiler.stop');
        writeFileSync(join(profileDir, `${profileName}-subgraphs.cpuprofile`), JSON.stringify(profile));
        subgraphProfile.disconnect();
      }
      const requests = Math.max(1, result.requests);
      const cpuMsPerRequest = (cpuMs(pid) - cpuAtStart) / requests;
      const subgraphCpu = process.cpuUsage(subgraphCpuAtStart);
      const subgraphCpuMsPerRequest = (subgraphCpu.user + subgraphCpu.system) / 1000 / requests;
      measured[name] = { ...result, peakRssBytes: peakRss(pid), cpuMsPerRequest, subgraphCpuMsPerRequest };
      const failed = result.errors + result.timeouts + result.non2xx;
      console.log(
        `${options.rounds > 1 ? `round ${round}  ` : ''}` +
          `${operation.name.padEnd(17)} ${name.padEnd(17)} ${pad(result.requestsPerSecond.toFixed(0), 7)} req/s  ` +
          `p50 ${pad(String(result.latencyMs.p50), 4)} ms  p99 ${pad(String(result.latencyMs.p99), 4)} ms  ` +
          `peak RSS ${pad(mb(measured[name].peakRssBytes), 9)}  CPU ${pad(measured[name].cpuMsPerRequest.toFixed(3), 6)} ms/req  ` +
          `subgraphs ${pad(subgraphCpuMsPerRequest.toFixed(3), 6)} ms/req` +
          `${failed > 0 ? `  (${failed} failed)` : ''}`,
      );
    } finally {
      await stopServer(started.child);
      running.delete(started.child);
    }
  }
  return measured;
}

/** An inspector session on this process with the profiler enabled, to start when the measured run does. */
async function startProfiling(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return session;
}

/** A query's measurements in one round, by contender. */
type Round = Partial<Record<ContenderName, Measurement>>;
type Rounds = Round[];

/** A contender's figures over the rounds: medians, except peak RSS (the highest) and failures (all). */
interface Typical {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssBytes: number;
  cpuMsPerRequest: number;
  subgraphCpuMsPerRequest: number;
  failed: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function typical(rounds: Rounds, name: ContenderName): Typical | undefined {
  const measured = rounds.flatMap((round) => (round[name] ? [round[name]] : []));
  if (measured.length === 0) return undefined;
  return {
    requestsPerSecond: median(measured.map((m) => m.requestsPerSecond)),
    p50Ms: median(measured.map((m) => m.latencyMs.p50)),
    p99Ms: median(measured.map((m) => m.latencyMs.p99)),
    peakRssBytes: Math.max(...measured.map((m) => m.peakRssBytes)),
    cpuMsPerRequest: median(measured.map((m) => m.cpuMsPerRequest)),
    subgraphCpuMsPerRequest: median(measured.map((m) => m.subgraphCpuMsPerRequest)),
    failed: measured.reduce((sum, m) => sum + m.errors + m.timeouts + m.non2xx, 0),
  };
}

/** The median over the rounds of `name`'s req/s against `baseline`'s in the same round, or null. */
function ratio(rounds: Rounds, name: ContenderName, baseline: ContenderName): number | null {
  const ratios = rounds.flatMap((round) => {
    const a = round[name]?.requestsPerSecond;
    const b = round[baseline]?.requestsPerSecond;
    return a !== undefined && b !== undefined && b > 0 ? [a / b] : [];
  });
  return ratios.length > 0 ? median(ratios) : null;
}

function printReport(results: Record<string, Rounds>): void {
  const fmt = (value: number | null) => (value === null ? '   n/a' : `${value.toFixed(2)}×`.padStart(6));
  const roundCount = Math.max(0, ...Object.values(results).map((rounds) => rounds.length));
  if (roundCount > 1) {
    console.log(`\nmedians over ${roundCount} rounds (peak RSS: the highest)`);
    for (const [query, rounds] of Object.entries(results)) {
      for (const name of CONTENDERS) {
        const figures = typical(rounds, name);
        if (!figures) continue;
        console.log(
          `${query.padEnd(17)} ${name.padEnd(17)} ${pad(figures.requestsPerSecond.toFixed(0), 7)} req/s  ` +
            `p50 ${pad(String(figures.p50Ms), 4)} ms  p99 ${pad(String(figures.p99Ms), 4)} ms  ` +
            `peak RSS ${pad(mb(figures.peakRssBytes), 9)}  CPU ${pad(figures.cpuMsPerRequest.toFixed(3), 6)} ms/req  ` +
            `subgraphs ${pad(figures.subgraphCpuMsPerRequest.toFixed(3), 6)} ms/req`,
        );
      }
    }
  }
  console.log(
    `\nratios (req/s${roundCount > 1 ? ", median of each round's" : ''})  vs plain Apollo   vs ceiling`,
  );
  const summary: Record<string, Record<string, unknown>> = {};
  for (const [query, rounds] of Object.entries(results)) {
    for (const name of CONTENDERS) {
      if (name === 'apolloGateway' || name === 'ceiling') continue;
      console.log(
        `  ${query.padEnd(17)} ${name.padEnd(17)} ${fmt(ratio(rounds, name, 'apolloGateway'))}        ` +
          `${fmt(ratio(rounds, name, 'ceiling'))}`,
      );
    }
    summary[query] = Object.fromEntries(
      CONTENDERS.flatMap((name) => {
        const figures = typical(rounds, name);
        if (!figures) return [];
        return [
          [
            name,
            {
              requestsPerSecond: Math.round(figures.requestsPerSecond),
              p50Ms: figures.p50Ms,
              p99Ms: figures.p99Ms,
              peakRssMB: Math.round((figures.peakRssBytes / 1024 / 1024) * 10) / 10,
              cpuMsPerRequest: Math.round(figures.cpuMsPerRequest * 1000) / 1000,
              subgraphCpuMsPerRequest: Math.round(figures.subgraphCpuMsPerRequest * 1000) / 1000,
              failed: figures.failed,
            },
          ],
        ];
      }),
    );
  }
  const page = results.catalogPage;
  const warmRatio = page && ratio(page, 'credgraphWarm', 'ceiling');
  const coldRatio = page && ratio(page, 'credgraphNoCache', 'apolloGateway');
  const credgraph = page && typical(page, 'credgraphNoCache');
  const apollo = page && typical(page, 'apolloGateway');
  if (warmRatio && coldRatio && credgraph && apollo) {
    const rssOk = credgraph.peakRssBytes <= apollo.peakRssBytes;
    console.log(
      `\nacceptance (catalogPage): warm ${warmRatio.toFixed(2)}× ceiling (≥ 0.5: ${warmRatio >= 0.5 ? 'yes' : 'NO'}); ` +
        `caches off ${coldRatio.toFixed(2)}× plain Apollo (≥ 2.5: ${coldRatio >= 2.5 ? 'yes' : 'NO'}), ` +
        `peak RSS ${mb(credgraph.peakRssBytes)} vs ${mb(apollo.peakRssBytes)} ` +
        `(no higher: ${rssOk ? 'yes' : 'NO'})`,
    );
    console.log(subgraphBound(credgraph, apollo));
  }
  console.log(JSON.stringify(summary));
}

/**
 * What the caches-off ratio could be at best on this machine: the gateway's own CPU per page against plain
 * Apollo's, and the req/s the subgraphs' process (one event loop, as `npm start` runs them) could serve on its own
 * at the CPU per page it spent for credgraph — a gateway that cost nothing would still wait for it.
 */
function subgraphBound(credgraph: Typical, apollo: Typical): string {
  const gatewayCpuRatio = apollo.cpuMsPerRequest / credgraph.cpuMsPerRequest;
  const subgraphLimit = 1000 / credgraph.subgraphCpuMsPerRequest;
  return (
    `gateway CPU per page: ${credgraph.cpuMsPerRequest.toFixed(2)} ms against plain Apollo's ` +
    `${apollo.cpuMsPerRequest.toFixed(2)} ms (${gatewayCpuRatio.toFixed(2)}× less); the subgraphs' process spent ` +
    `${credgraph.subgraphCpuMsPerRequest.toFixed(2)} ms per page, so it alone caps credgraph at ` +
    `${subgraphLimit.toFixed(0)} req/s (${(subgraphLimit / apollo.requestsPerSecond).toFixed(2)}× plain Apollo)`
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error('credgraph bench: unexpected error:', error);
  process.exit(1);
});
