import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run bench` as an operator runs it, cut short: the figures are not checked (they are the bench's job), but
 * that it measures every contender asked for in every round, checks their answers, summarises them on its last
 * line and writes the profiles it was asked for.
 */

const BENCH = resolve(import.meta.dirname, '../../dist/cli/bench.js');
const dir = mkdtempSync(join(tmpdir(), 'credgraph-bench-test-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BENCH, ...args], {
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

describe('npm run bench', () => {
  it('measures each contender in each round, reports medians and ratios, and writes CPU profiles', async () => {
    const profiles = join(dir, 'profiles');
    const { code, stdout, stderr } = await runBench([
      '--only',
      'credentialById',
      '--contenders',
      'apolloGateway,credgraphNoCache',
      '--rounds',
      '2',
      '--duration',
      '1',
      '--warmup',
      '0',
      '--connections',
      '2',
      '--cpu-prof',
      profiles,
    ]);
    expect(code, stderr).toBe(0);
    for (const round of [1, 2]) {
      for (const contender of ['apolloGateway', 'credgraphNoCache']) {
        expect(stdout).toMatch(new RegExp(`round ${round} +credentialById +${contender} +\\d+ req/s`));
      }
    }
    expect(stdout).toMatch(/medians over 2 rounds/);
    expect(stdout).toMatch(/credentialById +credgraphNoCache +\d+\.\d\d×/);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<
      string,
      Record<string, { requestsPerSecond: number; p99Ms: number; peakRssMB: number; failed: number }>
    >;
    expect(Object.keys(summary)).toEqual(['credentialById']);
    expect(Object.keys(summary.credentialById!).sort()).toEqual(['apolloGateway', 'credgraphNoCache']);
    for (const figures of Object.values(summary.credentialById!)) {
      expect(figures.requestsPerSecond).toBeGreaterThan(0);
      expect(figures.peakRssMB).toBeGreaterThan(0);
      expect(figures.failed).toBe(0);
    }
    const written = readdirSync(profiles).sort();
    expect(written).toEqual(
      ['apolloGateway', 'credgraphNoCache']
        .flatMap((contender) =>
          [1, 2].flatMap((round) => [
            `credentialById-${contender}-round${round}-subgraphs.cpuprofile`,
            `credentialById-${contender}-round${round}.cpuprofile`,
          ]),
        )
        .sort(),
    );
    for (const file of written) {
      const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as { nodes: unknown[] };
      expect(profile.nodes.length, file).toBeGreaterThan(0);
    }
  });

  it('refuses a round count that is not a whole number, with its usage', async () => {
    const { code, stderr } = await runBench(['--rounds', 'many']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/rounds/);
    expect(stderr).toMatch(/Usage: npm run bench/);
  });
});
