import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ProviderNameError, providerNames } from '../../cli/providerNames.js';
import {
  addToLocalProviders,
  addToSupergraphConfig,
  nextFreePort,
  RegistrationError,
} from '../../cli/registerProvider.js';
import { projectRoot } from '../../subgraphs/kit/index.js';

/** `credgraph provider new`: names, registration edits and the command line. The whole path is scaffold.test.ts. */

describe('provider names', () => {
  it('derives every identifier from the id', () => {
    expect(providerNames('acme')).toEqual({
      id: 'acme',
      pascal: 'Acme',
      camel: 'acme',
      constant: 'ACME',
      display: 'Acme',
    });
    expect(providerNames('skillsforge2').constant).toBe('SKILLSFORGE2');
  });

  it.each([
    ['Acme', /not a provider id/],
    ['2acme', /not a provider id/],
    ['acme_badges', /not a provider id/],
    ['acme-', /not a provider id/],
    ['acme-badges', /GraphQL field names cannot contain "-"; use "acmebadges"/],
    ['catalog', /reserved/],
    ['skills', /reserved/],
    ['kit', /reserved/],
    ['gateway', /reserved/],
    ['exemplar', /reserved/],
    ['class', /reserved/],
    ['name', /field of Credential already/],
    ['issuer', /field of Credential already/],
  ])('refuses %j', (name, why) => {
    expect(() => providerNames(name)).toThrow(ProviderNameError);
    expect(() => providerNames(name)).toThrow(why);
  });
});

describe('registration', () => {
  const acme = providerNames('acme');
  const localProviders = `import { coursera } from '../subgraphs/coursera/index.js';
import { credly } from '../subgraphs/credly/index.js';
import type { LocalProvider } from '../subgraphs/kit/index.js';

/** The providers. */
export const localProviders: readonly LocalProvider[] = [credly, coursera];
`;

  it('adds the import in sorted order and the array entry', () => {
    expect(addToLocalProviders(localProviders, acme)).toBe(`import { acme } from '../subgraphs/acme/index.js';
import { coursera } from '../subgraphs/coursera/index.js';
import { credly } from '../subgraphs/credly/index.js';
import type { LocalProvider } from '../subgraphs/kit/index.js';

/** The providers. */
export const localProviders: readonly LocalProvider[] = [credly, coursera, acme];
`);
    const zeta = addToLocalProviders(localProviders, providerNames('zeta'));
    expect(zeta.split('\n').indexOf("import { zeta } from '../subgraphs/zeta/index.js';")).toBe(3);
  });

  it('breaks the array over lines once it is wider than biome allows', () => {
    const many = localProviders.replace(
      '[credly, coursera]',
      '[credly, coursera, badgr, edx, openbadges, registry]',
    );
    expect(addToLocalProviders(many, acme)).toContain(
      'export const localProviders: readonly LocalProvider[] = [\n  credly,\n  coursera,\n  badgr,\n  edx,\n  openbadges,\n  registry,\n  acme,\n];',
    );
  });

  it('refuses a provider registered already, or a file it cannot read', () => {
    const once = addToLocalProviders(localProviders, acme);
    expect(() => addToLocalProviders(once, acme)).toThrow(RegistrationError);
    expect(() => addToLocalProviders('export const x = 1;\n', acme)).toThrow(/by hand/);
  });

  it('adds the subgraph to supergraph.yaml on the next free port, keeping its comments', () => {
    const yaml = `# The subgraphs.
federation_version: =2.7.x
subgraphs:
  catalog:
    routing_url: http://127.0.0.1:4001/graphql
    schema:
      subgraph_url: http://127.0.0.1:4001/graphql
  credly:
    routing_url: http://127.0.0.1:4002/graphql
    schema:
      subgraph_url: http://127.0.0.1:4002/graphql
`;
    expect(nextFreePort(yaml)).toBe(4003);
    const added = addToSupergraphConfig(yaml, acme, 4003);
    expect(added.startsWith(yaml)).toBe(true);
    expect(parseYaml(added).subgraphs.acme).toEqual({
      routing_url: 'http://127.0.0.1:4003/graphql',
      schema: { subgraph_url: 'http://127.0.0.1:4003/graphql' },
    });
    expect(() => addToSupergraphConfig(added, acme, 4004)).toThrow(/already lists acme/);
  });
});

describe('credgraph provider (compiled bin)', () => {
  const bin = resolve(import.meta.dirname, '../../dist/cli/credgraph.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, 'provider', ...args], { encoding: 'utf8', cwd: projectRoot() });

  it('prints its usage', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('credgraph provider new <name>');
  });

  it('refuses bad names and taken ones without touching the checkout', () => {
    const before = readFileSync(join(projectRoot(), 'cli/localProviders.ts'), 'utf8');
    const hyphen = run('new', 'acme-badges');
    expect(hyphen.status).toBe(1);
    expect(hyphen.stderr).toContain('use "acmebadges"');
    const taken = run('new', 'credly');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('subgraphs/credly/ exists already');
    expect(run('new').status).toBe(2);
    expect(run('new', 'acme', '--port', 'eighty').status).toBe(2);
    expect(readFileSync(join(projectRoot(), 'cli/localProviders.ts'), 'utf8')).toBe(before);
    expect(existsSync(join(projectRoot(), 'subgraphs/acme-badges'))).toBe(false);
  });
});
