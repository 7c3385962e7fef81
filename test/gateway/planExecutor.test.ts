import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_PAGE_QUERY, CREDENTIAL_QUERY, SEARCH_QUERY } from '../../cli/benchQueries.js';
import { type RunningLocalCatalog, startLocalCatalog } from '../../cli/start.js';
import {
  composeSupergraphConfig,
  ideExamples,
  type RunningGateway,
  startGateway,
} from '../../gateway/index.js';
import { type FixtureSubgraph, tempDir, writeSupergraphFile } from './helpers.js';
import { parsePrometheusText, sampleValue } from './prometheus.js';

// credgraph's plan executor (gateway/execution) against Apollo's, over the same subgraphs: every operation below
// goes through a gateway with each, and the two answers must be the same, byte for byte. The subgraphs cover
// what the executor must get right: entity fetches nested in lists, @requires, interfaces and unions, aliases
// and merged fields, @skip/@include, and a subgraph (`quirks`, plain node:http) that answers with wrong types,
// unknown enum values, missing entities, errors with paths, a wrong entity count, a 500 and a cut connection.

const FEDERATION = 'https://specs.apollo.dev/federation/v2.7';

const librarySdl = `extend schema @link(url: "${FEDERATION}", import: ["@key"])
type Query {
  items(first: Int = 3): [Item!]!
  item(id: ID!): Item
  search(term: String!): [SearchResult!]!
  node(id: ID!): Node
  nodes: [Node]!
}
type Mutation { rename(id: ID!, name: String!): Item }
interface Node { id: ID! }
union SearchResult = Book | Film
type Book implements Node @key(fields: "id") { id: ID! title: String! pages: Int }
type Film implements Node @key(fields: "id") { id: ID! title: String! minutes: Int! }
enum Kind { BOOK FILM OTHER }
type Item @key(fields: "id") { id: ID! name: String! kind: Kind! tags: [String!]! price: Float owner: Person }
type Person @key(fields: "id") { id: ID! }
`;

const peopleSdl = `extend schema @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires"])
type Person @key(fields: "id") { id: ID! name: String! friends: [Person!]! }
type Item @key(fields: "id") { id: ID! price: Float @external priceLabel: String @requires(fields: "price") }
type Book @key(fields: "id") { id: ID! reviews: [Review!] }
type Review { stars: Int! by: Person }
`;

const quirksSdl = `extend schema @link(url: "${FEDERATION}", import: ["@key"])
type Item @key(fields: "id") { id: ID! label: String mood: Kind score: Int! }
enum Kind { BOOK FILM OTHER }
`;

const items = Array.from({ length: 9 }, (_, index) => {
  const id = String(index + 1);
  return {
    id,
    name: `Item ${id}`,
    kind: (['BOOK', 'FILM', 'OTHER'] as const)[index % 3],
    tags: index % 2 ? ['odd'] : [],
    price: index === 2 ? null : 10 + index,
    owner: index === 3 ? null : { id: `p${(index % 3) + 1}` },
  };
});
const works = [
  { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { __typename: 'Film', id: 'f1', title: 'Alien', minutes: 117 },
  { __typename: 'Book', id: 'b2', title: 'Emma', pages: null },
];
const people: Record<string, { id: string; name: string; friends: string[] }> = {
  p1: { id: 'p1', name: 'Ada', friends: ['p2'] },
  p2: { id: 'p2', name: 'Bo', friends: ['p1', 'p3'] },
  // p3 is unknown to the people subgraph: its entity comes back null.
};

const libraryResolvers = {
  Query: {
    items: (_: unknown, { first }: { first: number }) => items.slice(0, first),
    item: (_: unknown, { id }: { id: string }) => items.find((item) => item.id === id) ?? null,
    search: () => works.slice(0, 2),
    node: (_: unknown, { id }: { id: string }) => works.find((work) => work.id === id) ?? null,
    nodes: () => [...works, null],
  },
  Mutation: {
    rename: (_: unknown, { id, name }: { id: string; name: string }) => {
      const item = items.find((candidate) => candidate.id === id);
      if (item) item.name = name;
      return item ?? null;
    },
  },
  Node: { __resolveType: (work: { __typename: string }) => work.__typename },
  SearchResult: { __resolveType: (work: { __typename: string }) => work.__typename },
  Item: { __resolveReference: (ref: { id: string }) => items.find((item) => item.id === ref.id) },
  Book: { __resolveReference: (ref: { id: string }) => works.find((work) => work.id === ref.id) },
  Film: { __resolveReference: (ref: { id: string }) => works.find((work) => work.id === ref.id) },
};

const peopleResolvers = {
  Person: {
    __resolveReference: (ref: { id: string }) => people[ref.id] ?? null,
    friends: (person: { friends: string[] }) => person.friends.map((id) => ({ id })),
  },
  Item: {
    priceLabel: (item: { price: number | null }) => (item.price === null ? 'on request' : `€${item.price}`),
  },
  Book: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    reviews: (book: { id: string }) =>
      book.id === 'b1'
        ? [
            { stars: 5, by: { id: 'p1' } },
            { stars: 3, by: null },
          ]
        : null,
  },
};

/** What the quirks subgraph answers for an Item, by id: good values, bad ones, none, or a failure. */
function quirkOf(id: string): unknown {
  switch (id) {
    case '2':
      return { __typename: 'Item', label: 42, mood: 'NOPE', score: 2 };
    case '3':
      return null;
    case '8':
      return { __typename: 'Ghost', label: 'boo', mood: 'OTHER', score: 8 };
    default:
      return { __typename: 'Item', label: `label ${id}`, mood: 'BOOK', score: Number(id) };
  }
}

/** The quirks subgraph: answers `_entities` itself, so that it can send what no GraphQL server would. */
function quirksServer(): Server {
  return createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const { variables } = JSON.parse(body) as { variables: { representations: Array<{ id: string }> } };
      const ids = variables.representations.map((representation) => representation.id);
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (ids.includes('5')) return send(200, { data: { _entities: ids.slice(1).map(quirkOf) } });
      if (ids.includes('6')) return send(500, { errors: [{ message: 'quirks is broken' }] });
      if (ids.includes('7')) return send(200, { data: { _entities: 'nope' } });
      if (ids.includes('9')) return request.socket.destroy();
      const errors = ids.flatMap((id, index) =>
        id === '4'
          ? [{ message: 'label hiccup', path: ['_entities', index, 'label'], extensions: { code: 'QUIRK' } }]
          : [],
      );
      const entities = ids.map((id) => {
        const quirk = quirkOf(id);
        return id === '4' ? { ...(quirk as object), label: null } : quirk;
      });
      send(
        200,
        errors.length > 0 ? { data: { _entities: entities }, errors } : { data: { _entities: entities } },
      );
    });
  });
}

async function serveSubgraph(name: string, sdl: string, resolvers: object): Promise<FixtureSubgraph> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { name, url: url.replace('localhost', '127.0.0.1'), sdl, stop: () => server.stop() };
}

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** Whether credgraph's executor runs it (otherwise Apollo's does, inside the credgraph gateway). */
  executor: 'credgraph' | 'apollo';
}

const CASES: Case[] = [
  {
    name: 'entities nested in lists, with an unknown one and a null owner',
    query: '{ items(first: 5) { id name kind tags price owner { id name friends { id name } } } }',
    executor: 'credgraph',
  },
  {
    name: 'good values from quirks',
    query: 'query Q($n: Int) { items(first: $n) { id label mood score } }',
    variables: { n: 1 },
    executor: 'credgraph',
  },
  {
    name: 'a wrong type, an unknown enum value and a missing entity under a non-null list',
    query: 'query Q($n: Int) { items(first: $n) { id label mood score } }',
    variables: { n: 3 },
    executor: 'credgraph',
  },
  {
    name: 'wrong leaf values on a nullable item',
    query: '{ item(id: "2") { id label mood } }',
    executor: 'credgraph',
  },
  {
    name: 'a missing entity behind a non-null field',
    query: '{ item(id: "3") { id score } }',
    executor: 'credgraph',
  },
  {
    name: 'a subgraph error with an entity path',
    query: '{ items(first: 4) { id label } item(id: "4") { id label score } }',
    executor: 'credgraph',
  },
  { name: 'a wrong entity count', query: '{ item(id: "5") { id score } }', executor: 'credgraph' },
  { name: 'a subgraph answering 500', query: '{ item(id: "6") { id label } }', executor: 'credgraph' },
  { name: '_entities that is not a list', query: '{ item(id: "7") { id label } }', executor: 'credgraph' },
  { name: 'an unknown __typename', query: '{ item(id: "8") { id label } }', executor: 'credgraph' },
  { name: 'a cut connection', query: '{ item(id: "9") { id name label } }', executor: 'credgraph' },
  {
    name: 'a union with inline fragments and an entity fetch on one member',
    query:
      '{ search(term: "a") { __typename ... on Book { id title pages reviews { stars by { name } } } ... on Film { id title minutes } } }',
    executor: 'credgraph',
  },
  {
    name: 'an interface list with a null, named fragments and __typename',
    query:
      '{ nodes { id __typename ... on Book { title ...Pages } ...FilmParts } } fragment FilmParts on Film { minutes title } fragment Pages on Book { pages }',
    executor: 'credgraph',
  },
  {
    name: 'an interface field with a fragment needing another subgraph',
    query: '{ node(id: "b1") { id ... on Book { reviews { stars } } } missing: node(id: "zz") { id } }',
    executor: 'credgraph',
  },
  {
    name: 'aliases and a field selected twice',
    query:
      '{ a: item(id: "1") { id n: name name label } b: item(id: "1") { id label n: name } item(id: "1") { owner { id } owner { name } } }',
    executor: 'credgraph',
  },
  {
    name: '@include and @skip with variables',
    query:
      'query Q($withOwner: Boolean!, $skipLabel: Boolean = false) { items(first: 2) { id owner @include(if: $withOwner) { name } label @skip(if: $skipLabel) } }',
    variables: { withOwner: true },
    executor: 'credgraph',
  },
  {
    name: '@include and @skip with other values',
    query:
      'query Q($withOwner: Boolean!, $skipLabel: Boolean = false) { items(first: 2) { id owner @include(if: $withOwner) { name } label @skip(if: $skipLabel) } }',
    variables: { withOwner: false, skipLabel: true },
    executor: 'credgraph',
  },
  {
    name: 'a condition on a root field (a Condition node in the plan)',
    query: 'query Q($x: Boolean!) { items(first: 1) @include(if: $x) { id label } item(id: "1") { id } }',
    variables: { x: false },
    executor: 'credgraph',
  },
  {
    name: 'the same condition true',
    query: 'query Q($x: Boolean!) { items(first: 1) @include(if: $x) { id label } item(id: "1") { id } }',
    variables: { x: true },
    executor: 'credgraph',
  },
  { name: '@requires', query: '{ items(first: 3) { id priceLabel } }', executor: 'credgraph' },
  {
    name: '__typename at the root and aliased',
    query: '{ __typename items(first: 1) { __typename t: __typename id } }',
    executor: 'credgraph',
  },
  {
    name: 'one of several operations, by name',
    query: 'query A { item(id: "1") { id } } query B { item(id: "2") { name label } }',
    operationName: 'B',
    executor: 'credgraph',
  },
  {
    name: 'a mutation followed by an entity fetch',
    query: 'mutation { rename(id: "1", name: "Lamp") { id name label } }',
    executor: 'credgraph',
  },
  {
    name: 'a variable of the wrong type',
    query: 'query Q($n: Int) { items(first: $n) { id } }',
    variables: { n: 'x' },
    executor: 'credgraph',
  },
  {
    name: 'introspection beside data',
    query: '{ __schema { queryType { name } } items(first: 1) { id label } }',
    executor: 'apollo',
  },
  { name: '__type', query: '{ __type(name: "Item") { name fields { name } } }', executor: 'apollo' },
];

describe("credgraph's plan executor", () => {
  const subgraphs: FixtureSubgraph[] = [];
  let quirks: Server;
  let dir: string;
  let own: RunningGateway;
  let apollo: RunningGateway;

  beforeAll(async () => {
    subgraphs.push(await serveSubgraph('library', librarySdl, libraryResolvers));
    subgraphs.push(await serveSubgraph('people', peopleSdl, peopleResolvers));
    quirks = quirksServer();
    await new Promise<void>((listening) => quirks.listen(0, '127.0.0.1', listening));
    const { port } = quirks.address() as AddressInfo;
    subgraphs.push({
      name: 'quirks',
      url: `http://127.0.0.1:${port}/`,
      sdl: quirksSdl,
      stop: async () => {},
    });
    dir = tempDir();
    const supergraphPath = writeSupergraphFile(dir, subgraphs);
    // No retries and no circuit breaker: every operation reaches the subgraphs the same way on both gateways.
    const common = { supergraphPath, port: 0, subgraphRetries: 0, subgraphCircuitBreaker: false as const };
    own = await startGateway(common);
    apollo = await startGateway({ ...common, planExecutor: false });
  });

  afterAll(async () => {
    await own?.close();
    await apollo?.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
    await new Promise((closed) => quirks?.close(closed));
    rmSync(dir, { recursive: true, force: true });
  });

  async function ask(gateway: RunningGateway, { query, variables, operationName }: Case) {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: response.status, body: await response.text() };
  }

  async function executions(gateway: RunningGateway, executor: string): Promise<number> {
    const text = await (await fetch(new URL('/metrics', gateway.url))).text();
    return (
      sampleValue(parsePrometheusText(text), 'credgraph_gateway_plan_executions_total', { executor }) ?? 0
    );
  }

  it.each(CASES)('answers as Apollo does: $name', async (testCase) => {
    const before = await executions(own, testCase.executor);
    const expected = await ask(apollo, testCase);
    const actual = await ask(own, testCase);
    expect(actual.status).toBe(expected.status);
    expect(actual.body).toBe(expected.body);
    expect(await executions(own, testCase.executor)).toBe(before + 1);
    expect(await executions(apollo, 'credgraph')).toBe(0);
  });
});

describe("credgraph's plan executor over the catalog", () => {
  let catalog: RunningLocalCatalog;
  let apollo: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    // Gateway caches off on both sides, so that every answer is computed by the executor under test.
    catalog = await startLocalCatalog({
      env: {
        ...process.env,
        CATALOG_HARVEST_INTERVAL_S: '0',
        CREDGRAPH_RATE_LIMIT: '0',
        CREDGRAPH_CACHE: 'off',
      },
      ports: 'free',
      gateway: { logLevel: 'silent' },
    });
    const supergraphSdl = await composeSupergraphConfig({
      subgraphs: Object.entries(catalog.subgraphUrls).map(([name, url]) => ({
        name,
        routingUrl: url,
        schema: { subgraphUrl: url },
      })),
    });
    dir = tempDir();
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, supergraphSdl);
    apollo = await startGateway({
      supergraphPath,
      port: 0,
      planExecutor: false,
      cache: false,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await apollo?.close();
    await catalog?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function ask(url: string, query: string, variables?: Record<string, unknown>) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  }

  it('answers every IDE example and every benchmarked query as Apollo does', async () => {
    const someId = JSON.parse(
      (await ask(catalog.gatewayUrl, '{ credentials(first: 1) { edges { node { id } } } }')).body,
    ).data.credentials.edges[0].node.id as string;
    const operations = [
      ...ideExamples.map((example) => ({
        name: example.title,
        query: example.query,
        variables: example.variables,
      })),
      { name: 'bench catalog page', query: CATALOG_PAGE_QUERY, variables: { first: 20 } },
      { name: 'bench credential', query: CREDENTIAL_QUERY, variables: { id: someId } },
      { name: 'bench search', query: SEARCH_QUERY, variables: { query: 'security' } },
    ];
    for (const { name, query, variables } of operations) {
      const expected = await ask(apollo.url, query, variables);
      const actual = await ask(catalog.gatewayUrl, query, variables);
      expect(actual.status, name).toBe(expected.status);
      expect(actual.body, name).toBe(expected.body);
      expect(JSON.parse(actual.body).data, `${name} has data`).toBeTruthy();
    }
  });
});
