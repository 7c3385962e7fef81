import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../gateway/index.js';
import { ITEMS, post, type RunningFixtures, startFixtures } from './fixtures.js';

/**
 * The entity cache and provider routing, with the response cache off so that every request reaches the entity
 * fetches: a provider subgraph is sent only its own ids, and of those only the ones not cached.
 */

let fixtures: RunningFixtures;
let gateway: RunningGateway;

const start = (options: Partial<GatewayOptions> = {}) =>
  startGateway({
    supergraphSdl: fixtures.supergraphSdl,
    port: 0,
    rateLimit: false,
    logLevel: 'silent',
    cache: { responses: false, versionPollMs: 0 },
    ...options,
  });

type Items = {
  items: Array<{ id: string; acme: { price: number; served: number; note?: string } | null } | null>;
};

beforeAll(async () => {
  fixtures = await startFixtures();
});

afterAll(async () => {
  await fixtures?.close();
});

beforeEach(() => {
  fixtures.state.acmeIds.length = 0;
  fixtures.state.requests.acme = 0;
  fixtures.state.acmeFailing.clear();
});

afterEach(async () => {
  await gateway?.close();
});

describe('provider routing', () => {
  it('sends a provider subgraph only its own ids, and skips it when the page has none', async () => {
    gateway = await start({ cache: false });
    const mixed = await post<Items>(gateway.url, {
      query: ITEMS,
      variables: { ids: ['other:1', 'acme:1', 'other:2'] },
    });
    expect(mixed.body.errors).toBeUndefined();
    expect(mixed.body.data!.items.map((item) => item?.acme?.price ?? null)).toEqual([null, 100, null]);
    expect(fixtures.state.acmeIds).toEqual(['acme:1']);

    const none = await post<Items>(gateway.url, { query: ITEMS, variables: { ids: ['other:1', 'other:2'] } });
    expect(none.body.data!.items.map((item) => item?.acme)).toEqual([null, null]);
    expect(fixtures.state.requests.acme).toBe(1);
  });

  it('sends every id when routing is off', async () => {
    gateway = await start({ cache: false, providerRouting: false });
    await post(gateway.url, { query: ITEMS, variables: { ids: ['other:1', 'acme:1'] } });
    expect(fixtures.state.acmeIds).toEqual(['other:1', 'acme:1']);
  });
});

describe('the entity cache', () => {
  it('asks the subgraph only for the entities it does not hold', async () => {
    gateway = await start();
    const first = await post<Items>(gateway.url, { query: ITEMS, variables: { ids: ['acme:1', 'acme:2'] } });
    expect(fixtures.state.acmeIds).toEqual(['acme:1', 'acme:2']);

    // Another root query over an overlapping set: only the new entity goes to acme.
    const second = await post<Items>(gateway.url, {
      query: ITEMS,
      variables: { ids: ['acme:3', 'acme:2', 'acme:1'] },
    });
    expect(fixtures.state.acmeIds).toEqual(['acme:1', 'acme:2', 'acme:3']);
    expect(second.body.data!.items.map((item) => item?.id)).toEqual(['acme:3', 'acme:2', 'acme:1']);
    // The cached ones are the very entities served before (acme's counter did not move for them).
    expect(second.body.data!.items[1]).toEqual(first.body.data!.items[1]);
    expect(second.body.data!.items[2]).toEqual(first.body.data!.items[0]);
  });

  it('keeps entities per selection: a different selection of the same entity is a miss', async () => {
    gateway = await start();
    await post(gateway.url, { query: ITEMS, variables: { ids: ['acme:1'] } });
    await post(gateway.url, {
      query: 'query($ids: [ID!]!) { items(ids: $ids) { id acme { price } } }',
      variables: { ids: ['acme:1'] },
    });
    expect(fixtures.state.acmeIds).toEqual(['acme:1', 'acme:1']);
  });

  it('does not cache an entity that failed, and puts the error at its place in the answer', async () => {
    gateway = await start();
    await post(gateway.url, { query: ITEMS, variables: { ids: ['acme:1'] } });
    fixtures.state.acmeFailing.add('acme:3');
    const partly = await post<Items>(gateway.url, { query: ITEMS, variables: { ids: ['acme:1', 'acme:3'] } });
    expect(fixtures.state.acmeIds).toEqual(['acme:1', 'acme:3']);
    expect(partly.body.data!.items[0]?.acme?.price).toBe(100);
    expect(partly.body.data!.items[1]?.acme).toBeNull();
    expect(partly.body.errors?.[0]?.path).toEqual(['items', 1, 'acme']);

    fixtures.state.acmeFailing.clear();
    const healed = await post<Items>(gateway.url, { query: ITEMS, variables: { ids: ['acme:1', 'acme:3'] } });
    expect(healed.body.errors).toBeUndefined();
    expect(healed.body.data!.items[1]?.acme?.price).toBe(75);
    expect(fixtures.state.acmeIds).toEqual(['acme:1', 'acme:3', 'acme:3']);
  });

  it('serves what it holds when the subgraph is down, with an error for the rest', async () => {
    const local = await startFixtures();
    try {
      gateway = await startGateway({
        supergraphSdl: local.supergraphSdl,
        port: 0,
        rateLimit: false,
        logLevel: 'silent',
        subgraphRetries: 0,
        subgraphCircuitBreaker: false,
        cache: { responses: false, versionPollMs: 0 },
      });
      await post(gateway.url, { query: ITEMS, variables: { ids: ['acme:1'] } });
      await local.acme.close();
      const partly = await post<Items>(gateway.url, {
        query: ITEMS,
        variables: { ids: ['acme:1', 'acme:2'] },
      });
      expect(partly.body.data!.items[0]?.acme?.price).toBe(100);
      expect(partly.body.data!.items[1]?.acme).toBeNull();
      expect(partly.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      await gateway.close();
      await local.close();
    }
  });

  it('keeps a PRIVATE entity for its user only, and none for anonymous requests', async () => {
    gateway = await start();
    const query = {
      query: 'query($ids: [ID!]!) { items(ids: $ids) { id acme { note } } }',
      variables: { ids: ['acme:2'] },
    };
    const alice = { authorization: 'Bearer alice' };
    const bob = { authorization: 'Bearer bob' };
    const aliceFirst = await post<Items>(gateway.url, query, alice);
    const aliceAgain = await post<Items>(gateway.url, query, alice);
    expect(aliceAgain.body.data).toEqual(aliceFirst.body.data);
    expect(fixtures.state.acmeIds).toEqual(['acme:2']);

    const bobs = await post<Items>(gateway.url, query, bob);
    expect(fixtures.state.acmeIds).toEqual(['acme:2', 'acme:2']);
    expect(bobs.body.data).not.toEqual(aliceFirst.body.data);

    await post(gateway.url, query);
    await post(gateway.url, query);
    expect(fixtures.state.acmeIds).toEqual(['acme:2', 'acme:2', 'acme:2', 'acme:2']);
  });
});
