import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../subgraphs/kit/index.js';
import { graphql } from '../fixtures/http.js';

/**
 * The partner's path, as CI proves it: in a temporary copy of this checkout (never in the working tree), scaffold
 * a provider with the compiled `credgraph provider new`, lint it, run its tests (the conformance suite among
 * them), build, `credgraph compose --check`, start the one-command catalog and find the provider's credentials
 * through the gateway's search.
 */

const NAME = 'zeta';
const root = projectRoot();
const copy = mkdtempSync(join(tmpdir(), 'credgraph-partner-'));
let catalog: ChildProcess | null = null;

/** What a clean clone has: every file git knows (tracked, or new and not ignored), as it is in the working tree. */
function checkoutFiles(): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return listed.split('\0').filter((file) => file && existsSync(join(root, file)));
  } catch {
    return walk(root).map((file) => relative(root, file));
  }
}

/** Without git: every file but the ones .gitignore names. */
function walk(dir: string): string[] {
  const ignored = new Set(['.git', 'node_modules', 'dist', 'data', 'test-output']);
  return readdirSync(dir).flatMap((name) => {
    if (dir === root && ignored.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Runs a command in the copy; its output is part of the failure message. */
function inCopy(args: string[], options: { timeoutMs?: number } = {}) {
  const run = spawnSync(process.execPath, args, {
    cwd: copy,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
  for (const file of checkoutFiles()) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(root, file), join(copy, file));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterAll(() => {
  catalog?.kill('SIGKILL');
  rmSync(copy, { recursive: true, force: true });
});

describe(`a partner scaffolds "${NAME}" in a copy of the checkout`, () => {
  it('scaffolds and registers it with credgraph provider new', () => {
    const bin = join(root, 'dist/cli/credgraph.js');
    expect(existsSync(bin), 'run npm run build first').toBe(true);
    const scaffold = spawnSync(process.execPath, [bin, 'provider', 'new', NAME], {
      cwd: copy,
      encoding: 'utf8',
    });
    expect(scaffold.status, scaffold.stdout + scaffold.stderr).toBe(0);
    expect(scaffold.stdout).toContain(`Created subgraphs/${NAME}/`);
    for (const file of [
      'README.md',
      'config.ts',
      'client.ts',
      'mapping.ts',
      `${NAME}.test.ts`,
      'standin/data/items.json',
    ]) {
      expect(existsSync(join(copy, 'subgraphs', NAME, file)), file).toBe(true);
    }
    expect(readFileSync(join(copy, 'cli/localProviders.ts'), 'utf8')).toContain(
      `import { ${NAME} } from '../subgraphs/${NAME}/index.js';`,
    );
    expect(readFileSync(join(copy, 'gateway/supergraph.yaml'), 'utf8')).toMatch(
      new RegExp(`\\n  ${NAME}:\\n`),
    );
    const readme = readFileSync(join(copy, 'subgraphs', NAME, 'README.md'), 'utf8');
    expect(readme).toContain('TODO:');
    expect(readme).not.toMatch(/exemplar/i);
    // Never in the working tree itself.
    expect(existsSync(join(root, 'subgraphs', NAME))).toBe(false);
  });

  it('passes biome as generated', () => {
    const lint = inCopy([
      'node_modules/@biomejs/biome/bin/biome',
      'check',
      `subgraphs/${NAME}`,
      'cli/localProviders.ts',
      'gateway/supergraph.yaml',
    ]);
    expect(lint.status, lint.output).toBe(0);
  });

  it('passes its own tests, the conformance suite among them', () => {
    const tests = inCopy([
      'node_modules/vitest/vitest.mjs',
      'run',
      '--reporter=verbose',
      `subgraphs/${NAME}`,
    ]);
    expect(tests.status, tests.output).toBe(0);
    expect(tests.output).toMatch(/Tests\s+\d+ passed/);
    expect(tests.output).toContain(`${NAME}: provider conformance`);
  }, 90_000);

  it('typechecks, tests included, and builds with the rest', () => {
    // Only the new folder (and what it imports) is typechecked with its test: other test files are not its business.
    writeFileSync(
      join(copy, 'tsconfig.partner.json'),
      JSON.stringify({ extends: './tsconfig.json', include: [`subgraphs/${NAME}`] }),
    );
    const typecheck = inCopy(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.partner.json', '--noEmit']);
    expect(typecheck.status, typecheck.output).toBe(0);
    const build = inCopy(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
      timeoutMs: 120_000,
    });
    expect(build.status, build.output).toBe(0);
  }, 120_000);

  it('composes into the supergraph with credgraph compose --check, an additive change', () => {
    const compose = inCopy(['dist/cli/credgraph.js', 'compose', '--check']);
    expect(compose.status, compose.output).toBe(0);
    expect(compose.output).toContain(`+ Credential.${NAME}: ZetaItem was added.`);
    expect(compose.output).not.toContain('Breaking changes');
  });

  describe('in the one-command catalog', () => {
    let gatewayUrl: string;

    beforeAll(async () => {
      const script = `import { startLocalCatalog } from './dist/cli/start.js';
const running = await startLocalCatalog({ env: process.env, ports: 'free' });
console.log('gateway ' + running.gatewayUrl);
process.once('SIGTERM', () => running.close().then(() => process.exit(0)));`;
      catalog = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: copy,
        env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      gatewayUrl = await new Promise<string>((found, failed) => {
        const timer = setTimeout(() => failed(new Error(`no gateway after 45 s:\n${output}`)), 45_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /gateway (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            found(match[1]!);
          }
        };
        catalog!.stdout!.on('data', read);
        catalog!.stderr!.on('data', read);
        catalog!.once('exit', (code) => failed(new Error(`the catalog exited (${code}):\n${output}`)));
      });
    }, 60_000);

    afterAll(async () => {
      if (catalog && catalog.exitCode === null) {
        const exited = new Promise((done) => catalog!.once('exit', done));
        catalog.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
      }
    });

    it(`finds ${NAME}: credentials through the gateway's search, with the live field`, async () => {
      const all = await graphql<{
        credentials: { totalCount: number; edges: Array<{ node: { id: string } }> };
      }>(
        gatewayUrl,
        `{ credentials(filter: { providers: ["${NAME}"] }, first: 100) { totalCount edges { node { id } } } }`,
      );
      expect(all.errors).toBeUndefined();
      const sample = JSON.parse(
        readFileSync(join(copy, 'subgraphs', NAME, 'standin/data/items.json'), 'utf8'),
      );
      expect(all.data!.credentials.totalCount).toBe(sample.length);
      for (const { node } of all.data!.credentials.edges)
        expect(node.id).toMatch(new RegExp(`^${NAME}:item:`));

      const search = await graphql<{
        credentials: { edges: Array<{ node: { id: string; name: string; zeta: { title: string } | null } }> };
      }>(
        gatewayUrl,
        `{ credentials(query: "security", first: 100) { edges { node { id name ${NAME} { title } } } } }`,
      );
      expect(search.errors).toBeUndefined();
      const found = search
        .data!.credentials.edges.map((edge) => edge.node)
        .filter((node) => node.id.startsWith(`${NAME}:`));
      expect(found.length).toBeGreaterThan(0);
      for (const node of found) expect(node.zeta?.title).toBe(node.name);

      const providers = await graphql<{ providers: Array<{ id: string; harvest: { state: string } }> }>(
        gatewayUrl,
        '{ providers { id harvest { state } } }',
      );
      expect(providers.data!.providers.find((provider) => provider.id === NAME)?.harvest.state).toBe('OK');
    });
  });
});
