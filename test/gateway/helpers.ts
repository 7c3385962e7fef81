import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

// Two small subgraphs that are not credgraph's: products owns Product, reviews adds Product.reviews.
// A query for products with their reviews needs an entity fetch across both.

export const productsSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query {
  "delayMs holds the answer back, to keep a request in flight."
  topProducts(first: Int = 5, delayMs: Int = 0): [Product!]!
}
type Product @key(fields: "upc") {
  upc: ID!
  name: String!
  price: Int!
}
`;

export const reviewsSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Product @key(fields: "upc") {
  upc: ID!
  reviews: [Review!]!
}
type Review {
  id: ID!
  body: String!
  stars: Int!
}
`;

/** Redefines Product.name without @shareable: composing it with products must fail. */
export const clashingSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query {
  cheapest: Product
}
type Product @key(fields: "upc") {
  upc: ID!
  name: String!
}
`;

const products = [
  { upc: '1', name: 'Table', price: 899 },
  { upc: '2', name: 'Couch', price: 1299 },
  { upc: '3', name: 'Chair', price: 54 },
];
const reviews: Record<string, { id: string; body: string; stars: number }[]> = {
  '1': [{ id: 'r1', body: 'Love it!', stars: 5 }],
  '2': [
    { id: 'r2', body: 'Too expensive.', stars: 2 },
    { id: 'r3', body: 'Comfy.', stars: 4 },
  ],
  '3': [],
};

const productsResolvers = {
  Query: {
    topProducts: async (_: unknown, args: { first: number; delayMs: number }) => {
      if (args.delayMs > 0) await new Promise((done) => setTimeout(done, args.delayMs));
      return products.slice(0, args.first);
    },
  },
  Product: { __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) },
};
const reviewsResolvers = {
  Product: { reviews: (product: { upc: string }) => reviews[product.upc] ?? [] },
};

export interface FixtureSubgraph {
  name: string;
  url: string;
  sdl: string;
  stop(): Promise<void>;
}

/**
 * Serves a fixture subgraph on a free port. With `holdIntrospection`, its `_service { sdl }` answers wait until
 * the returned promise's gate opens, to show a gateway that is still composing.
 */
export async function startFixtureSubgraph(
  name: 'products' | 'reviews',
  options: { holdIntrospection?: Promise<void> } = {},
): Promise<FixtureSubgraph> {
  const sdl = name === 'products' ? productsSdl : reviewsSdl;
  const resolvers = name === 'products' ? productsResolvers : reviewsResolvers;
  const hold: ApolloServerPlugin = {
    async requestDidStart({ request }) {
      if (options.holdIntrospection && request.query?.includes('_service')) await options.holdIntrospection;
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]),
    plugins: [hold, ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { name, url: url.replace('localhost', '127.0.0.1'), sdl, stop: () => server.stop() };
}

/** Both fixture subgraphs, with a temporary directory that holds their composed supergraph. */
export interface FixtureSubgraphs {
  products: FixtureSubgraph;
  reviews: FixtureSubgraph;
  /** The test file's own temporary directory, removed by close(). */
  dir: string;
  /** The supergraph of both subgraphs, written in `dir`. */
  supergraphPath: string;
  close(): Promise<void>;
}

/** What most gateway test files start from: both fixture subgraphs served, composed and written to a file. */
export async function startFixtureSubgraphs(): Promise<FixtureSubgraphs> {
  const products = await startFixtureSubgraph('products');
  const reviews = await startFixtureSubgraph('reviews');
  const dir = tempDir();
  return {
    products,
    reviews,
    dir,
    supergraphPath: writeSupergraphFile(dir, [products, reviews]),
    async close() {
      await products.stop();
      await reviews.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new temporary directory for this test's files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'credgraph-gateway-test-'));
}

/** Composes the fixtures with @apollo/composition and writes the supergraph SDL to a file. */
export function writeSupergraphFile(dir: string, subgraphs: readonly FixtureSubgraph[]): string {
  const result = composeServices(
    subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })),
  );
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  const path = join(dir, 'supergraph.graphql');
  writeFileSync(path, result.supergraphSdl);
  return path;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Whether a port can be bound again (the gateway freed it). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

export interface SpawnedGateway {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

const BIN = resolve(import.meta.dirname, '../../dist/cli/credgraph.js');

/** Runs the compiled `credgraph` bin (the suite runs after `npm run build`). */
export function spawnCredgraph(args: string[], env: Record<string, string> = {}): SpawnedGateway {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown'));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the child prints `pattern` on stdout; fails with its output if it exits or takes too long. */
export async function waitForOutput(
  gateway: SpawnedGateway,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | null = null;
  void gateway.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    const match = gateway.stdout().match(pattern);
    if (match) return match[0];
    if (exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(
    `no ${pattern} from the gateway (exit ${exitCode ?? 'none'})\nstdout: ${gateway.stdout()}\nstderr: ${gateway.stderr()}`,
  );
}

/** Resolves with the exit code, or rejects if the process is still running after `timeoutMs`. */
export async function exitWithin(gateway: SpawnedGateway, timeoutMs: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([gateway.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The shape of every error answer the gateway gives. */
export interface ErrorBody {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

/** Reads a JSON error answer. */
export async function errorBody(response: Response): Promise<ErrorBody> {
  return (await response.json()) as ErrorBody;
}

/** POSTs a GraphQL request and returns status, content type and raw text. */
export async function postGraphQL(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}
