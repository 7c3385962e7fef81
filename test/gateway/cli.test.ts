import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clashingSdl,
  errorBody,
  exitWithin,
  type FixtureSubgraphs,
  freePort,
  portIsFree,
  postGraphQL,
  productsSdl,
  type SpawnedGateway,
  spawnCredgraph,
  startFixtureSubgraphs,
  waitForOutput,
} from './helpers.js';

const READY = /credgraph gateway ready at (http:\/\/\S+)/;

let fixtures: FixtureSubgraphs;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
});

afterAll(async () => {
  await fixtures?.close();
});

describe('credgraph gateway --supergraph (compiled bin)', () => {
  let gateway: SpawnedGateway;
  let port: number;
  let endpoint: string;
  let origin: string;

  beforeAll(async () => {
    port = await freePort();
    gateway = spawnCredgraph(['gateway', '--supergraph', fixtures.supergraphPath, '--port', String(port)]);
    const line = await waitForOutput(gateway, READY, 10_000);
    endpoint = line.match(READY)![1]!;
    origin = new URL(endpoint).origin;
  });

  afterAll(() => {
    if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  });

  it('prints one ready line naming the endpoint', () => {
    expect(endpoint).toBe(`http://127.0.0.1:${port}/graphql`);
    expect(gateway.stdout().trim().split('\n')).toHaveLength(1);
  });

  it('is healthy', async () => {
    const response = await fetch(`${origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers a ping with exactly the data', async () => {
    const result = await postGraphQL(endpoint, { query: 'query ping { __typename }' });
    expect(result.status).toBe(200);
    expect(result.text).toBe('{"data":{"__typename":"Query"}}');
  });

  it('joins an entity across both subgraphs', async () => {
    const result = await postGraphQL(endpoint, {
      query: '{ topProducts(first: 2) { upc name price reviews { body stars } } }',
    });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toEqual({
      data: {
        topProducts: [
          { upc: '1', name: 'Table', price: 899, reviews: [{ body: 'Love it!', stars: 5 }] },
          {
            upc: '2',
            name: 'Couch',
            price: 1299,
            reviews: [
              { body: 'Too expensive.', stars: 2 },
              { body: 'Comfy.', stars: 4 },
            ],
          },
        ],
      },
    });
  });

  it('answers a GET query too (with a CSRF-safe header)', async () => {
    const response = await fetch(
      `${endpoint}?query=${encodeURIComponent('{ topProducts(first: 1) { name } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { topProducts: [{ name: 'Table' }] } });
  });

  it('reports a validation error as JSON', async () => {
    const result = await postGraphQL(endpoint, { query: '{ topProducts { nope } }' });
    expect(result.status).toBe(400);
    expect(result.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(result.text);
    expect(body.errors[0].message).toMatch(/Cannot query field "nope" on type "Product"/);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports a malformed JSON body as a JSON error, not HTML', async () => {
    const result = await postGraphQL(endpoint, '{"query": "{ __typename }"');
    expect(result.status).toBe(400);
    expect(result.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(result.text);
    expect(body.errors[0].message).toMatch(/not valid JSON/);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('serves the IDE to a browser, with nothing loaded from another host', async () => {
    const response = await fetch(endpoint, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const html = await response.text();
    expect(html).toContain('id="graphiql"');
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline executable script
    expect(html).not.toMatch(/https?:\/\//);

    const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    const assets = references.filter((reference) => !reference.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(7);
    for (const reference of assets) {
      const url = new URL(reference, endpoint);
      expect(url.origin, reference).toBe(origin);
      const asset = await fetch(url);
      expect(asset.status, reference).toBe(200);
      expect(asset.headers.get('cache-control'), reference).toContain('max-age=31536000');
      const text = await asset.text();
      if (reference.includes('.css')) {
        for (const [, target] of text.matchAll(/url\(\s*['"]?([^'")\s]+)/g)) {
          expect(
            target!.startsWith('data:') || !/^[a-z]+:|^\/\//i.test(target!),
            `${reference}: ${target}`,
          ).toBe(true);
        }
        expect(text, reference).not.toMatch(/@import/);
      } else {
        // Scripts may mention hosts in comments and plain links; what matters is that they load nothing remote.
        expect(text, reference).not.toMatch(/(?:src|href)\s*=\s*["']https?:|url\(\s*["']?(?:https?:)?\/\//);
        expect(text, reference).not.toMatch(/importScripts|@import|(?:cdn\.jsdelivr|unpkg\.com|fonts\.g)/);
      }
    }
  });

  it('answers unknown paths with JSON', async () => {
    const response = await fetch(`${origin}/nowhere`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await errorBody(response)).errors[0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('exits with code 0 promptly on SIGTERM and frees its port', async () => {
    const started = Date.now();
    gateway.child.kill('SIGTERM');
    expect(await exitWithin(gateway, 5_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await portIsFree(port)).toBe(true);
  });
});

describe('credgraph gateway --config (compiled bin)', () => {
  it('composes the subgraphs a supergraph.yaml points at and serves them', async () => {
    const configPath = join(fixtures.dir, 'supergraph.yaml');
    writeFileSync(
      configPath,
      [
        'federation_version: =2.7.x',
        'subgraphs:',
        '  products:',
        `    routing_url: ${fixtures.products.url}`,
        '    schema:',
        `      subgraph_url: ${fixtures.products.url}`,
        '  reviews:',
        `    routing_url: ${fixtures.reviews.url}`,
        '    schema:',
        `      subgraph_url: ${fixtures.reviews.url}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const gateway = spawnCredgraph(['gateway', '--config', configPath, '--port', String(port)]);
    try {
      const endpoint = (await waitForOutput(gateway, READY)).match(READY)![1]!;
      const result = await postGraphQL(endpoint, {
        query: '{ topProducts(first: 1) { name reviews { stars } } }',
      });
      expect(JSON.parse(result.text)).toEqual({
        data: { topProducts: [{ name: 'Table', reviews: [{ stars: 5 }] }] },
      });
      gateway.child.kill('SIGINT');
      expect(await exitWithin(gateway, 5_000)).toBe(0);
    } finally {
      if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    }
  });

  it('explains a composition error and exits with code 1', async () => {
    writeFileSync(join(fixtures.dir, 'products.graphql'), productsSdl);
    writeFileSync(join(fixtures.dir, 'clashing.graphql'), clashingSdl);
    const configPath = join(fixtures.dir, 'clash.yaml');
    writeFileSync(
      configPath,
      [
        'subgraphs:',
        '  products:',
        '    routing_url: http://127.0.0.1:1/graphql',
        '    schema: { file: products.graphql }',
        '  clashing:',
        '    routing_url: http://127.0.0.1:2/graphql',
        '    schema: { file: ./clashing.graphql }',
        '',
      ].join('\n'),
    );
    const gateway = spawnCredgraph(['gateway', '--config', configPath, '--port', '0']);
    expect(await exitWithin(gateway, 10_000)).toBe(1);
    const stderr = gateway.stderr();
    expect(stderr).toMatch(/composition failed/);
    expect(stderr).toMatch(
      /INVALID_FIELD_SHARING \[subgraphs: products, clashing\]: Non-shareable field "Product.name"/,
    );
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(gateway.stdout()).toBe('');
  });

  it('explains an unreachable subgraph and exits with code 1', async () => {
    const port = await freePort();
    const configPath = join(fixtures.dir, 'down.yaml');
    writeFileSync(
      configPath,
      `subgraphs:\n  down:\n    routing_url: http://127.0.0.1:${port}/graphql\n    schema:\n      subgraph_url: http://127.0.0.1:${port}/graphql\n`,
    );
    const gateway = spawnCredgraph(['gateway', '--config', configPath, '--port', '0']);
    expect(await exitWithin(gateway, 10_000)).toBe(1);
    expect(gateway.stderr()).toMatch(
      new RegExp(`subgraph "down" at http://127.0.0.1:${port}/graphql: unreachable \\(ECONNREFUSED`),
    );
    expect(gateway.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('credgraph command line', () => {
  it('rejects bad arguments with a readable message and code 1', async () => {
    const gateway = spawnCredgraph(['gateway', '--supergraph', 'x.graphql', '--port', 'eighty']);
    expect(await exitWithin(gateway, 5_000)).toBe(1);
    expect(gateway.stderr()).toMatch(/--port must be a port number/);
    expect(gateway.stderr()).toMatch(/Usage:/);
  });

  it('rejects a heap growth setting it cannot use, naming it', async () => {
    const gateway = spawnCredgraph(['gateway', '--supergraph', 'x.graphql', '--port', '0'], {
      CREDGRAPH_HEAP_GROWTH_PERCENT: 'lots',
    });
    expect(await exitWithin(gateway, 5_000)).toBe(1);
    expect(gateway.stderr()).toMatch(
      /CREDGRAPH_HEAP_GROWTH_PERCENT must be a whole number from 0 to 1000, got "lots"/,
    );
  });

  it('reports an unreadable supergraph file with code 1', async () => {
    const gateway = spawnCredgraph([
      'gateway',
      '--supergraph',
      join(fixtures.dir, 'missing.graphql'),
      '--port',
      '0',
    ]);
    expect(await exitWithin(gateway, 5_000)).toBe(1);
    expect(gateway.stderr()).toMatch(/cannot read supergraph SDL file .*missing\.graphql/);
    expect(gateway.stderr()).not.toMatch(/\n\s+at /);
  });

  it('prints usage for --help', async () => {
    const gateway = spawnCredgraph(['gateway', '--help']);
    expect(await exitWithin(gateway, 5_000)).toBe(0);
    expect(gateway.stdout()).toMatch(/credgraph gateway --config <supergraph.yaml>/);
  });

  it('answers an unknown command with usage and code 2', async () => {
    const cli = spawnCredgraph(['frobnicate']);
    expect(await exitWithin(cli, 5_000)).toBe(2);
    expect(cli.stderr()).toMatch(/unknown command "frobnicate"/);
  });
});
