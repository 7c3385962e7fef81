import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { composeSupergraph, type SubgraphSdl } from './compose.js';
import { introspectSubgraphSdl } from './introspect.js';

/** Where one subgraph's SDL comes from, as in rover's `supergraph.yaml`. */
export type SubgraphSchemaSource =
  | { file: string }
  | { subgraphUrl: string; introspectionHeaders?: Record<string, string> }
  | { sdl: string };

export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  schema: SubgraphSchemaSource;
}

/** A parsed `supergraph.yaml`; file paths are already absolute. */
export interface SupergraphConfig {
  federationVersion?: string;
  subgraphs: SubgraphEntry[];
}

/** The supergraph config is unreadable or malformed; the message says which file and which key. */
export class SupergraphConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SupergraphConfigError';
  }
}

export interface ComposeOptions {
  /** Deadline for each subgraph's introspection. */
  introspectionTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Reads and validates a rover-style `supergraph.yaml`. `${env.NAME}` and `${env.NAME:-default}` expand. */
export async function readSupergraphConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SupergraphConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SupergraphConfigError(`cannot read supergraph config ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SupergraphConfigError(`${path} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseSupergraphConfig(document, { source: path, baseDir: dirname(resolve(path)), env });
}

/** Validates an already-parsed `supergraph.yaml` document. Relative `file` paths resolve against `baseDir`. */
export function parseSupergraphConfig(
  document: unknown,
  context: { source: string; baseDir: string; env?: NodeJS.ProcessEnv },
): SupergraphConfig {
  const fail = (message: string): never => {
    throw new SupergraphConfigError(`${context.source}: ${message}`);
  };
  const expand = (value: string, key: string) =>
    expandEnv(value, context.env ?? {}, (name) => fail(`${key} uses \${env.${name}}, which is not set`));
  if (!isRecord(document)) return fail('expected a mapping with a `subgraphs` key');
  const federationVersion = document.federation_version;
  if (federationVersion !== undefined && !/^=?2(\.|$)/.test(String(federationVersion))) {
    fail(`federation_version ${String(federationVersion)} is not supported; use Federation 2 (e.g. =2.7.x)`);
  }
  if (!isRecord(document.subgraphs) || Object.keys(document.subgraphs).length === 0) {
    return fail('`subgraphs` must map at least one subgraph name to { routing_url, schema }');
  }
  const subgraphs: SubgraphEntry[] = [];
  for (const [name, entry] of Object.entries(document.subgraphs)) {
    const at = `subgraphs.${name}`;
    if (!isRecord(entry)) return fail(`${at} must be a mapping with routing_url and schema`);
    if (!isRecord(entry.schema))
      return fail(`${at}.schema must be one of { file }, { subgraph_url } or { sdl }`);
    const schema = parseSchemaSource(entry.schema, at, context.baseDir, expand, fail);
    const routingUrl =
      typeof entry.routing_url === 'string'
        ? expand(entry.routing_url, `${at}.routing_url`)
        : 'subgraphUrl' in schema
          ? schema.subgraphUrl
          : fail(`${at}.routing_url is required (the URL the gateway sends this subgraph's queries to)`);
    if (!isHttpUrl(routingUrl)) fail(`${at}.routing_url must be an http(s) URL, got ${routingUrl}`);
    subgraphs.push({ name, routingUrl, schema });
  }
  return {
    ...(federationVersion === undefined ? {} : { federationVersion: String(federationVersion) }),
    subgraphs,
  };
}

function parseSchemaSource(
  schema: Record<string, unknown>,
  at: string,
  baseDir: string,
  expand: (value: string, key: string) => string,
  fail: (message: string) => never,
): SubgraphSchemaSource {
  if (typeof schema.file === 'string')
    return { file: resolve(baseDir, expand(schema.file, `${at}.schema.file`)) };
  if (typeof schema.sdl === 'string') return { sdl: schema.sdl };
  if (typeof schema.subgraph_url === 'string') {
    const subgraphUrl = expand(schema.subgraph_url, `${at}.schema.subgraph_url`);
    if (!isHttpUrl(subgraphUrl)) fail(`${at}.schema.subgraph_url must be an http(s) URL, got ${subgraphUrl}`);
    const headers = schema.introspection_headers;
    if (headers === undefined) return { subgraphUrl };
    if (!isRecord(headers)) return fail(`${at}.schema.introspection_headers must map header names to values`);
    const introspectionHeaders = Object.fromEntries(
      Object.entries(headers).map(([header, value]) => [
        header,
        expand(String(value), `${at}.schema.introspection_headers.${header}`),
      ]),
    );
    return { subgraphUrl, introspectionHeaders };
  }
  if ('graphref' in schema)
    fail(`${at}.schema.graphref (GraphOS) is not supported; credgraph composes locally`);
  return fail(`${at}.schema must have one of file, subgraph_url or sdl`);
}

/** Resolves every subgraph's SDL (reading files, introspecting URLs) in parallel. */
export async function resolveSubgraphSdls(
  config: SupergraphConfig,
  options: ComposeOptions = {},
): Promise<SubgraphSdl[]> {
  return Promise.all(
    config.subgraphs.map(async ({ name, routingUrl, schema }): Promise<SubgraphSdl> => {
      if ('sdl' in schema) return { name, routingUrl, sdl: schema.sdl };
      if ('file' in schema) {
        try {
          return { name, routingUrl, sdl: await readFile(schema.file, 'utf8') };
        } catch (error) {
          throw new SupergraphConfigError(
            `subgraph "${name}": cannot read schema file ${schema.file}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      const sdl = await introspectSubgraphSdl(name, schema.subgraphUrl, {
        ...(options.introspectionTimeoutMs === undefined
          ? {}
          : { timeoutMs: options.introspectionTimeoutMs }),
        ...(schema.introspectionHeaders ? { headers: schema.introspectionHeaders } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { name, routingUrl, sdl };
    }),
  );
}

/**
 * Resolves every subgraph's SDL and composes the supergraph.
 * @returns the supergraph SDL, as Apollo composition 2.x writes it.
 * @throws SupergraphConfigError, SubgraphIntrospectionError or CompositionError, each with a readable message.
 */
export async function composeSupergraphConfig(
  config: SupergraphConfig,
  options: ComposeOptions = {},
): Promise<string> {
  return composeSupergraph(await resolveSubgraphSdls(config, options));
}

/** Reads a `supergraph.yaml` and composes it: {@link readSupergraphConfig} then {@link composeSupergraphConfig}. */
export async function composeSupergraphFromFile(path: string, options: ComposeOptions = {}): Promise<string> {
  return composeSupergraphConfig(await readSupergraphConfig(path), options);
}

function expandEnv(value: string, env: NodeJS.ProcessEnv, missing: (name: string) => never): string {
  return value.replace(
    /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback as string;
      return missing(name);
    },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
