import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/index.js';
import {
  clashingSdl,
  type FixtureSubgraphs,
  postGraphQL,
  startFixtureSubgraphs,
  writeSupergraphFile,
} from './helpers.js';
import { parsePrometheusText, sampleValue } from './prometheus.js';

/** Supergraph hot reload: a new supergraph is swapped in; one that fails to load leaves the last good one serving. */

let fixtures: FixtureSubgraphs;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
});

afterAll(async () => {
  await fixtures?.close();
});

const WITH_REVIEWS = '{ topProducts(first: 1) { name reviews { stars } } }';

async function answers(gateway: RunningGateway, query: string): Promise<boolean> {
  const result = await postGraphQL(gateway.url, { query });
  return result.status === 200 && JSON.parse(result.text).errors === undefined;
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function reloads(gateway: RunningGateway, outcome: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gateway.url))).text();
  return sampleValue(parsePrometheusText(text), 'credgraph_gateway_supergraph_loads_total', { outcome }) ?? 0;
}

function productsOnlySupergraph(): string {
  const result = composeServices([
    { name: 'products', url: fixtures.products.url, typeDefs: parse(fixtures.products.sdl) },
  ]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

describe('hot reload of a supergraph file', () => {
  it('swaps in a changed file, and keeps the last good supergraph when the file is broken', async () => {
    const path = writeSupergraphFile(fixtures.dir, [fixtures.products, fixtures.reviews]);
    const gateway = await startGateway({
      supergraphPath: path,
      port: 0,
      reloadIntervalMs: 50,
      logLevel: 'silent',
    });
    try {
      expect(await answers(gateway, WITH_REVIEWS)).toBe(true);

      writeFileSync(path, productsOnlySupergraph());
      await eventually(async () => !(await answers(gateway, WITH_REVIEWS)), 'reviews are gone');
      expect(await answers(gateway, '{ topProducts(first: 1) { name } }')).toBe(true);

      for (const broken of ['this is not GraphQL {', 'type Query { notASupergraph: Int }']) {
        const failedBefore = await reloads(gateway, 'failed');
        writeFileSync(path, broken);
        await eventually(async () => (await reloads(gateway, 'failed')) > failedBefore, 'the reload fails');
        expect(await answers(gateway, '{ topProducts(first: 1) { name } }')).toBe(true);
        expect((await fetch(new URL('/ready', gateway.url))).status).toBe(200);
      }

      writeSupergraphFile(fixtures.dir, [fixtures.products, fixtures.reviews]);
      await eventually(() => answers(gateway, WITH_REVIEWS), 'reviews are back');
    } finally {
      await gateway.close();
    }
  });
});

describe('hot reload of a supergraph config', () => {
  it('recomposes when the config changes, and keeps serving when composition fails', async () => {
    const path = join(fixtures.dir, 'supergraph.yaml');
    const entry = (name: string, url: string) =>
      `  ${name}:\n    routing_url: ${url}\n    schema:\n      subgraph_url: ${url}\n`;
    writeFileSync(path, `subgraphs:\n${entry('products', fixtures.products.url)}`);
    const gateway = await startGateway({
      supergraphConfigPath: path,
      port: 0,
      reloadIntervalMs: 50,
      logLevel: 'silent',
    });
    try {
      expect(await answers(gateway, WITH_REVIEWS)).toBe(false);

      writeFileSync(
        path,
        `subgraphs:\n${entry('products', fixtures.products.url)}${entry('reviews', fixtures.reviews.url)}`,
      );
      await eventually(() => answers(gateway, WITH_REVIEWS), 'reviews are composed in');

      const failedBefore = await reloads(gateway, 'failed');
      const clashing = `  clashing:\n    routing_url: http://127.0.0.1:9/graphql\n    schema:\n      sdl: |\n${clashingSdl
        .split('\n')
        .map((line) => `        ${line}`)
        .join('\n')}\n`;
      writeFileSync(
        path,
        `subgraphs:\n${entry('products', fixtures.products.url)}${entry('reviews', fixtures.reviews.url)}${clashing}`,
      );
      await eventually(async () => (await reloads(gateway, 'failed')) > failedBefore, 'composition fails');
      expect(await answers(gateway, WITH_REVIEWS)).toBe(true);
    } finally {
      await gateway.close();
    }
  });
});
