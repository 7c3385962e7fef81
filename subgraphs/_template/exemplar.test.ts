import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialRecord, credentialRecordProblems } from '../../schema/index.js';
import { providerConformanceSuite, readProjectJson, UpstreamError } from '../kit/index.js';
import { ExemplarClient } from './client.js';
import { readConfig } from './config.js';
import { toDetails } from './details.js';
import { toCredentialRecord } from './mapping.js';
import { exemplarProvider } from './provider.js';
import { startExemplarStandin } from './standin/server.js';
import type { ExemplarItem } from './upstream.js';

const sampleItems = readProjectJson<ExemplarItem[]>('subgraphs/_template/standin/data/items.json');
const FETCHED_AT = '2026-02-01T10:00:00.000Z';

// The checks every provider passes: config, feed paging, details batching, _entities, error mapping, faults.
providerConformanceSuite(
  { describe, it, expect, beforeAll, afterAll },
  {
    provider: exemplarProvider,
    baseUrlSetting: 'EXEMPLAR_BASE_URL',
    startStandin: () => startExemplarStandin(),
    envFor: (standin) => ({ EXEMPLAR_BASE_URL: `${standin.origin}/v1/`, EXEMPLAR_PAGE_SIZE: '10' }),
    expectedCount: sampleItems.length,
  },
);

// TODO: tests of your own mapping rules and of your API's quirks, field by field, beside these.
describe('mapping', () => {
  it('maps every sample item into a valid common record', () => {
    expect(sampleItems.length).toBeGreaterThanOrEqual(60);
    for (const item of sampleItems) {
      expect(credentialRecordProblems(toCredentialRecord(item, FETCHED_AT)), item.id).toEqual([]);
    }
  });

  it('maps an item field by field', () => {
    const item = sampleItems.find((candidate) => candidate.part_ids.length > 0)!;
    const record = toCredentialRecord(item, FETCHED_AT);
    expect(record).toEqual<CredentialRecord>({
      id: `exemplar:item:${item.id}`,
      name: item.title,
      description: item.summary,
      credentialType: 'CERTIFICATION',
      sourceTypes: ['certification'],
      issuer: {
        id: `exemplar:issuer:${item.issuer.id}`,
        name: item.issuer.name,
        url: item.issuer.website,
        verified: item.issuer.verified,
      },
      provider: 'exemplar',
      url: item.url,
      image: item.image_url,
      skills: item.skills.map((label) => ({ label, framework: 'PROVIDER', code: null, url: null })),
      sectors: ['TECHNOLOGY'],
      level: 'ADVANCED',
      estimatedDuration: `PT${item.hours}H`,
      cost: { amount: 495, currency: 'USD' },
      deliveryMode: 'BLENDED',
      languages: ['en'],
      updatedAt: item.updated_at,
      provenance: { provider: 'exemplar', upstreamId: item.id, url: item.url, fetchedAt: FETCHED_AT },
      relations: item.part_ids.map((partId, order) => ({
        type: 'HAS_PART',
        target: `exemplar:item:${partId}`,
        order,
      })),
    });
    expect(toDetails(item).partIds).toEqual(item.part_ids.map((partId) => `exemplar:item:${partId}`));
  });

  it('leaves unknown values unknown rather than guessing', () => {
    const item: ExemplarItem = {
      ...sampleItems[0]!,
      kind: 'something-new',
      industry: 'underwater-basket-weaving',
      level: 'legendary',
      delivery: 'carrier-pigeon',
      hours: null,
      price: null,
    };
    const record = toCredentialRecord(item, FETCHED_AT);
    expect(record.credentialType).toBe('OTHER');
    expect(record.sectors).toEqual(['OTHER']);
    expect(record.level).toBeNull();
    expect(record.deliveryMode).toBeNull();
    expect(record.estimatedDuration).toBeNull();
    expect(record.cost).toBeNull();
  });
});

describe('client', () => {
  it('names EXEMPLAR_API_TOKEN when the upstream refuses the token', async () => {
    const standin = await startExemplarStandin();
    const client = new ExemplarClient(
      readConfig({ EXEMPLAR_BASE_URL: `${standin.origin}/v1/`, EXEMPLAR_API_TOKEN: 'wrong' }),
    );
    try {
      const failure = await client.listItems({ page: 1, perPage: 5 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as UpstreamError).code).toBe('UPSTREAM_UNAUTHORIZED');
      expect((failure as UpstreamError).message).toContain('EXEMPLAR_API_TOKEN');
      expect((failure as UpstreamError).message).not.toContain('wrong');
    } finally {
      await client.close();
      await standin.close();
    }
  });

  it('fetches items by id in one request per 50 ids, leaving unknown ids out', async () => {
    const standin = await startExemplarStandin();
    const client = new ExemplarClient(readConfig({ EXEMPLAR_BASE_URL: `${standin.origin}/v1/` }));
    try {
      const ids = [...sampleItems.map((item) => item.id), 'no-such-item'];
      const items = await client.getItems(ids);
      expect(items.map((item) => item.id).sort()).toEqual(sampleItems.map((item) => item.id).sort());
      expect(standin.requestCounts.get('GET /v1/items')).toBe(Math.ceil(ids.length / 50));
    } finally {
      await client.close();
      await standin.close();
    }
  });
});
