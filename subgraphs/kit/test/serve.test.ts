import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLResolveInfo, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentCache, type PreparedQuery } from '../documentCache.js';
import { specifiedRules } from '../graphqlRuntime.js';
import { type RunningServer, serveSubgraph } from '../index.js';

/**
 * The kit's GraphQL over HTTP, as the gateway and other clients see it: Apollo Server's status codes, error
 * codes and Cache-Control (static `@cacheControl` hints and resolvers' dynamic ones), GET for queries with CSRF
 * prevention, and federation's `_service` and `_entities`.
 */

const FEDERATION = 'https://specs.apollo.dev/federation/v2.7';

const sdl = /* GraphQL */ `
extend schema @link(url: "${FEDERATION}", import: ["@key"])
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
type Query {
  book(id: ID!): Book
  books: [Book!]!
  short: Book @cacheControl(maxAge: 5)
  secret: String @cacheControl(scope: PRIVATE)
  inherited: Book @cacheControl(inheritMaxAge: true)
  shelf: Shelf
  title: String
  live(maxAge: Int, private: Boolean): String
  double(n: Int!): Int
  broken: String
  coded: String
}
type Mutation { touch: Book }
type Book @key(fields: "id") @cacheControl(maxAge: 30) {
  id: ID!
  title: String
  tiny: String @cacheControl(maxAge: 2)
  author: Author
  reviewer: Author @cacheControl(inheritMaxAge: true)
}
type Author { name: String }
type Shelf { label: String }
`;

interface Hints {
  cacheControl: { setCacheHint(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };
}

const schema = buildSubgraphSchema({
  typeDefs: parse(sdl),
  resolvers: {
    Query: {
      book: (_: unknown, { id }: { id: string }) => ({ id }),
      books: () => [{ id: '1' }, { id: '2' }],
      short: () => ({ id: 's' }),
      secret: () => 'psst',
      inherited: () => ({ id: 'i' }),
      shelf: () => ({ label: 'top' }),
      title: () => 'Catalog',
      live: (
        _: unknown,
        args: { maxAge?: number; private?: boolean },
        _c: unknown,
        info: GraphQLResolveInfo,
      ) => {
        const { cacheControl } = info as unknown as Hints;
        if (args.maxAge !== undefined && args.maxAge !== null)
          cacheControl.setCacheHint({ maxAge: args.maxAge });
        if (args.private) cacheControl.setCacheHint({ scope: 'PRIVATE' });
        return 'now';
      },
      double: (_: unknown, { n }: { n: number }) => n * 2,
      broken: () => {
        throw new Error('the shelf is broken');
      },
      coded: () => {
        throw Object.assign(new Error('upstream down'), { extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
      },
    },
    Mutation: { touch: () => ({ id: 't' }) },
    Book: {
      __resolveReference: (reference: { id: string }) => (reference.id === 'none' ? null : reference),
      title: (book: { id: string }) => `Book ${book.id}`,
      tiny: () => 'y',
      author: () => ({ name: 'Ann' }),
      reviewer: () => ({ name: 'Rae' }),
    },
    // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
  } as any,
});

let server: RunningServer;
let contexts = 0;

beforeAll(async () => {
  server = await serveSubgraph({
    name: 'books',
    schema,
    context: (headers) => {
      contexts += 1;
      if (headers['x-fail']) throw new Error('no context');
      return {};
    },
    cacheMaxAgeSeconds: 45,
  });
});

afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  };
}

async function post(body: unknown, headers: Record<string, string> = {}, url = server.url): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

async function get(search: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(server.url);
  for (const [key, value] of Object.entries(search)) url.searchParams.set(key, value);
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

const cacheControlOf = async (query: string, variables?: Record<string, unknown>) =>
  (await post({ query, variables })).headers.get('cache-control');

describe('answers', () => {
  it('answers a query with its data as JSON', async () => {
    const answer = await post({ query: '{ book(id: "7") { id title } }' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ data: { book: { id: '7', title: 'Book 7' } } });
  });

  it('answers the gateway, which prefers application/graphql-response+json, in that type', async () => {
    const answer = await post(
      { query: '{ title }' },
      { accept: 'application/graphql-response+json, application/json' },
    );
    expect(answer.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(answer.body).toEqual({ data: { title: 'Catalog' } });
  });

  it('refuses with 406 a client that accepts neither JSON type', async () => {
    const answer = await post({ query: '{ title }' }, { accept: 'application/xml' });
    expect(answer.status).toBe(406);
  });

  it('serves its SDL and resolves entities for the gateway', async () => {
    const service = await post({ query: '{ _service { sdl } }' });
    expect(service.body.data?._service).toMatchObject({ sdl: expect.stringContaining('type Book') });
    const entities = await post({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Book { id title } } }',
      variables: {
        r: [
          { __typename: 'Book', id: '3' },
          { __typename: 'Book', id: 'none' },
        ],
      },
    });
    expect(entities.body).toEqual({ data: { _entities: [{ id: '3', title: 'Book 3' }, null] } });
  });

  it('runs the named operation of several, and the same document again from its cache', async () => {
    const query = 'query A { title } query B($n: Int!) { double(n: $n) }';
    for (const n of [1, 2, 3]) {
      const answer = await post({ query, operationName: 'B', variables: { n } });
      expect(answer.body).toEqual({ data: { double: n * 2 } });
    }
    expect((await post({ query, operationName: 'A' })).body).toEqual({ data: { title: 'Catalog' } });
  });

  it('answers queries over GET when the client shows it is not a cross-site form', async () => {
    const preflighted = await get({ query: '{ title }' }, { 'apollo-require-preflight': 'true' });
    expect(preflighted.status).toBe(200);
    expect(preflighted.body).toEqual({ data: { title: 'Catalog' } });
    expect(preflighted.headers.get('cache-control')).toBe('max-age=45, public');
    const variables = await get(
      { query: 'query ($n: Int!) { double(n: $n) }', variables: '{"n":4}' },
      { 'x-apollo-operation-name': 'Double' },
    );
    expect(variables.body).toEqual({ data: { double: 8 } });
  });
});

describe('refusals', () => {
  it.each([
    ['a syntax error', { query: '{ book(' }, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', { query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'a variable of the wrong type',
      { query: 'query ($n: Int!) { double(n: $n) }', variables: { n: 'x' } },
      'BAD_USER_INPUT',
    ],
    ['a missing variable', { query: 'query ($n: Int!) { double(n: $n) }' }, 'BAD_USER_INPUT'],
    [
      'an unknown operation name',
      { query: 'query A { title }', operationName: 'B' },
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'several operations and no name',
      { query: 'query A { title } query B { title }' },
      'OPERATION_RESOLUTION_FAILURE',
    ],
    ['no query', { variables: {} }, 'BAD_REQUEST'],
    ['a query that is not a string', { query: 42 }, 'BAD_REQUEST'],
    ['variables that are not an object', { query: '{ title }', variables: [1] }, 'BAD_REQUEST'],
    ['a batch', [{ query: '{ title }' }], 'BAD_REQUEST'],
  ])('answers %s with 400 and %s', async (_case, body, code) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(answer.body.data).toBeUndefined();
  });

  it('answers a body that is not JSON with 400, and one over the size limit with 413', async () => {
    expect((await post('{"query": ')).status).toBe(400);
    expect((await post(`{"query":"{ title }","pad":"${'x'.repeat(1_000_001)}"}`)).status).toBe(413);
  });

  it('blocks requests a browser could send cross-site without a preflight (CSRF)', async () => {
    for (const headers of [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ]) {
      const answer = await post({ query: '{ title }' }, headers);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
    }
    expect((await get({ query: '{ title }' })).status).toBe(400);
    expect(
      (await post({ query: '{ title }' }, { 'content-type': 'text/plain', 'apollo-require-preflight': '1' }))
        .status,
    ).toBe(200);
  });

  it('refuses mutations over GET (405, allow POST) and methods other than GET and POST', async () => {
    const mutation = await get(
      { query: 'mutation { touch { id } }' },
      { 'apollo-require-preflight': 'true' },
    );
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('allow')).toBe('POST');
    const put = await fetch(server.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 500 when the request context cannot be built', async () => {
    const answer = await post({ query: '{ title }' }, { 'x-fail': '1' });
    expect(answer.status).toBe(500);
    expect(answer.body.errors?.[0]?.message).toBe('Context creation failed: no context');
  });

  it('answers resolver failures with partial data, each error with a code', async () => {
    const answer = await post({ query: '{ broken coded title }' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ broken: null, coded: null, title: 'Catalog' });
    expect(answer.body.errors?.map((error) => [error.message, error.path, error.extensions?.code])).toEqual([
      ['the shelf is broken', ['broken'], 'INTERNAL_SERVER_ERROR'],
      ['upstream down', ['coded'], 'UPSTREAM_UNAVAILABLE'],
    ]);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('builds a context for each GraphQL request', async () => {
    const before = contexts;
    await post({ query: '{ title }' });
    await post({ query: '{ title }' });
    expect(contexts - before).toBe(2);
  });
});

describe('Cache-Control', () => {
  it.each([
    ['a root scalar field: the default max-age', '{ title }', 'max-age=45, public'],
    ['an object type hint', '{ book(id: "1") { id } }', 'max-age=30, public'],
    ['a list of hinted objects', '{ books { id } }', 'max-age=30, public'],
    ['a field hint over its type hint', '{ short { id } }', 'max-age=5, public'],
    ['the smallest of all fields', '{ short { id } books { id } title }', 'max-age=5, public'],
    ['a nested field hint', '{ book(id: "1") { tiny } }', 'max-age=2, public'],
    [
      'an unhinted object under a hinted one: the default',
      '{ book(id: "1") { author { name } } }',
      'max-age=30, public',
    ],
    ['inheritMaxAge: its parent max-age', '{ book(id: "1") { reviewer { name } } }', 'max-age=30, public'],
    ['an inheriting root field: its type hint', '{ inherited { id } }', 'max-age=30, public'],
    ['a PRIVATE field: private', '{ secret title }', 'max-age=45, private'],
    ['an unhinted object type: the default', '{ shelf { label } }', 'max-age=45, public'],
    ['only __typename: nothing resolves, so nothing may be cached', '{ __typename }', 'no-store'],
    ['a fragment on Query', '{ ...F } fragment F on Query { short { id } }', 'max-age=5, public'],
  ])('%s', async (_case, query, expected) => {
    expect(await cacheControlOf(query)).toBe(expected);
  });

  it('follows hints resolvers set at run time, narrowing the policy only', async () => {
    expect(await cacheControlOf('{ live(maxAge: 0) title }')).toBe('no-store');
    expect(await cacheControlOf('{ live(maxAge: 7) }')).toBe('max-age=7, public');
    expect(await cacheControlOf('{ live(private: true) }')).toBe('max-age=45, private');
    expect(await cacheControlOf('{ live(maxAge: 600) }')).toBe('max-age=45, public');
  });

  it('applies entity types hints through _entities', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Book { id } } }';
    expect(await cacheControlOf(query, { r: [{ __typename: 'Book', id: '1' }] })).toBe('max-age=30, public');
  });

  it('leaves out fields @skip and @include leave out, with literals and with variables', async () => {
    expect(await cacheControlOf('{ title short @skip(if: true) { id } }')).toBe('max-age=45, public');
    const query = 'query ($brief: Boolean!) { title short @include(if: $brief) { id } }';
    expect(await cacheControlOf(query, { brief: false })).toBe('max-age=45, public');
    expect(await cacheControlOf(query, { brief: true })).toBe('max-age=5, public');
  });

  it('sends no-store for errors and for a subgraph whose default max-age is 0', async () => {
    expect(await cacheControlOf('{ nope }')).toBe('no-store');
    const uncached = await serveSubgraph({
      name: 'uncached',
      schema,
      context: () => ({}),
      cacheMaxAgeSeconds: 0,
    });
    try {
      expect((await post({ query: '{ title }' }, {}, uncached.url)).headers.get('cache-control')).toBe(
        'no-store',
      );
    } finally {
      await uncached.close();
    }
  });
});

describe('introspection', () => {
  it('is allowed unless turned off', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await post({ query })).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const closed = await serveSubgraph({ name: 'closed', schema, context: () => ({}), introspection: false });
    try {
      const refused = await post({ query }, {}, closed.url);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      // The gateway composes from `_service`, which is not introspection.
      expect((await post({ query: '{ _service { sdl } }' }, {}, closed.url)).status).toBe(200);
    } finally {
      await closed.close();
    }
  });
});

describe('DocumentCache', () => {
  const cache = (maxEntries: number) =>
    new DocumentCache({ schema, validationRules: specifiedRules, defaultMaxAge: 60, maxEntries });
  const documentOf = (prepared: PreparedQuery) => {
    if (!('document' in prepared)) throw new Error('expected a valid document');
    return prepared.document;
  };

  it('parses and validates a query text once, and keeps only valid documents', () => {
    const documents = cache(10);
    const title = documentOf(documents.prepare('{ title }'));
    expect(documentOf(documents.prepare('{ title }'))).toBe(title);
    expect('syntaxError' in documents.prepare('{')).toBe(true);
    expect('validationErrors' in documents.prepare('{ nope }')).toBe(true);
    expect(documents.size).toBe(1);
  });

  it('drops the least recently used document beyond its bound', () => {
    const documents = cache(2);
    const title = documentOf(documents.prepare('{ title }'));
    const secret = documentOf(documents.prepare('{ secret }'));
    documents.prepare('{ title }');
    documents.prepare('{ books { id } }');
    expect(documents.size).toBe(2);
    expect(documentOf(documents.prepare('{ title }'))).toBe(title);
    expect(documentOf(documents.prepare('{ secret }'))).not.toBe(secret);
  });

  it('compiles the operations of documents it keeps, once, and leaves one it does not keep to graphql-js', async () => {
    // Documents over a sixteenth of maxQueryChars (here 10 characters) are prepared afresh for each request.
    const documents = new DocumentCache({
      schema,
      validationRules: specifiedRules,
      defaultMaxAge: 60,
      maxQueryChars: 160,
    });
    const kept = documentOf(documents.prepare('{ title }'));
    const operation = kept.operation(undefined);
    if (!('operation' in operation)) throw operation;
    const compiled = kept.compiled(operation, undefined);
    expect(compiled).not.toBeNull();
    expect(kept.compiled(operation, undefined)).toBe(compiled);
    expect(await compiled!.query(undefined, {}, {})).toEqual({ data: { title: 'Catalog' } });

    const once = documentOf(documents.prepare('{ books { id } }'));
    const onceOperation = once.operation(undefined);
    if (!('operation' in onceOperation)) throw onceOperation;
    expect(once.compiled(onceOperation, undefined)).toBeNull();
    expect(documents.size).toBe(1);
  });
});
