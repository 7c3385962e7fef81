import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLResolveInfo, parse } from 'graphql';
import { composeSupergraph } from '../../gateway/index.js';
import { type RunningServer, serveSubgraph } from '../../subgraphs/kit/index.js';

/**
 * Two small subgraphs for the cache tests, served by the kit (so they send the Cache-Control hints every
 * credgraph subgraph sends): `shelf` owns `Item` and the root fields; `acme` is shaped like a provider (it adds
 * exactly one field to `Item`, named after itself, for ids that start with `acme:`). Both count what they are
 * asked, and their answers carry counters, so a test can tell a cached answer from a fresh one.
 */

export const FEDERATION = 'https://specs.apollo.dev/federation/v2.7';

export const shelfSdl = `extend schema @link(url: "${FEDERATION}", import: ["@key"])
type Query {
  "Items by id, in order (null for unknown ids)."
  items(ids: [ID!]!, delayMs: Int = 0): [Item]!
  item(id: ID!): Item
  "Who is asking: an answer for one user only (PRIVATE)."
  me(delayMs: Int = 0): Viewer!
  "Fails with an error, and partial data."
  broken: Item
}
type Mutation {
  rename(id: ID!, name: String!): Item
}
type Item @key(fields: "id") {
  id: ID!
  name: String!
}
type Viewer {
  "How many times the shelf answered this field."
  visits: Int!
}
`;

export const acmeSdl = `extend schema @link(url: "${FEDERATION}", import: ["@key"])
type Item @key(fields: "id") {
  id: ID!
  "Live details from acme; null for items of others."
  acme: AcmeDetails
}
type AcmeDetails {
  price: Int!
  "How many times acme resolved this item."
  served: Int!
  "Details for one user only (PRIVATE)."
  note: String
}
`;

interface CacheHints {
  cacheControl: { setCacheHint(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };
}
const hint = (info: GraphQLResolveInfo) => (info as unknown as CacheHints).cacheControl;

/** What the fixtures were asked, and knobs to change their answers. */
export interface FixtureState {
  names: Map<string, string>;
  prices: Map<string, number>;
  /** Requests each subgraph served (GraphQL POSTs). */
  requests: { shelf: number; acme: number };
  /** Every representation id acme was sent, in order. */
  acmeIds: string[];
  /** Max age (s) of `items` and `item`; undefined leaves the kit's default. */
  itemsMaxAge?: number;
  /** Ids whose acme details fail with an error. */
  acmeFailing: Set<string>;
  visits: number;
  served: Map<string, number>;
}

export function fixtureState(): FixtureState {
  return {
    names: new Map([
      ['acme:1', 'Anvil'],
      ['acme:2', 'Rocket skates'],
      ['acme:3', 'Giant magnet'],
      ['other:1', 'Teapot'],
      ['other:2', 'Kettle'],
    ]),
    prices: new Map([
      ['acme:1', 100],
      ['acme:2', 250],
      ['acme:3', 75],
    ]),
    requests: { shelf: 0, acme: 0 },
    acmeIds: [],
    acmeFailing: new Set(),
    visits: 0,
    served: new Map(),
  };
}

export interface RunningFixtures {
  state: FixtureState;
  shelf: RunningServer;
  acme: RunningServer;
  supergraphSdl: string;
  close(): Promise<void>;
}

/** Starts both subgraphs on free ports and composes their supergraph. */
export async function startFixtures(state = fixtureState()): Promise<RunningFixtures> {
  const item = (id: string) => (state.names.has(id) ? { id, name: state.names.get(id) } : null);
  const shelfSchema = buildSubgraphSchema({
    typeDefs: parse(shelfSdl),
    resolvers: {
      Query: {
        items: async (
          _: unknown,
          args: { ids: string[]; delayMs: number },
          _c: unknown,
          info: GraphQLResolveInfo,
        ) => {
          if (state.itemsMaxAge !== undefined) hint(info).setCacheHint({ maxAge: state.itemsMaxAge });
          if (args.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, args.delayMs));
          return args.ids.map(item);
        },
        item: (_: unknown, args: { id: string }, _c: unknown, info: GraphQLResolveInfo) => {
          if (state.itemsMaxAge !== undefined) hint(info).setCacheHint({ maxAge: state.itemsMaxAge });
          return item(args.id);
        },
        me: async (_: unknown, args: { delayMs: number }, _c: unknown, info: GraphQLResolveInfo) => {
          hint(info).setCacheHint({ scope: 'PRIVATE' });
          state.visits += 1;
          const visits = state.visits;
          if (args.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, args.delayMs));
          return { visits };
        },
        broken: () => {
          throw new Error('the shelf is broken');
        },
      },
      Mutation: {
        rename: (_: unknown, args: { id: string; name: string }) => {
          state.names.set(args.id, args.name);
          return item(args.id);
        },
      },
      Item: { __resolveReference: (ref: { id: string }) => item(ref.id) },
      // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
    } as any,
  });
  const acmeSchema = buildSubgraphSchema({
    typeDefs: parse(acmeSdl),
    resolvers: {
      Item: {
        __resolveReference: (ref: { id: string }) => {
          state.acmeIds.push(ref.id);
          return ref;
        },
        acme: ({ id }: { id: string }) => {
          if (!id.startsWith('acme:')) return null;
          if (state.acmeFailing.has(id)) throw new Error(`acme cannot price ${id}`);
          const served = (state.served.get(id) ?? 0) + 1;
          state.served.set(id, served);
          return { price: state.prices.get(id) ?? 0, served, id };
        },
      },
      AcmeDetails: {
        note: (details: { id: string }, _args: unknown, _c: unknown, info: GraphQLResolveInfo) => {
          hint(info).setCacheHint({ scope: 'PRIVATE' });
          return `note on ${details.id}, served ${state.served.get(details.id)}`;
        },
      },
      // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
    } as any,
  });
  const count = (name: 'shelf' | 'acme') => () => {
    state.requests[name] += 1;
    return {};
  };
  const shelf = await serveSubgraph({ name: 'shelf', schema: shelfSchema, context: count('shelf') });
  const acme = await serveSubgraph({ name: 'acme', schema: acmeSchema, context: count('acme') });
  const supergraphSdl = composeSupergraph([
    { name: 'shelf', routingUrl: shelf.url, sdl: shelfSdl },
    { name: 'acme', routingUrl: acme.url, sdl: acmeSdl },
  ]);
  return {
    state,
    shelf,
    acme,
    supergraphSdl,
    close: async () => {
      await shelf.close();
      await acme.close();
    },
  };
}

export interface Answer<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: TData;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

/** POSTs an operation; answers with status, headers and the parsed body. */
export async function post<TData = Record<string, unknown>>(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer<TData>['body'],
  };
}

export const ITEMS = /* GraphQL */ `query Items($ids: [ID!]!, $delayMs: Int) {
  items(ids: $ids, delayMs: $delayMs) { id name acme { price served } }
}`;

export const ME = /* GraphQL */ `{ me { visits } }`;
