import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  CompositionError,
  composeSupergraph,
  composeSupergraphFromFile,
  defaultSupergraphConfigPath,
  ideExamples,
  introspectSubgraphSdl,
  parseSupergraphConfig,
  readSupergraphConfig,
  SubgraphIntrospectionError,
  SupergraphConfigError,
} from '../../gateway/index.js';
import { clashingSdl, productsSdl, reviewsSdl, tempDir } from './helpers.js';

const context = { source: 'test.yaml', baseDir: '/configs' };
/** Rover's env reference syntax (dollar, brace, env.NAME), built so that it does not read as a template slip. */
const envRef = (reference: string) => ['$', '{env.', reference, '}'].join('');

describe('parseSupergraphConfig', () => {
  it('reads every schema source and resolves files against the config directory', () => {
    const config = parseSupergraphConfig(
      {
        federation_version: '=2.7.x',
        subgraphs: {
          a: { routing_url: 'http://a.local/graphql', schema: { file: 'a.graphql' } },
          b: { schema: { subgraph_url: 'http://b.local/graphql', introspection_headers: { 'x-key': 'k' } } },
          c: { routing_url: 'http://c.local/graphql', schema: { sdl: 'type Query { c: Int }' } },
        },
      },
      context,
    );
    expect(config).toEqual({
      federationVersion: '=2.7.x',
      subgraphs: [
        { name: 'a', routingUrl: 'http://a.local/graphql', schema: { file: '/configs/a.graphql' } },
        {
          name: 'b',
          routingUrl: 'http://b.local/graphql',
          schema: { subgraphUrl: 'http://b.local/graphql', introspectionHeaders: { 'x-key': 'k' } },
        },
        { name: 'c', routingUrl: 'http://c.local/graphql', schema: { sdl: 'type Query { c: Int }' } },
      ],
    });
  });

  it('expands env references, with and without a default', () => {
    const config = parseSupergraphConfig(
      {
        subgraphs: {
          a: {
            routing_url: `http://${envRef('A_HOST')}:${envRef('A_PORT:-4001')}/graphql`,
            schema: { sdl: 'type Query { a: Int }' },
          },
        },
      },
      { ...context, env: { A_HOST: '10.0.0.1' } },
    );
    expect(config.subgraphs[0]!.routingUrl).toBe('http://10.0.0.1:4001/graphql');
    expect(() =>
      parseSupergraphConfig(
        { subgraphs: { a: { routing_url: `http://${envRef('NOPE')}/graphql`, schema: { sdl: 'x' } } } },
        { ...context, env: {} },
      ),
    ).toThrow(/subgraphs\.a\.routing_url uses \$\{env\.NOPE\}, which is not set/);
  });

  it.each([
    [{}, /`subgraphs` must map at least one subgraph/],
    [{ subgraphs: { a: { routing_url: 'http://a/graphql' } } }, /subgraphs\.a\.schema must be one of/],
    [{ subgraphs: { a: { schema: { file: 'a.graphql' } } } }, /subgraphs\.a\.routing_url is required/],
    [{ subgraphs: { a: { routing_url: 'ftp://a', schema: { sdl: 'x' } } } }, /must be an http\(s\) URL/],
    [
      { subgraphs: { a: { routing_url: 'http://a', schema: { graphref: 'g@v' } } } },
      /GraphOS\) is not supported/,
    ],
    [
      { federation_version: 1, subgraphs: { a: { schema: { sdl: 'x' } } } },
      /federation_version 1 is not supported/,
    ],
  ])('explains a malformed config (%#)', (document, message) => {
    expect(() => parseSupergraphConfig(document, context)).toThrow(SupergraphConfigError);
    expect(() => parseSupergraphConfig(document, context)).toThrow(message);
  });

  it('names the file when it is missing or not YAML', async () => {
    await expect(readSupergraphConfig('/nonexistent/supergraph.yaml')).rejects.toThrow(
      /cannot read supergraph config \/nonexistent\/supergraph\.yaml/,
    );
    const path = join(tempDir(), 'bad.yaml');
    writeFileSync(path, 'subgraphs: [unclosed');
    await expect(readSupergraphConfig(path)).rejects.toThrow(/bad\.yaml is not valid YAML/);
  });

  it('ships a default config for the one-command catalog', async () => {
    const config = await readSupergraphConfig(defaultSupergraphConfigPath());
    const names = config.subgraphs.map((subgraph) => subgraph.name);
    expect(names[0]).toBe('catalog');
    expect(names).toEqual(expect.arrayContaining(['catalog', 'credly', 'coursera']));
    const ports = new Set<string>();
    for (const { name, routingUrl, schema } of config.subgraphs) {
      expect(routingUrl, name).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      expect(schema, name).toEqual({ subgraphUrl: routingUrl });
      ports.add(new URL(routingUrl).port);
    }
    expect(ports.size).toBe(names.length);
    expect(config.subgraphs[0]!.routingUrl).toBe('http://127.0.0.1:4001/graphql');
  });
});

describe('composeSupergraph', () => {
  it('composes subgraphs into a supergraph that routes to them', () => {
    const sdl = composeSupergraph([
      { name: 'products', routingUrl: 'http://127.0.0.1:1/graphql', sdl: productsSdl },
      { name: 'reviews', routingUrl: 'http://127.0.0.1:2/graphql', sdl: reviewsSdl },
    ]);
    expect(sdl).toContain('@join__graph(name: "products", url: "http://127.0.0.1:1/graphql")');
    expect(sdl).toContain('@join__graph(name: "reviews", url: "http://127.0.0.1:2/graphql")');
  });

  it('lists every problem, one per line, with code and subgraphs', () => {
    let error: unknown;
    try {
      composeSupergraph([
        { name: 'products', routingUrl: 'http://127.0.0.1:1/graphql', sdl: productsSdl },
        { name: 'clashing', routingUrl: 'http://127.0.0.1:2/graphql', sdl: clashingSdl },
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CompositionError);
    const lines = (error as CompositionError).message.split('\n');
    expect(lines[0]).toMatch(/^supergraph composition failed with \d+ errors?:$/);
    expect(lines.slice(1).every((line) => /^ {2}- [A-Z_]+ \[subgraphs: [a-z, ]+\]: /.test(line))).toBe(true);
    expect((error as CompositionError).problems).toContainEqual(
      expect.objectContaining({ code: 'INVALID_FIELD_SHARING', subgraphs: ['products', 'clashing'] }),
    );
  });

  it('reports SDL that does not parse as a problem of that subgraph', () => {
    expect(() =>
      composeSupergraph([{ name: 'broken', routingUrl: 'http://127.0.0.1:1/graphql', sdl: 'type Query {' }]),
    ).toThrow(/INVALID_GRAPHQL \[subgraphs: broken\]: Syntax Error/);
  });

  it('composes from a supergraph.yaml with file schemas', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'products.graphql'), productsSdl);
    writeFileSync(join(dir, 'reviews.graphql'), reviewsSdl);
    writeFileSync(
      join(dir, 'supergraph.yaml'),
      'subgraphs:\n  products:\n    routing_url: http://127.0.0.1:1/graphql\n    schema: { file: products.graphql }\n' +
        '  reviews:\n    routing_url: http://127.0.0.1:2/graphql\n    schema: { file: reviews.graphql }\n',
    );
    expect(await composeSupergraphFromFile(join(dir, 'supergraph.yaml'))).toContain('type Review');
  });
});

describe('introspectSubgraphSdl', () => {
  it('gives up after the timeout, naming the subgraph and URL', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}/graphql`;
    try {
      await expect(introspectSubgraphSdl('slowpoke', url, { timeoutMs: 200 })).rejects.toThrow(
        `subgraph "slowpoke" at ${url}: no answer to introspection within 200 ms`,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('explains an answer that is not a Federation SDL', async () => {
    const plain = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ errors: [{ message: 'Cannot query field "_service" on type "Query".' }] }),
      );
    });
    await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(plain.address() as { port: number }).port}/graphql`;
    try {
      const attempt = introspectSubgraphSdl('plain', url);
      await expect(attempt).rejects.toBeInstanceOf(SubgraphIntrospectionError);
      await expect(attempt).rejects.toThrow(
        /without an SDL: Cannot query field "_service".*Federation subgraph/,
      );
    } finally {
      plain.close();
    }
  });
});

describe('IDE examples', () => {
  it('are valid GraphQL with JSON variables', () => {
    expect(ideExamples.length).toBeGreaterThanOrEqual(3);
    for (const example of ideExamples) {
      expect(() => parse(example.query), example.title).not.toThrow();
      if (example.variables) expect(JSON.parse(JSON.stringify(example.variables))).toEqual(example.variables);
    }
  });
});
