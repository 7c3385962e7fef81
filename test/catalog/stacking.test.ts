import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCatalog, startCatalogSubgraph } from '../../subgraphs/catalog/catalog.js';
import { type RunningServer, startProviderSubgraph } from '../../subgraphs/kit/index.js';
import { fixtureProvider, fixtureRecords } from '../fixtures/fixtureProvider.js';
import { graphql } from '../fixtures/http.js';
import { BACKENDS, type BackendLocation, backendLocation } from './backends.js';

/**
 * Stacking as two providers describe it: "alpha" lists a certification's parts (HAS_PART, ordered), "beta"
 * describes one of its own credentials as part of alpha's certification (IS_PART_OF), and both publish one
 * credential under a shared CTID.
 */
const alpha = fixtureRecords('alpha', 12);
const beta = fixtureRecords('beta', 6);
const rel = (
  type: 'HAS_PART' | 'IS_PART_OF' | 'PREPARES_FOR',
  target: string,
  order: number | null = null,
) => ({
  type,
  target,
  order,
});
const cert = alpha[0]!;
cert.relations = [
  rel('HAS_PART', alpha[3]!.id, 1),
  rel('HAS_PART', alpha[2]!.id, 0),
  rel('HAS_PART', 'alpha:item:9999', 2),
];
alpha[2]!.relations = [rel('HAS_PART', alpha[4]!.id, 0), rel('HAS_PART', alpha[0]!.id, 1)];
beta[1]!.relations = [rel('IS_PART_OF', cert.id), rel('PREPARES_FOR', alpha[5]!.id)];
alpha[7]!.identifiers = [{ scheme: 'CTID', value: 'ce-0000-shared' }];
beta[4]!.identifiers = [{ scheme: 'CTID', value: 'CE-0000-SHARED' }];

describe.each(BACKENDS)('stacking and sameAs (%s)', (backend) => {
  let servers: RunningServer[];
  let catalog: RunningCatalog;
  let location: BackendLocation;

  beforeAll(async () => {
    location = backendLocation(backend);
    servers = await Promise.all([
      startProviderSubgraph(fixtureProvider('alpha', { records: alpha }), { env: {} }),
      startProviderSubgraph(fixtureProvider('beta', { records: beta }), { env: {} }),
    ]);
    catalog = await startCatalogSubgraph({
      config: {
        ...location.config,
        providers: ['alpha', 'beta'].map((id, i) => ({
          id,
          feedUrl: servers[i]!.url.replace('/graphql', '/feed'),
        })),
        harvestIntervalSeconds: 0,
        adminToken: null,
      },
      awaitFirstHarvest: true,
    });
  });

  afterAll(async () => {
    await catalog?.close();
    await location?.dispose();
    await Promise.all(servers.map((server) => server.close()));
  });

  const ids = (list: Array<{ id: string }>) => list.map((item) => item.id);

  it('answers hasPart in source order, with parts stated from either side, and isPartOf back', async () => {
    const result = await graphql<{
      credential: { hasPart: Array<{ id: string; isPartOf: Array<{ id: string }> }> };
    }>(catalog.url, `{ credential(id: "${cert.id}") { hasPart { id isPartOf { id } } } }`);
    expect(result.errors).toBeUndefined();
    // alpha:2 and alpha:3 in their stated order; beta:1 (stated only by beta) last; the missing 9999 is left out.
    expect(ids(result.data!.credential.hasPart)).toEqual([alpha[2]!.id, alpha[3]!.id, beta[1]!.id]);
    for (const part of result.data!.credential.hasPart) expect(ids(part.isPartOf)).toContain(cert.id);
  });

  it('answers preparesFor and sameAs across providers', async () => {
    const result = await graphql<{
      a: { preparesFor: Array<{ id: string }> };
      b: { sameAs: Array<{ id: string }> };
      c: { sameAs: Array<{ id: string }> };
    }>(
      catalog.url,
      `{ a: credential(id: "${beta[1]!.id}") { preparesFor { id } }
         b: credential(id: "${alpha[7]!.id}") { sameAs { id } }
         c: credential(id: "${alpha[8]!.id}") { sameAs { id } } }`,
    );
    expect(ids(result.data!.a.preparesFor)).toEqual([alpha[5]!.id]);
    expect(ids(result.data!.b.sameAs)).toEqual([beta[4]!.id]);
    expect(result.data!.c.sameAs).toEqual([]);
  });

  it('lays out a pathway breadth first, each credential once even when the stack loops', async () => {
    const result = await graphql<{
      pathway: {
        destination: { id: string };
        components: Array<{
          credential: { id: string };
          partOf: { id: string };
          depth: number;
          order: number | null;
        }>;
      };
    }>(
      catalog.url,
      `{ pathway(id: "${cert.id}") { destination { id } components { credential { id } partOf { id } depth order } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(
      result.data!.pathway.components.map((c) => [c.credential.id, c.partOf.id, c.depth, c.order]),
    ).toEqual([
      [alpha[2]!.id, cert.id, 1, 0],
      [alpha[3]!.id, cert.id, 1, 1],
      [beta[1]!.id, cert.id, 1, null],
      [alpha[4]!.id, alpha[2]!.id, 2, 0],
    ]);
    const missing = await graphql<{ pathway: null }>(
      catalog.url,
      '{ pathway(id: "alpha:item:nope") { id } }',
    );
    expect(missing.data!.pathway).toBeNull();
  });
});
