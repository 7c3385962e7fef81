import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../gateway/index.js';
import { type FixtureSubgraphs, postGraphQL, startFixtureSubgraphs } from './helpers.js';

/** Every request limit: each one refuses with HTTP 400, its own code and a message that says what to change. */

let fixtures: FixtureSubgraphs;
let gateway: RunningGateway;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
  gateway = await startGateway({ supergraphPath: fixtures.supergraphPath, port: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await fixtures?.close();
});

async function withGateway(
  options: Partial<GatewayOptions>,
  test: (gateway: RunningGateway) => Promise<void>,
) {
  const other = await startGateway({ supergraphPath: fixtures.supergraphPath, port: 0, ...options });
  try {
    await test(other);
  } finally {
    await other.close();
  }
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

async function refusal(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Refusal> {
  const result = await postGraphQL(url, body, headers);
  expect(result.contentType).toMatch(/^application\/json/);
  const parsed = JSON.parse(result.text) as {
    errors: Array<{ message: string; extensions: { code: string } }>;
  };
  return {
    status: result.status,
    code: parsed.errors[0]!.extensions.code,
    message: parsed.errors[0]!.message,
  };
}

const repeat = (count: number, make: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => make(index)).join(' ');

describe('request limits', () => {
  it('refuses an operation nested deeper than maxDepth', async () => {
    await withGateway({ limits: { maxDepth: 2 } }, async (strict) => {
      expect(await refusal(strict.url, { query: '{ topProducts { reviews { stars } } }' })).toEqual({
        status: 400,
        code: 'QUERY_TOO_DEEP',
        message: 'Query depth limit of 2 exceeded, found 3.',
      });
      const shallow = await postGraphQL(strict.url, { query: '{ topProducts { name } }' });
      expect(shallow.status).toBe(200);
    });
  });

  it('refuses more aliases than maxAliases, counting those in fragments', async () => {
    const query = `{ topProducts { ...F } } fragment F on Product { ${repeat(31, (i) => `a${i}: name`)} }`;
    expect(await refusal(gateway.url, { query })).toMatchObject({ status: 400, code: 'TOO_MANY_ALIASES' });
  });

  it('refuses more root fields than maxRootFields', async () => {
    const query = `{ ${repeat(21, (i) => `p${i}: topProducts(first: 1) { upc }`)} }`;
    expect(await refusal(gateway.url, { query })).toEqual({
      status: 400,
      code: 'TOO_MANY_ROOT_FIELDS',
      message: 'Root field limit of 20 exceeded, found 21.',
    });
  });

  it('refuses more directives than maxDirectives', async () => {
    const query = `{ topProducts { ${repeat(51, () => '... on Product @include(if: true) { name }')} } }`;
    expect(await refusal(gateway.url, { query })).toMatchObject({ status: 400, code: 'TOO_MANY_DIRECTIVES' });
  });

  it('stops parsing a document of more than maxTokens tokens', async () => {
    const query = `{ topProducts { ${repeat(6_000, () => 'name')} } }`;
    const refused = await refusal(gateway.url, { query });
    expect(refused).toMatchObject({ status: 400, code: 'TOO_MANY_TOKENS' });
    expect(refused.message).toBe('Token limit of 5000 exceeded; parsing stopped.');
  });

  it('estimates cost from page sizes, given inline or in variables, and refuses what is over maxCost', async () => {
    await withGateway({ limits: { maxCost: 1_000 } }, async (strict) => {
      const query = 'query ($n: Int) { topProducts(first: $n) { name reviews { stars } } }';
      const refused = await refusal(strict.url, { query, variables: { n: 200 } });
      expect(refused).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
      // 1 + 200 × (name + reviews + 10 assumed reviews × stars) = 2401
      expect(refused.message).toMatch(/^Estimated cost 2401 is over the limit of 1000/);
      const cheap = await postGraphQL(strict.url, { query, variables: { n: 2 } });
      expect(cheap.status).toBe(200);
      expect(await refusal(strict.url, { query: '{ topProducts(first: 1000) { upc } }' })).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
      });
    });
  });

  it('lets GraphiQL’s introspection query through under the default limits (outside production)', async () => {
    const result = await postGraphQL(gateway.url, { query: getIntrospectionQuery() });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text).data.__schema.queryType.name).toBe('Query');
  });

  it('refuses batched operations unless maxBatch allows them, and caps them', async () => {
    const operation = { query: '{ topProducts(first: 1) { name } }' };
    expect(await refusal(gateway.url, [operation, operation])).toMatchObject({
      status: 400,
      code: 'BATCHING_DISABLED',
    });
    await withGateway({ limits: { maxBatch: 2 } }, async (batching) => {
      const two = await postGraphQL(batching.url, [operation, operation]);
      expect(two.status).toBe(200);
      expect(JSON.parse(two.text)).toEqual([
        { data: { topProducts: [{ name: 'Table' }] } },
        { data: { topProducts: [{ name: 'Table' }] } },
      ]);
      expect(await refusal(batching.url, [operation, operation, operation])).toEqual({
        status: 400,
        code: 'BATCH_TOO_LARGE',
        message: 'a batch may hold at most 2 operations, got 3',
      });
    });
  });

  it('refuses a body that is not UTF-8', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('answers headers that are too large with 431 JSON', async () => {
    const origin = new URL(gateway.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(origin.port), origin.hostname, () => {
        socket.write(`GET /graphql HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/content-type: application\/json/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).errors[0].extensions.code).toBe(
      'HEADERS_TOO_LARGE',
    );
  });
});

describe('production mode', () => {
  it('turns introspection and field suggestions off', async () => {
    await withGateway({ production: true }, async (production) => {
      const introspection = await refusal(production.url, { query: '{ __schema { types { name } } }' });
      expect(introspection).toMatchObject({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED' });
      expect(introspection.message).toMatch(/introspection is not allowed/i);
      const typo = await refusal(production.url, { query: '{ topProduct { name } }' });
      expect(typo.message).not.toMatch(/Did you mean/);
    });
    const typo = await refusal(gateway.url, { query: '{ topProduct { name } }' });
    expect(typo.message).toMatch(/Did you mean "topProducts"/);
  });
});

describe('trusted documents', () => {
  const trustedQuery = 'query Top { topProducts(first: 1) { name } }';
  const hash = createHash('sha256').update(trustedQuery).digest('hex');

  it('runs only trusted operations, named by id, APQ hash or their exact text', async () => {
    await withGateway({ trustedDocuments: { 'top-products': trustedQuery } }, async (trusted) => {
      const expected = { data: { topProducts: [{ name: 'Table' }] } };
      const byId = await postGraphQL(trusted.url, { documentId: 'top-products' });
      expect(JSON.parse(byId.text)).toEqual(expected);
      const byHash = await postGraphQL(trusted.url, { documentId: `sha256:${hash}` });
      expect(JSON.parse(byHash.text)).toEqual(expected);
      const byApq = await postGraphQL(trusted.url, {
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      });
      expect(JSON.parse(byApq.text)).toEqual(expected);
      const byText = await postGraphQL(trusted.url, { query: trustedQuery });
      expect(JSON.parse(byText.text)).toEqual(expected);
      const byGet = await fetch(`${trusted.url}?documentId=top-products`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(await byGet.json()).toEqual(expected);

      expect(await refusal(trusted.url, { query: '{ topProducts { upc } }' })).toMatchObject({
        status: 400,
        code: 'OPERATION_NOT_TRUSTED',
      });
      expect(await refusal(trusted.url, { documentId: 'nope' })).toEqual({
        status: 400,
        code: 'OPERATION_NOT_TRUSTED',
        message: 'no trusted operation has the id "nope"',
      });
      // APQ registration (hash plus a text of the client's choosing) must not smuggle an operation in.
      const sneaky = '{ topProducts { upc price } }';
      expect(
        await refusal(trusted.url, {
          query: sneaky,
          extensions: {
            persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(sneaky).digest('hex') },
          },
        }),
      ).toMatchObject({ code: 'OPERATION_NOT_TRUSTED' });
    });
  });
});
