import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { type ProviderNames, providerNames } from './providerNames.js';
import {
  addToLocalProviders,
  addToSupergraphConfig,
  nextFreePort,
  RegistrationError,
  supergraphPorts,
} from './registerProvider.js';

/**
 * `credgraph provider new`: a new provider folder from `subgraphs/_template/`, a working provider (named
 * `exemplar`) that runs its own conformance suite in every `npm test`, so the scaffold cannot rot. Copying it
 * renames `exemplar` / `Exemplar` / `EXEMPLAR` and the template's ports; the result compiles, lints, composes
 * and passes its tests before the partner edits anything.
 */

export const TEMPLATE_DIR = 'subgraphs/_template';
/** The template's own name and ports, replaced in every copied file. */
const TEMPLATE_NAME = 'exemplar';
const TEMPLATE_PORT = '4099';
const TEMPLATE_STANDIN_PORT = '4199';
/** A stand-in listens this far above its subgraph (credly: 4002 and 4102). */
export const STANDIN_PORT_OFFSET = 100;

export interface ScaffoldOptions {
  /** The credgraph checkout to add the provider to (its package root). */
  root: string;
  name: string;
  /** The subgraph's port; by default the one after the highest in gateway/supergraph.yaml. */
  port?: number;
  /**
   * Format the new files with the checkout's biome (default true): renaming changes line lengths and the order
   * of imported names, and the folder must pass `biome check` as generated.
   */
  format?: boolean;
}

export interface ScaffoldResult {
  names: ProviderNames;
  /** The new folder, relative to the root (`subgraphs/acme`). */
  folder: string;
  /** Every file written, relative to the root. */
  files: string[];
  /** The files edited to register the provider, relative to the root. */
  registered: string[];
  port: number;
  standinPort: number;
  /** Whether biome formatted the files; false when the checkout has no biome installed. */
  formatted: boolean;
}

/** Something in the way of scaffolding: a name taken, a port in use, a checkout without the template. */
export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
}

const LOCAL_PROVIDERS = 'cli/localProviders.ts';
const SUPERGRAPH_CONFIG = 'gateway/supergraph.yaml';

/**
 * Writes `subgraphs/<name>/` from the template and registers it. Everything is checked, and both registration
 * edits computed, before the first file is written, so that a refusal leaves the checkout as it was.
 * @throws ProviderNameError, ScaffoldError or RegistrationError with a message for the partner.
 */
export function scaffoldProvider(options: ScaffoldOptions): ScaffoldResult {
  const names = providerNames(options.name);
  const { root } = options;
  const templateDir = join(root, TEMPLATE_DIR);
  if (!existsSync(templateDir)) {
    throw new ScaffoldError(`${root} has no ${TEMPLATE_DIR}/: run this in a credgraph checkout`);
  }
  const folder = `subgraphs/${names.id}`;
  if (existsSync(join(root, folder))) throw new ScaffoldError(`${folder}/ exists already; pick another name`);

  const supergraphYaml = readFileSync(join(root, SUPERGRAPH_CONFIG), 'utf8');
  const ports = supergraphPorts(supergraphYaml);
  if (ports.has(names.id))
    throw new ScaffoldError(`${SUPERGRAPH_CONFIG} lists a subgraph "${names.id}" already`);
  const port = options.port ?? nextFreePort(supergraphYaml);
  const standinPort = port + STANDIN_PORT_OFFSET;
  if (!Number.isInteger(port) || port < 1024 || standinPort > 65_535) {
    throw new ScaffoldError(`--port must be a whole number from 1024 to ${65_535 - STANDIN_PORT_OFFSET}`);
  }
  for (const [name, used] of ports) {
    if (used === port || used === standinPort) {
      throw new ScaffoldError(
        `port ${used} is taken by subgraph "${name}" in ${SUPERGRAPH_CONFIG}; pass --port`,
      );
    }
  }

  let localProviders: string;
  let supergraph: string;
  try {
    localProviders = addToLocalProviders(readFileSync(join(root, LOCAL_PROVIDERS), 'utf8'), names);
    supergraph = addToSupergraphConfig(supergraphYaml, names, port);
  } catch (error) {
    if (error instanceof RegistrationError) throw new ScaffoldError(error.message);
    throw error;
  }

  const files: string[] = [];
  for (const source of listFiles(templateDir)) {
    const target = join(root, folder, renamed(relative(templateDir, source), names));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, personalised(readFileSync(source, 'utf8'), source, names, port, standinPort));
    files.push(relative(root, target));
  }
  writeFileSync(join(root, LOCAL_PROVIDERS), localProviders);
  writeFileSync(join(root, SUPERGRAPH_CONFIG), supergraph);
  const formatted = options.format === false ? false : formatWithBiome(root, [folder, LOCAL_PROVIDERS]);
  return {
    names,
    folder,
    files,
    registered: [LOCAL_PROVIDERS, SUPERGRAPH_CONFIG],
    port,
    standinPort,
    formatted,
  };
}

/** Runs `biome check --write` (formatting and import order, nothing else) on paths; false without biome. */
function formatWithBiome(root: string, paths: readonly string[]): boolean {
  const biome = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  if (!existsSync(biome)) return false;
  const run = spawnSync(process.execPath, [biome, 'check', '--write', ...paths], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new ScaffoldError(`biome could not format the new files:\n${run.stdout}${run.stderr}`);
  }
  return true;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? listFiles(path) : [path];
    });
}

/** `exemplar.test.ts` → `acme.test.ts`; other paths stay. */
function renamed(path: string, names: ProviderNames): string {
  return path.split(TEMPLATE_NAME).join(names.id);
}

function personalised(
  text: string,
  source: string,
  names: ProviderNames,
  port: number,
  standinPort: number,
): string {
  let result = text
    .split(`${TEMPLATE_DIR}/`)
    .join(`subgraphs/${names.id}/`)
    .split('EXEMPLAR')
    .join(names.constant)
    .split('Exemplar')
    .join(names.pascal)
    // Names are one word, so the id is also the camelCase stem of identifiers (exemplarProvider → acmeProvider).
    .split(TEMPLATE_NAME)
    .join(names.camel);
  // Sample data keeps its numbers; code and README take the new ports.
  if (!source.endsWith('.json')) {
    result = result
      .split(TEMPLATE_STANDIN_PORT)
      .join(String(standinPort))
      .split(TEMPLATE_PORT)
      .join(String(port));
  }
  return result;
}
