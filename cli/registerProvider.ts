import { isMap, parseDocument } from 'yaml';
import type { ProviderNames } from './providerNames.js';

/**
 * Registering a provider: one import and one array entry in `cli/localProviders.ts` (the one-command start), one
 * entry in `gateway/supergraph.yaml` (the gateway and the catalog). Pure text in, text out, so that the edits can
 * be checked before any file is written; the output is already formatted as biome formats it.
 */

/** A registration file is not in the shape the scaffolder can edit; the message says what to add by hand. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
}

const LINE_WIDTH = 110;
const IMPORT_LINE = /^import (?:type )?\{[^}]*\} from '([^']+)';$/;
const PROVIDER_ARRAY = /^export const localProviders: readonly LocalProvider\[\] = \[([^\]]*)\];$/m;

/** `cli/localProviders.ts` with the provider's import (in biome's sorted place) and array entry added. */
export function addToLocalProviders(source: string, names: ProviderNames): string {
  const specifier = `../subgraphs/${names.id}/index.js`;
  const importLine = `import { ${names.camel} } from '${specifier}';`;
  const manual = `add \`${importLine}\` and \`${names.camel}\` to the localProviders array by hand`;
  const arrayMatch = PROVIDER_ARRAY.exec(source);
  if (!arrayMatch)
    throw new RegistrationError(`cli/localProviders.ts has no localProviders array I can edit; ${manual}`);
  const entries = arrayMatch[1]!
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.includes(names.camel) || source.includes(`'${specifier}'`)) {
    throw new RegistrationError(`cli/localProviders.ts already registers ${names.id}`);
  }

  const lines = source.split('\n');
  const importIndexes = lines.flatMap((line, index) => (IMPORT_LINE.test(line) ? [index] : []));
  if (importIndexes.length === 0)
    throw new RegistrationError(`cli/localProviders.ts has no imports; ${manual}`);
  const before = importIndexes.find((index) => IMPORT_LINE.exec(lines[index]!)![1]! > specifier);
  lines.splice(before ?? importIndexes[importIndexes.length - 1]! + 1, 0, importLine);

  const withImport = lines.join('\n');
  return withImport.replace(PROVIDER_ARRAY, () => formatProviderArray([...entries, names.camel]));
}

function formatProviderArray(entries: readonly string[]): string {
  const head = 'export const localProviders: readonly LocalProvider[] = [';
  const oneLine = `${head}${entries.join(', ')}];`;
  if (oneLine.length <= LINE_WIDTH) return oneLine;
  return `${head}\n${entries.map((entry) => `  ${entry},`).join('\n')}\n];`;
}

/** The ports the subgraphs listed in a `supergraph.yaml` route to (those with a literal port). */
export function supergraphPorts(yamlText: string): Map<string, number> {
  const ports = new Map<string, number>();
  const subgraphs = parseDocument(yamlText).toJS()?.subgraphs as
    | Record<string, { routing_url?: unknown }>
    | undefined;
  for (const [name, entry] of Object.entries(subgraphs ?? {})) {
    const match = /:(\d+)(?:\/|$)/.exec(String(entry?.routing_url ?? ''));
    if (match) ports.set(name, Number(match[1]));
  }
  return ports;
}

/** The port after the highest one the supergraph config uses (4001 is the catalog's), for a new subgraph. */
export function nextFreePort(yamlText: string): number {
  return Math.max(4001, ...supergraphPorts(yamlText).values()) + 1;
}

/** `gateway/supergraph.yaml` with the provider's subgraph added last; its comments and layout are kept. */
export function addToSupergraphConfig(yamlText: string, names: ProviderNames, port: number): string {
  const document = parseDocument(yamlText);
  const subgraphs = document.get('subgraphs');
  if (!isMap(subgraphs)) {
    throw new RegistrationError('gateway/supergraph.yaml has no `subgraphs` mapping to add the provider to');
  }
  if (subgraphs.has(names.id))
    throw new RegistrationError(`gateway/supergraph.yaml already lists ${names.id}`);
  const url = `http://127.0.0.1:${port}/graphql`;
  subgraphs.set(names.id, document.createNode({ routing_url: url, schema: { subgraph_url: url } }));
  return document.toString();
}
