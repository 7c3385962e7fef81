import { readFile } from 'node:fs/promises';
import { parse } from 'graphql';
import {
  type ComposeOptions,
  composeSupergraphConfig,
  readSupergraphConfig,
  type SupergraphConfig,
  SupergraphConfigError,
} from './supergraphConfig.js';

/** Where the gateway gets its supergraph: exactly one of these. */
export interface SupergraphSourceOptions {
  /** A composed supergraph SDL, as a string. */
  supergraphSdl?: string;
  /** A file holding a composed supergraph SDL (e.g. written by `rover supergraph compose` or composition 2.x). */
  supergraphPath?: string;
  /** A rover-style `supergraph.yaml` to compose when the gateway starts. */
  supergraphConfigPath?: string;
  /** An already-parsed supergraph config to compose when the gateway starts. */
  supergraphConfig?: SupergraphConfig;
}

export type SupergraphSource =
  | { kind: 'sdl'; sdl: string }
  | { kind: 'sdlFile'; path: string }
  | { kind: 'configFile'; path: string }
  | { kind: 'config'; config: SupergraphConfig };

/** Picks the one supergraph source the options name; throws when they name none or several. */
export function supergraphSourceOf(options: SupergraphSourceOptions): SupergraphSource {
  const sources: SupergraphSource[] = [];
  if (options.supergraphSdl !== undefined) sources.push({ kind: 'sdl', sdl: options.supergraphSdl });
  if (options.supergraphPath !== undefined) sources.push({ kind: 'sdlFile', path: options.supergraphPath });
  if (options.supergraphConfigPath !== undefined) {
    sources.push({ kind: 'configFile', path: options.supergraphConfigPath });
  }
  if (options.supergraphConfig !== undefined)
    sources.push({ kind: 'config', config: options.supergraphConfig });
  if (sources.length !== 1) {
    throw new SupergraphConfigError(
      `give exactly one of supergraphSdl, supergraphPath, supergraphConfigPath or supergraphConfig (got ${sources.length})`,
    );
  }
  return sources[0]!;
}

/** Produces the supergraph SDL from its source: as given, read from a file, or composed from subgraphs. */
export async function loadSupergraphSdl(
  source: SupergraphSource,
  options: ComposeOptions = {},
): Promise<string> {
  switch (source.kind) {
    case 'sdl':
      return checkedSdl(source.sdl, 'the supergraph SDL');
    case 'sdlFile':
      return checkedSdl(await readSdlFile(source.path), source.path);
    case 'configFile':
      return composeSupergraphConfig(await readSupergraphConfig(source.path), options);
    case 'config':
      return composeSupergraphConfig(source.config, options);
  }
}

async function readSdlFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SupergraphConfigError(`cannot read supergraph SDL file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function checkedSdl(sdl: string, where: string): string {
  try {
    parse(sdl);
  } catch (error) {
    const hint = /\.ya?ml$/i.test(where)
      ? '; a supergraph.yaml lists subgraphs to compose: pass it as --config (supergraphConfigPath)'
      : '';
    throw new SupergraphConfigError(
      `${where} is not a GraphQL supergraph SDL: ${(error as Error).message}${hint}`,
    );
  }
  return sdl;
}
