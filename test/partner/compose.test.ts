import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCompose } from '../../cli/composeCommand.js';
import { lintProviderSubgraphs } from '../../cli/subgraphLint.js';
import { FEDERATION_LINK } from '../../schema/index.js';

/**
 * `credgraph compose`: composition from a subgraph list, the partner lint, and the comparison with the committed
 * supergraph. The fixture is a small owner subgraph (catalog) and a provider (acme) read from schema files.
 */

const LINK = `extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])`;

const catalogSdl = `${LINK}
type Query {
  credential(id: ID!): Credential
  credentials(query: String, first: Int = 20): [Credential!]!
}
type Credential @key(fields: "id") {
  id: ID!
  name: String!
  level: String
}
`;

const acmeSdl = (itemFields = 'title: String!\n  hours: Float', acmeField = 'AcmeItem') => `${LINK}
type Credential @key(fields: "id") {
  id: ID!
  "Live details from Acme; null for other providers' credentials."
  acme: ${acmeField}
}
type AcmeItem {
  id: ID!
  ${itemFields}
}
`;

const dir = mkdtempSync(join(tmpdir(), 'credgraph-compose-'));
const configPath = join(dir, 'supergraph.yaml');
const againstPath = join(dir, 'supergraph.graphql');
writeFileSync(
  configPath,
  `federation_version: =2.7.x
subgraphs:
  catalog:
    routing_url: http://127.0.0.1:4001/graphql
    schema:
      file: catalog.graphql
  acme:
    routing_url: http://127.0.0.1:4009/graphql
    schema:
      file: acme.graphql
`,
);

function writeSubgraphs(acme: string, catalog = catalogSdl): void {
  writeFileSync(join(dir, 'catalog.graphql'), catalog);
  writeFileSync(join(dir, 'acme.graphql'), acme);
}

async function compose(...flags: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCompose(
    ['--config', configPath, '--against', againstPath, '--from-config', ...flags],
    {
      out: (text) => lines.push(text),
      err: (text) => lines.push(text),
    },
  );
  return { code, output: lines.join('\n') };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credgraph compose --check', () => {
  beforeEach(async () => {
    writeSubgraphs(acmeSdl());
    rmSync(againstPath, { force: true });
    expect((await compose('--write')).code).toBe(0);
  });

  it('writes the committed supergraph, then finds it up to date', async () => {
    expect(readFileSync(againstPath, 'utf8')).toContain('type AcmeItem');
    const { code, output } = await compose('--check');
    expect(code).toBe(0);
    expect(output).toContain('Same as');
  });

  it('exits 1 when a field the committed supergraph has is removed', async () => {
    writeSubgraphs(acmeSdl('title: String!'));
    const { code, output } = await compose('--check');
    expect(code).toBe(1);
    expect(output).toMatch(/Breaking changes \(1\):\n\s+✗ AcmeItem\.hours was removed\. \[FIELD_REMOVED\]/);
    expect(output).toContain('Pass --accept-breaking');
  });

  it('exits 0 for an additive change, listing it', async () => {
    writeSubgraphs(acmeSdl('title: String!\n  hours: Float\n  price: Float'));
    const { code, output } = await compose('--check');
    expect(code).toBe(0);
    expect(output).toContain('+ AcmeItem.price: Float was added. [FIELD_ADDED]');
    expect(output).toContain('credgraph compose --write');
  });

  it.each([
    [
      'output nullability loosened',
      acmeSdl('title: String\n  hours: Float'),
      'AcmeItem.title changed type from String! to String',
    ],
    ['a type removed (renamed)', acmeSdl().replace(/AcmeItem/g, 'AcmeOffering'), 'AcmeItem was removed'],
    [
      'a required argument added',
      acmeSdl(),
      'A required arg limit on Query.credentials was added',
      catalogSdl.replace('first: Int = 20)', 'first: Int = 20, limit: Int!)'),
    ],
    [
      'an argument removed',
      acmeSdl(),
      'Query.credentials arg query was removed. [ARG_REMOVED]',
      catalogSdl.replace('query: String, ', ''),
    ],
  ])('treats %s as breaking', async (_change, acme, expected, catalog = catalogSdl) => {
    writeSubgraphs(acme, catalog);
    const { code, output } = await compose('--check');
    expect(code).toBe(1);
    expect(output).toContain(expected);
  });

  it('passes breaking changes with --accept-breaking, and only then writes them', async () => {
    writeSubgraphs(acmeSdl('title: String!'));
    expect((await compose('--write')).code).toBe(1);
    expect(readFileSync(againstPath, 'utf8')).toContain('hours');
    const accepted = await compose('--check', '--write', '--accept-breaking');
    expect(accepted.code).toBe(0);
    expect(readFileSync(againstPath, 'utf8')).not.toContain('hours');
    expect((await compose('--check')).code).toBe(0);
  });

  it('reports composition errors readably, naming the subgraphs', async () => {
    writeSubgraphs(acmeSdl().replace('id: ID!\n  "Live', 'id: ID!\n  name: Int\n  "Live'));
    const { code, output } = await compose('--check');
    expect(code).toBe(1);
    expect(output).toMatch(/Composition failed \(\d+\):/);
    expect(output).toMatch(/✗ [A-Z_]+ \[[^\]]*acme[^\]]*\]\n\s+.*Credential\.name/);
  });

  it('fails without a committed supergraph to check against', async () => {
    rmSync(againstPath);
    const { code, output } = await compose('--check');
    expect(code).toBe(1);
    expect(output).toContain('No committed supergraph');
  });

  it('prints the supergraph with --print, reports aside', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCompose(
      ['--config', configPath, '--against', againstPath, '--from-config', '--print'],
      {
        out: (text) => out.push(text),
        err: (text) => err.push(text),
      },
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toBe(readFileSync(againstPath, 'utf8'));
    expect(err.join('\n')).toContain('Composed.');
  });
});

describe('the partner lint', () => {
  it('fails compose when a provider adds a non-null field to Credential', async () => {
    writeSubgraphs(acmeSdl(undefined, 'AcmeItem!'));
    const { code, output } = await compose('--check');
    expect(code).toBe(1);
    expect(output).toContain('Lint errors (1):');
    expect(output).toContain('acme: Credential.acme is AcmeItem!, non-null: make it AcmeItem.');
  });

  it('checks entity and root fields of providers, not the owners, keys, externals or value types', () => {
    const provider = `${LINK}
type Query { acmeSearch(query: String!): [AcmeItem!]! acmeCount: Int }
type Credential @key(fields: "id") { id: ID! acme: AcmeItem! }
type Issuer @key(fields: "id") { id: ID! acmeRating: Float! }
type AcmeItem { id: ID! title: String! }
`;
    const owner = `${LINK}
type Query { credential(id: ID!): Credential! }
type Credential @key(fields: "id") { id: ID! name: String! }
type Issuer @key(fields: "id") { id: ID! name: String! }
`;
    const problems = lintProviderSubgraphs([
      { name: 'catalog', routingUrl: 'http://127.0.0.1:1/graphql', sdl: owner },
      { name: 'acme', routingUrl: 'http://127.0.0.1:2/graphql', sdl: provider },
    ]);
    expect(problems.map((problem) => `${problem.subgraph} ${problem.coordinate}`)).toEqual([
      'acme Query.acmeSearch',
      'acme Credential.acme',
      'acme Issuer.acmeRating',
    ]);
  });
});

describe('credgraph compose on this repository', () => {
  it('composes every subgraph in gateway/supergraph.yaml in-process, with no breaking change against the committed supergraph', async () => {
    const lines: string[] = [];
    const code = await runCompose(['--check'], {
      out: (text) => lines.push(text),
      err: (text) => lines.push(text),
    });
    expect(lines.join('\n')).toContain('built in-process: catalog');
    expect(code, lines.join('\n')).toBe(0);
  });

  it('exits non-zero from the compiled bin for a removed field', () => {
    const bin = resolve(import.meta.dirname, '../../dist/cli/credgraph.js');
    expect(existsSync(bin), 'run npm run build first').toBe(true);
    writeSubgraphs(acmeSdl());
    rmSync(againstPath, { force: true });
    const run = (...flags: string[]) =>
      spawnSync(
        process.execPath,
        [bin, 'compose', '--config', configPath, '--against', againstPath, ...flags],
        {
          encoding: 'utf8',
          env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
        },
      );
    expect(run('--write', '--from-config').status).toBe(0);
    writeSubgraphs(acmeSdl('title: String!'));
    const removed = run('--check', '--from-config');
    expect(removed.status, removed.stdout + removed.stderr).toBe(1);
    expect(removed.stdout).toContain('AcmeItem.hours was removed');
    writeSubgraphs(acmeSdl('title: String!\n  hours: Float\n  price: Float'));
    expect(run('--check', '--from-config').status).toBe(0);
  });
});
