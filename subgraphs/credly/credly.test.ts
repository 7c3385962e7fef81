import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { credentialRecordProblems, parseCredentialId } from '../../schema/index.js';
import {
  InvalidCursorError,
  type RunningServer,
  type RunningStandin,
  readProjectJson,
  startProviderSubgraph,
  UpstreamError,
} from '../kit/index.js';
import { getFeedPage, postEntities, readProviderFeed, readWholeFeed } from '../kit/testing.js';
import { CredlyClient } from './client.js';
import { type CredlyConfig, readConfig } from './config.js';
import { credlyFeedPage, credlyProvider, feedablePrerequisites, loadCredlyDetails } from './provider.js';
import { startCredlyStandin } from './standin/server.js';
import type { CredlyBadgeTemplate, CredlyListEnvelope, CredlyOrganization } from './upstream.js';

const TOKEN = 'credly-test-token';
const WRONG_TOKEN = 'definitely-not-the-token';

// The expectations come from the sample data files, never from the adapter's own output.
const organizations = readProjectJson<CredlyOrganization[]>(
  'subgraphs/credly/standin/data/organizations.json',
);
const templates = readProjectJson<CredlyBadgeTemplate[]>(
  'subgraphs/credly/standin/data/badge_templates.json',
);
const templatesOf = (orgId: string) => templates.filter((template) => template.owner?.id === orgId);
const feedableIds = templates
  .filter((template) => template.state === 'active' && template.public === true)
  .map((template) => `credly:template:${template.id}`);
const largestOrg = [...organizations].sort((a, b) => templatesOf(b.id).length - templatesOf(a.id).length)[0]!;
const firstTemplate = templates.find((template) => template.state === 'active' && template.public)!;
const privateTemplate = templates.find((template) => template.state === 'active' && !template.public)!;
const archivedTemplate = templates.find((template) => template.state === 'archived' && template.public)!;
const UNKNOWN_TEMPLATE = '00000000-0000-5000-8000-000000000000';
const isFeedableSample = (template: CredlyBadgeTemplate | undefined) =>
  template?.state === 'active' && template.public === true;
/** The prerequisites a template names in the data file, objects or bare ids, and in "earn that badge" activities. */
const prerequisitesOf = (template: CredlyBadgeTemplate) => [
  ...new Set([
    ...(template.required_badge_templates ?? []).map((ref) => (typeof ref === 'string' ? ref : ref.id)),
    ...(template.badge_template_activities ?? []).flatMap((activity) =>
      activity.required_badge_template_id ? [activity.required_badge_template_id] : [],
    ),
  ]),
];
const templateById = new Map(templates.map((template) => [template.id, template]));

let standin: RunningStandin;
const clients: CredlyClient[] = [];

function configFor(overrides: Record<string, string> = {}): CredlyConfig {
  return readConfig({ CREDLY_BASE_URL: `${standin.origin}/v1/`, CREDLY_API_TOKEN: TOKEN, ...overrides });
}

function clientFor(overrides: Record<string, string> = {}): CredlyClient {
  const client = new CredlyClient(configFor(overrides));
  clients.push(client);
  return client;
}

async function get<T = CredlyListEnvelope<CredlyBadgeTemplate>>(
  path: string,
  token: string | null = TOKEN,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Basic ${Buffer.from(`${token}:`).toString('base64')}`;
  const response = await fetch(new URL(path, standin.origin), { headers });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  standin = await startCredlyStandin({ token: TOKEN });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  standin.resetCounts();
});

afterAll(async () => {
  await standin?.close();
});

describe('the Credly stand-in', () => {
  it('answers 401 with the Credly error body when the token is missing or wrong', async () => {
    for (const token of [null, WRONG_TOKEN]) {
      const { status, body } = await get(`/v1/organizations/${largestOrg.id}`, token);
      expect(status).toBe(401);
      expect(body).toEqual({ data: { message: expect.any(String) } });
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    }
  });

  it('serves an organization in the {data, metadata} envelope', async () => {
    const { status, body } = await get(`/v1/organizations/${largestOrg.id}`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: largestOrg, metadata: {} });
  });

  it('answers 404 in the same envelope for an unknown organization or template', async () => {
    for (const path of [
      `/v1/organizations/${UNKNOWN_TEMPLATE}`,
      `/v1/organizations/${largestOrg.id}/badge_templates/${UNKNOWN_TEMPLATE}`,
      `/v1/organizations/${organizations[1]!.id}/badge_templates/${templatesOf(largestOrg.id)[0]!.id}`,
      '/v1/nothing-here',
    ]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(404);
      expect(body).toEqual({ data: { message: expect.any(String) } });
    }
  });

  it('pages with next_page_url links on its own origin that cover every template once', async () => {
    const own = templatesOf(largestOrg.id);
    const seen: string[] = [];
    let url: string | null = `/v1/organizations/${largestOrg.id}/badge_templates?per=10&sort=name`;
    let pages = 0;
    while (url) {
      const { status, body }: { status: number; body: CredlyListEnvelope<CredlyBadgeTemplate> } =
        await get(url);
      expect(status).toBe(200);
      pages++;
      expect(body.metadata).toMatchObject({
        count: body.data.length,
        current_page: pages,
        total_count: own.length,
        total_pages: Math.ceil(own.length / 10),
        per: 10,
      });
      expect(body.metadata.previous_page_url === null).toBe(pages === 1);
      seen.push(...body.data.map((template) => template.id));
      url = body.metadata.next_page_url ?? null;
      if (url) expect(new URL(url).origin).toBe(standin.origin);
    }
    expect(pages).toBe(Math.ceil(own.length / 10));
    expect(seen).toHaveLength(own.length);
    expect(new Set(seen)).toEqual(new Set(own.map((template) => template.id)));
  });

  it('pages by 25 by default and caps per at 100', async () => {
    const first = await get(`/v1/organizations/${largestOrg.id}/badge_templates`);
    expect(first.body.metadata.per).toBe(25);
    expect(templatesOf(largestOrg.id).length).toBeGreaterThan(25);
    expect(first.body.metadata.next_page_url).toMatch(/page=2/);
    const capped = await get(`/v1/organizations/${largestOrg.id}/badge_templates?per=1000`);
    expect(capped.body.metadata.per).toBe(100);
  });

  it('filters by state and by query, and refuses unknown filters', async () => {
    const active = await get(
      `/v1/organizations/${largestOrg.id}/badge_templates?per=100&filter=state::active`,
    );
    expect(active.body.data.map((template) => template.id).sort()).toEqual(
      templatesOf(largestOrg.id)
        .filter((template) => template.state === 'active')
        .map((template) => template.id)
        .sort(),
    );
    const security = await get(
      `/v1/organizations/${largestOrg.id}/badge_templates?per=100&filter=state::active|query::security`,
    );
    expect(security.body.data.length).toBeGreaterThan(0);
    for (const template of security.body.data) {
      expect(template.state).toBe('active');
      expect(JSON.stringify([template.name, template.description, template.skills])).toMatch(/security/i);
    }
    const unknown = await get(`/v1/organizations/${largestOrg.id}/badge_templates?filter=colour::blue`);
    expect(unknown.status).toBe(422);
    expect(unknown.body).toEqual({ data: { message: expect.any(String) } });
  });
});

describe('CredlyClient', () => {
  it('follows next_page_url to the last page', async () => {
    const client = clientFor();
    const seen: string[] = [];
    for await (const template of client.allBadgeTemplates(largestOrg.id, { per: 7 })) seen.push(template.id);
    expect(seen.sort()).toEqual(
      templatesOf(largestOrg.id)
        .map((template) => template.id)
        .sort(),
    );
    const listPath = `GET /v1/organizations/${largestOrg.id}/badge_templates`;
    expect(standin.requestCounts.get(listPath)).toBe(Math.ceil(templatesOf(largestOrg.id).length / 7));
  });

  it('caches organizations', async () => {
    const client = clientFor();
    const [a, b] = await Promise.all([
      client.organization(largestOrg.id),
      client.organization(largestOrg.id),
    ]);
    expect(a).toEqual(largestOrg);
    expect(b).toEqual(largestOrg);
    expect(standin.requestCounts.get(`GET /v1/organizations/${largestOrg.id}`)).toBe(1);
  });

  it('answers null for a template Credly does not know', async () => {
    const client = clientFor();
    expect(await client.badgeTemplate(largestOrg.id, UNKNOWN_TEMPLATE)).toBeNull();
    expect(await client.findBadgeTemplate(UNKNOWN_TEMPLATE)).toBeNull();
  });

  it('refuses to follow a next_page_url to another host or another resource', async () => {
    const client = clientFor();
    for (const url of [
      `http://elsewhere.invalid/v1/organizations/${largestOrg.id}/badge_templates?page=2`,
      `${standin.origin}/v1/organizations/${largestOrg.id}/badges?page=2`,
    ]) {
      await expect(client.badgeTemplatesPage(largestOrg.id, url)).rejects.toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE',
      });
    }
    expect(standin.totalRequests()).toBe(0);
  });

  it('reports a refused token as UPSTREAM_UNAUTHORIZED naming CREDLY_API_TOKEN, never the token', async () => {
    const client = clientFor({ CREDLY_API_TOKEN: WRONG_TOKEN });
    const error = await client.organization(largestOrg.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 401 });
    expect((error as Error).message).toContain('CREDLY_API_TOKEN');
    expect((error as Error).message).not.toContain(WRONG_TOKEN);
  });
});

const walkFeed = (client: CredlyClient, limit: number, updatedSince: string | null = null) =>
  readProviderFeed(credlyFeedPage, client, limit, updatedSince);

describe('the feed', () => {
  it('walks every page and yields every active public template exactly once, valid', async () => {
    const { items, pages } = await walkFeed(clientFor(), 10);
    const ids = items.map((item) => item.id);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(feedableIds));
    expect(ids.length).toBeGreaterThanOrEqual(70);
    for (const item of items) expect(credentialRecordProblems(item), item.id).toEqual([]);
    const expectedPages = organizations.reduce(
      (sum, org) =>
        sum + Math.max(1, Math.ceil(templatesOf(org.id).filter((t) => t.state === 'active').length / 10)),
      0,
    );
    expect(pages).toBe(expectedPages);
  });

  it('states each published prerequisite as PREPARED_BY, and keeps the template as received', async () => {
    const { items } = await walkFeed(clientFor(), 10);
    let stacked = 0;
    for (const item of items) {
      const upstream = templateById.get(item.provenance.upstreamId)!;
      const expected = prerequisitesOf(upstream)
        .filter((id) => isFeedableSample(templateById.get(id)))
        .map((id) => ({ type: 'PREPARED_BY', target: `credly:template:${id}`, order: null }));
      expect(item.relations, item.name).toEqual(expected);
      if (expected.length > 0) stacked++;
      for (const relation of item.relations ?? []) expect(feedableIds).toContain(relation.target);
      expect(item.provenance.raw, item.name).toEqual(upstream);
      expect(item.identifiers, item.name).toContainEqual({ scheme: 'CREDLY_TEMPLATE', value: upstream.id });
    }
    expect(stacked).toBeGreaterThanOrEqual(10);
  });

  it('looks each prerequisite it has not listed yet up once, in the organization that lists its dependant', async () => {
    await walkFeed(clientFor(), 10);
    const lookups = [...standin.requestCounts].filter(([key]) => /\/badge_templates\/[^/]+$/.test(key));
    expect(lookups.length).toBeGreaterThan(0);
    const required = new Set(templates.filter(isFeedableSample).flatMap(prerequisitesOf));
    for (const [key, count] of lookups) {
      expect(count, key).toBe(1);
      const [, orgId, templateId] = /organizations\/([^/]+)\/badge_templates\/([^/]+)$/.exec(key)!;
      expect(required).toContain(templateId);
      expect(templateById.get(templateId!)!.owner?.id).toBe(orgId);
    }
  });

  it('walks the configured organizations in order, at the configured page size', async () => {
    const [second, first] = [organizations[1]!, organizations[0]!];
    const client = clientFor({ CREDLY_ORGANIZATION_IDS: `${second.id},${first.id}` });
    const { items } = await walkFeed(client, 500);
    const issuers = items.map((item) => item.issuer.id);
    const lastOfSecond = issuers.lastIndexOf(`credly:org:${second.id}`);
    expect(issuers.indexOf(`credly:org:${first.id}`)).toBe(lastOfSecond + 1);
    expect(new Set(issuers)).toEqual(new Set([`credly:org:${second.id}`, `credly:org:${first.id}`]));
  });

  it('skips templates unchanged since updatedSince', async () => {
    const since = '2024-06-01T00:00:00.000Z';
    const { items } = await walkFeed(clientFor(), 100, since);
    const expected = templates
      .filter((t) => t.state === 'active' && t.public && Date.parse(t.updated_at!) >= Date.parse(since))
      .map((t) => `credly:template:${t.id}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((item) => item.id).sort()).toEqual(expected.sort());
  });

  it('refuses cursors it did not issue', async () => {
    const client = clientFor();
    const first = await credlyFeedPage(client, { cursor: null, limit: 10, updatedSince: null });
    const encode = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
    const bad = [
      'not-a-cursor',
      encode({ v: 1, org: 0, orgId: organizations[1]!.id, next: null }),
      encode({ v: 1, org: 99, orgId: organizations[0]!.id, next: null }),
      encode({
        v: 1,
        org: 0,
        orgId: organizations[0]!.id,
        next: `${standin.origin}/v1/organizations/x/badges`,
      }),
      encode({ v: 1, org: 0, orgId: organizations[0]!.id, next: 'http://elsewhere.invalid/v1/' }),
    ];
    for (const cursor of bad) {
      await expect(credlyFeedPage(client, { cursor, limit: 10, updatedSince: null })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
    }
    expect(first.nextCursor).not.toBeNull();
  });

  it('lets upstream errors through as UpstreamError', async () => {
    const client = clientFor({ CREDLY_API_TOKEN: WRONG_TOKEN });
    await expect(
      credlyFeedPage(client, { cursor: null, limit: 10, updatedSince: null }),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_UNAUTHORIZED',
    });
  });
});

describe('feedablePrerequisites', () => {
  it('tells published prerequisites from archived, private and unknown ones, asking upstream once each', async () => {
    const client = clientFor();
    const [feedable, archived, hidden] = [firstTemplate, archivedTemplate, privateTemplate];
    const requiring: CredlyBadgeTemplate = {
      id: '99999999-0000-5000-8000-000000000000',
      name: 'Requiring',
      state: 'active',
      public: true,
      required_badge_templates: [feedable.id, { id: archived.id }, hidden.id, UNKNOWN_TEMPLATE],
    };
    const isFeedable = await feedablePrerequisites(client, [requiring, requiring]);
    expect([feedable, archived, hidden].map((template) => isFeedable(template.id))).toEqual([
      true,
      false,
      false,
    ]);
    expect(isFeedable(UNKNOWN_TEMPLATE)).toBe(false);
    const asked = standin.totalRequests();
    expect(asked).toBeGreaterThanOrEqual(4);
    await feedablePrerequisites(client, [requiring]);
    expect(standin.totalRequests(), 'answers are remembered').toBe(asked);
  });
});

describe('loadDetails', () => {
  const ref = (id: string) => parseCredentialId(id)!;

  it('answers one result per ref, in order: details, or null for unknown, private and foreign ids', async () => {
    const client = clientFor();
    const refs = [
      ref(`credly:template:${firstTemplate.id}`),
      ref('coursera:course:abc'),
      ref(`credly:template:${UNKNOWN_TEMPLATE}`),
      ref(`credly:template:${privateTemplate.id}`),
      ref(`credly:template:${archivedTemplate.id}`),
      ref('credly:template:../../organizations'),
      ref(`credly:template:${firstTemplate.id}`),
    ];
    const results = await loadCredlyDetails(client, refs);
    expect(results).toHaveLength(refs.length);
    expect(results[0]).toMatchObject({ id: firstTemplate.id, name: firstTemplate.name, state: 'active' });
    expect(results.slice(1, 4)).toEqual([null, null, null]);
    expect(results[4]).toMatchObject({ id: archivedTemplate.id, state: 'archived' });
    expect(results[5]).toBeNull();
    expect(results[6]).toBe(results[0]);
  });

  it('asks the organization the template was last seen in first', async () => {
    const client = clientFor();
    await walkFeed(client, 100);
    const lastOrgTemplate = templatesOf(organizations.at(-1)!.id).find(
      (t) => t.state === 'active' && t.public,
    )!;
    standin.resetCounts();
    await loadCredlyDetails(client, [ref(`credly:template:${lastOrgTemplate.id}`)]);
    expect(standin.totalRequests()).toBe(1);
  });

  it('fails the whole batch with UPSTREAM_UNAUTHORIZED when the token is refused', async () => {
    const client = clientFor({ CREDLY_API_TOKEN: WRONG_TOKEN });
    await expect(
      loadCredlyDetails(client, [ref(`credly:template:${firstTemplate.id}`)]),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_UNAUTHORIZED',
    });
  });
});

const CREDLY_SELECTION = /* GraphQL */ `
  credly {
    id name state level timeToEarn typeCategory
    skills { name }
    owner { id name verified }
    requiredBadgeTemplates { id credential { id } }
  }
`;

interface Entity {
  id: string;
  credly: null | {
    id: string;
    name: string;
    state: string;
    level: string;
    timeToEarn: string;
    typeCategory: string;
    skills: Array<{ name: string }>;
    owner: { id: string; name: string; verified: boolean };
    requiredBadgeTemplates: Array<{ id: string; credential: { id: string } }>;
  };
}

describe('the credly subgraph over HTTP', () => {
  let subgraph: RunningServer;
  let refused: RunningServer;

  beforeAll(async () => {
    const env = { CREDLY_BASE_URL: `${standin.origin}/v1/`, CREDLY_API_TOKEN: TOKEN };
    subgraph = await startProviderSubgraph(credlyProvider, { env, port: 0 });
    refused = await startProviderSubgraph(credlyProvider, {
      env: { ...env, CREDLY_API_TOKEN: WRONG_TOKEN },
      port: 0,
    });
  });

  afterAll(async () => {
    await subgraph?.close();
    await refused?.close();
  });

  it('resolves Credential.credly live for a credly id, and null without error for a coursera id', async () => {
    const stacked = templates.find(
      (t) => t.state === 'active' && t.public && t.required_badge_templates?.length,
    )!;
    const { body } = await postEntities<Entity>(subgraph.url, CREDLY_SELECTION, [
      `credly:template:${stacked.id}`,
      'coursera:course:machine-learning',
    ]);
    expect(body.errors).toBeUndefined();
    const [credly, coursera] = body.data!._entities;
    const required = stacked.required_badge_templates![0] as { id: string };
    expect(credly).toEqual({
      id: `credly:template:${stacked.id}`,
      credly: {
        id: stacked.id,
        name: stacked.name,
        state: 'active',
        level: stacked.level,
        timeToEarn: stacked.time_to_earn,
        typeCategory: stacked.type_category,
        skills: (stacked.skills as Array<{ name: string }>).map((skill) => ({ name: skill.name })),
        owner: { id: stacked.owner!.id, name: stacked.owner!.name, verified: stacked.owner!.verified },
        requiredBadgeTemplates: [{ id: required.id, credential: { id: `credly:template:${required.id}` } }],
      },
    });
    expect(coursera).toEqual({ id: 'coursera:course:machine-learning', credly: null });
  });

  it('batches several credentials of one request into concurrent upstream calls', async () => {
    const some = templates.filter((t) => t.state === 'active' && t.public).slice(0, 6);
    const { body } = await postEntities<Entity>(
      subgraph.url,
      CREDLY_SELECTION,
      some.map((t) => `credly:template:${t.id}`),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities.map((entity) => entity.credly?.name)).toEqual(some.map((t) => t.name));
  });

  it('answers UPSTREAM_UNAUTHORIZED, without the token, when Credly refuses it', async () => {
    const { status, text, body } = await postEntities<Entity>(refused.url, CREDLY_SELECTION, [
      `credly:template:${firstTemplate.id}`,
    ]);
    expect(status).toBe(200);
    expect(body.data!._entities[0]!.credly).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions!.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(body.errors![0]!.message).toContain('CREDLY_API_TOKEN');
    expect(text).not.toContain(WRONG_TOKEN);
    expect(text).not.toContain(Buffer.from(`${WRONG_TOKEN}:`).toString('base64'));
  });

  it('serves the feed over HTTP, every active public template once, none rejected', async () => {
    const feed = await readWholeFeed(subgraph.url, { limit: '100' });
    expect(feed.status).toBe(200);
    expect(feed.rejected).toEqual([]);
    expect(feed.items.map((item) => item.id).sort()).toEqual([...feedableIds].sort());

    const badCursor = await getFeedPage(subgraph.url, { cursor: 'forged' });
    expect(badCursor.status).toBe(400);
    const refusedFeed = await getFeedPage(refused.url);
    expect(refusedFeed.status).toBe(502);
    expect(refusedFeed.body.error?.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(refusedFeed.text).not.toContain(WRONG_TOKEN);
  });
});
