import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProviderNameError } from './providerNames.js';
import { ScaffoldError, scaffoldProvider } from './scaffoldProvider.js';

export const PROVIDER_USAGE = `Usage:
  credgraph provider new <name> [--port <n>] [--root <dir>]

Creates subgraphs/<name>/ from subgraphs/_template/ (upstream client, pure mapping, stand-in with sample data,
config, conformance and adapter tests, README with TODO: markers) and registers it in cli/localProviders.ts
and gateway/supergraph.yaml. It compiles, composes and passes its tests before you edit anything.

<name> is the provider id: lower-case letters and digits (e.g. acme). It becomes the folder, the subgraph, the
credential id prefix (acme:item:…), the field on Credential and the settings' prefix (ACME_BASE_URL).

Options:
  --port <n>    the subgraph's port (default: the one after the highest in gateway/supergraph.yaml);
                its stand-in listens on <n> + 100
  --root <dir>  the credgraph checkout (default: the one the current directory is in)
  -h, --help    print this help`;

/** `credgraph provider …`: exits 0 with the new provider written, 1 for a refusal, 2 for a usage mistake. */
export async function providerCommand(argv: string[]): Promise<void> {
  let parsed: { values: { port?: string; root?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(PROVIDER_USAGE);
    return;
  }
  const [subcommand, name, ...extra] = positionals;
  if (subcommand !== 'new')
    return usageError(subcommand ? `unknown subcommand "${subcommand}"` : 'missing "new"');
  if (!name) return usageError('missing the provider name');
  if (extra.length > 0) return usageError(`unexpected arguments: ${extra.join(' ')}`);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port)) return usageError(`--port must be a port number, got "${values.port}"`);
  }

  const root = values.root ? resolve(values.root) : findCheckoutRoot(process.cwd());
  if (!root) {
    console.error('credgraph provider: run this inside a credgraph checkout (or pass --root <dir>)');
    process.exitCode = 1;
    return;
  }
  try {
    const result = scaffoldProvider({ root, name, ...(port === undefined ? {} : { port }) });
    const id = result.names.id;
    console.log(`Created ${result.folder}/ (${result.files.length} files) and registered it:
  cli/localProviders.ts    npm start runs it, with its stand-in on port ${result.standinPort}
  gateway/supergraph.yaml  the gateway composes it and the catalog harvests it (port ${result.port})
${result.formatted ? '' : '\nbiome is not installed here: run npx biome check --write on the new folder.\n'}
Next, each one command:
  npx vitest run ${result.folder}      its conformance suite and adapter tests
  npm run build && npx credgraph compose --check
  npm start                          then search for ${id}: credentials at http://127.0.0.1:4000/graphql

Then make it yours: grep -rn "TODO:" ${result.folder}/ (start with its README.md).`);
  } catch (error) {
    if (error instanceof ProviderNameError || error instanceof ScaffoldError) {
      console.error(`credgraph provider new: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

function usageError(message: string): void {
  console.error(`credgraph provider: ${message}\n\n${PROVIDER_USAGE}`);
  process.exitCode = 2;
}

/** The nearest directory at or above `dir` whose package.json is credgraph's. */
export function findCheckoutRoot(dir: string): string | null {
  let current = resolve(dir);
  for (;;) {
    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'credgraph')
          return current;
      } catch {
        // Not a readable manifest: keep walking up.
      }
    }
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}
