import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProviders } from '../../cli/localProviders.js';
import { type RunningLocalCatalog, startLocalCatalog } from '../../cli/start.js';
import { startCredlyStandin } from '../../subgraphs/credly/standin/server.js';
import { readProjectJson } from '../../subgraphs/kit/index.js';
import { type GraphQLResult, graphql } from '../fixtures/http.js';

/**
 * The one-command catalog, as a newcomer gets it: stand-ins, both providers, the catalog and the gateway, on
 * free ports, queried only through the gateway.
 */

interface Node {
  id: string;
  name: string;
  description: string | null;
  issuer: { name: string };
  provider: { id: string; name: string };
  skills: Array<{ label: string; skill: { name: string } | null }>;
}
interface Connection {
  credentials: {
    totalCount: number;
    edges: Array<{ node: Node }>;
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

const ACCEPTANCE_QUERY =
  '{ credentials(first: 100) { totalCount edges { node { id name issuer { name } provider { id name } } } } }';

/** Every provider the one-command start runs: each must show up in every cross-provider answer. */
const PROVIDERS = new Set(localProviders.map((local) => local.provider.info.id));

const dir = mkdtempSync(join(tmpdir(), 'credgraph-e2e-'));
const databasePath = join(dir, 'catalog.sqlite');
let running: RunningLocalCatalog;

beforeAll(async () => {
  running = await startLocalCatalog({ env: { ...process.env }, ports: 'free', databasePath });
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the one-command catalog', () => {
  it('answers the README query with credentials from every provider', async () => {
    const result = await graphql<Connection>(running.gatewayUrl, ACCEPTANCE_QUERY);
    expect(result.errors).toBeUndefined();
    const { totalCount, edges } = result.data!.credentials;
    expect(totalCount).toBeGreaterThanOrEqual(120);
    expect(edges).toHaveLength(100);
    const all = await walkAll(running.gatewayUrl, null);
    expect(all.length).toBe(totalCount);
    const prefixes = new Set(all.map((node) => node.id.split(':')[0]));
    expect(prefixes).toEqual(PROVIDERS);
    for (const node of all) {
      expect(node.provider.id).toBe(node.id.split(':')[0]);
      expect(node.issuer.name).toBeTruthy();
    }
  });

  it('lists every provider with a successful harvest', async () => {
    const result = await graphql<{
      providers: Array<{
        id: string;
        harvest: { state: string; credentialCount: number; lastError: string | null };
      }>;
    }>(running.gatewayUrl, '{ providers { id harvest { state credentialCount lastError } } }');
    expect(new Set(result.data!.providers.map((provider) => provider.id))).toEqual(PROVIDERS);
    for (const provider of result.data!.providers) {
      expect(provider.harvest, provider.id).toMatchObject({ state: 'OK', lastError: null });
      expect(provider.harvest.credentialCount, provider.id).toBeGreaterThanOrEqual(60);
    }
  });

  it('finds "security" only in credentials whose text matches, from every provider', async () => {
    const nodes = await walkAll(running.gatewayUrl, 'security');
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const text = [
        node.name,
        node.description,
        node.issuer.name,
        ...node.skills.flatMap((skill) => [skill.label, skill.skill?.name ?? '']),
      ].join(' ');
      // The index folds diacritics, so "Sécurité" matches the stem of "security" too.
      expect(text.normalize('NFD').replace(/\p{M}/gu, '')).toMatch(/secur/i);
    }
    expect(new Set(nodes.map((node) => node.provider.id))).toEqual(PROVIDERS);
  });

  it('resolves the live credly field for credly credentials and null, without error, for others', async () => {
    const [credlyId, courseraId] = await firstIdsOf(running.gatewayUrl, ['credly', 'coursera']);
    const result = await graphql<{ a: { name: string; credly: { name: string } }; b: { credly: null } }>(
      running.gatewayUrl,
      `query ($a: ID!, $b: ID!) { a: credential(id: $a) { name credly { name } } b: credential(id: $b) { name credly { name } } }`,
      { a: credlyId, b: courseraId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.a.credly.name).toBe(result.data!.a.name);
    expect(result.data!.b.credly).toBeNull();
  });

  it('serves an IDE page that loads nothing from another host', async () => {
    const response = await fetch(running.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    const references = [...html.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references.filter((ref) => !ref.startsWith('data:'))) {
      expect(new URL(reference, running.gatewayUrl).origin).toBe(new URL(running.gatewayUrl).origin);
    }
  });
});

describe('stacking and sameAs across providers', () => {
  it('answers hasPart for every CTDL certification with parts, and isPartOf back from each part', async () => {
    interface CtdlRecord {
      '@type': string;
      'ceterms:ctid': string;
      'ceterms:hasPart'?: string[];
    }
    const upstream = readProjectJson<CtdlRecord[]>('subgraphs/registry/standin/data/credentials.json');
    const certifications = upstream.filter(
      (r) => r['@type'] === 'ceterms:Certification' && r['ceterms:hasPart']?.length,
    );
    expect(certifications.length).toBeGreaterThanOrEqual(3);
    for (const certification of certifications) {
      const id = `registry:ctid:${certification['ceterms:ctid']}`;
      const result = await graphql<{
        credential: { hasPart: Array<{ id: string; isPartOf: Array<{ id: string }> }> };
      }>(running.gatewayUrl, `{ credential(id: "${id}") { hasPart { id isPartOf { id } } } }`);
      expect(result.errors).toBeUndefined();
      const expected = certification['ceterms:hasPart']!.map(
        (uri) => `registry:ctid:${uri.split('/').pop()}`,
      );
      expect(result.data!.credential.hasPart.map((part) => part.id).sort()).toEqual(expected.sort());
      for (const part of result.data!.credential.hasPart)
        expect(part.isPartOf.map((whole) => whole.id)).toContain(id);
    }
  });

  it('links the same credential published by the registry and by an Open Badges issuer through sameAs', async () => {
    const result = await graphql<{
      credential: { name: string; sameAs: Array<{ id: string; name: string }> };
    }>(
      running.gatewayUrl,
      '{ credential(id: "registry:ctid:ce-4c2a1d9e-7b1f-4e0a-9c3d-1a2b3c4d5e01") { name sameAs { id name } } }',
    );
    expect(result.errors).toBeUndefined();
    const same = result.data!.credential.sameAs;
    expect(same.some((other) => other.id.startsWith('openbadges:'))).toBe(true);
    const back = await graphql<{ credential: { sameAs: Array<{ id: string }> } }>(
      running.gatewayUrl,
      `{ credential(id: "${same.find((other) => other.id.startsWith('openbadges:'))!.id}") { sameAs { id } } }`,
    );
    expect(back.data!.credential.sameAs.map((other) => other.id)).toContain(
      'registry:ctid:ce-4c2a1d9e-7b1f-4e0a-9c3d-1a2b3c4d5e01',
    );
  });
});

describe('one skills vocabulary', () => {
  it('files differently spelled skill labels from three or more providers under one canonical skill', async () => {
    const result = await graphql<{
      skill: {
        name: string;
        credentials: {
          totalCount: number;
          edges: Array<{
            node: {
              provider: { id: string };
              skills: Array<{ label: string; skill: { id: string } | null }>;
            };
          }>;
        };
      };
    }>(
      running.gatewayUrl,
      `{ skill(id: "credgraph:cybersecurity") { name credentials(first: 50) { totalCount
          edges { node { provider { id } skills { label skill { id } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const { edges } = result.data!.skill.credentials;
    expect(result.data!.skill.name).toBe('Cybersecurity');
    const labelsByProvider = new Map<string, Set<string>>();
    for (const { node } of edges) {
      const labels = node.skills
        .filter((skill) => skill.skill?.id === 'credgraph:cybersecurity')
        .map((s) => s.label);
      expect(labels.length, 'every credential listed certifies the skill').toBeGreaterThan(0);
      for (const label of labels) {
        labelsByProvider.set(
          node.provider.id,
          (labelsByProvider.get(node.provider.id) ?? new Set()).add(label),
        );
      }
    }
    expect(labelsByProvider.size).toBeGreaterThanOrEqual(3);
    const spellings = new Set([...labelsByProvider.values()].flatMap((labels) => [...labels]));
    expect(spellings.size, [...spellings].join(' | ')).toBeGreaterThanOrEqual(3);
  });
});

describe('pointing a provider at another upstream', () => {
  it('uses CREDLY_BASE_URL and CREDLY_API_TOKEN without code changes', async () => {
    const other = await startCredlyStandin({ token: 'another-org-token' });
    const elsewhere = await startLocalCatalog({
      env: { ...process.env, CREDLY_BASE_URL: `${other.origin}/v1/`, CREDLY_API_TOKEN: 'another-org-token' },
      ports: 'free',
    });
    try {
      expect(elsewhere.standinUrls.credly).toBeUndefined();
      const nodes = await walkAll(elsewhere.gatewayUrl, null);
      expect(nodes.some((node) => node.id.startsWith('credly:'))).toBe(true);
      expect(other.totalRequests()).toBeGreaterThan(0);
    } finally {
      await elsewhere.close();
      await other.close();
    }
  });

  it('with a wrong CREDLY_API_TOKEN keeps serving, reports the harvest error and the live field error', async () => {
    // The index from the first run persists in SQLite; the restart comes with a wrong token.
    const [credlyId] = await firstIdsOf(running.gatewayUrl, ['credly']);
    const restarted = await startLocalCatalog({
      env: { ...process.env, CREDLY_API_TOKEN: 'not-the-right-token' },
      ports: 'free',
      databasePath,
    });
    try {
      const coursera = await graphql<Connection>(
        restarted.gatewayUrl,
        '{ credentials(filter: {providers: ["coursera"]}, first: 5) { totalCount edges { node { id } } } }',
      );
      expect(coursera.errors).toBeUndefined();
      expect(coursera.data!.credentials.totalCount).toBeGreaterThanOrEqual(60);

      const status = await graphql<{
        providers: Array<{
          id: string;
          harvest: { state: string; lastError: string; lastErrorCode: string };
        }>;
      }>(restarted.gatewayUrl, '{ providers { id harvest { state lastError lastErrorCode } } }');
      const credly = status.data!.providers.find((provider) => provider.id === 'credly')!;
      expect(credly.harvest.state).toBe('FAILED');
      expect(credly.harvest.lastErrorCode).toBe('UPSTREAM_UNAUTHORIZED');
      expect(credly.harvest.lastError).toMatch(/refused our credentials.*CREDLY_API_TOKEN/);
      expect(credly.harvest.lastError).not.toContain('not-the-right-token');

      const live = await graphql<{ credential: { name: string; credly: null } }>(
        restarted.gatewayUrl,
        `{ credential(id: "${credlyId}") { name credly { name } } }`,
      );
      expect(live.data!.credential.name).toBeTruthy();
      expect(live.data!.credential.credly).toBeNull();
      expect(live.errors).toHaveLength(1);
      expect(live.errors![0]!.extensions!.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(live.errors![0]!.path).toEqual(['credential', 'credly']);
      expect(JSON.stringify(live)).not.toContain('not-the-right-token');
    } finally {
      await restarted.close();
    }
  });
});

async function walkAll(url: string, query: string | null): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const result: GraphQLResult<Connection> = await graphql<Connection>(
      url,
      `query ($query: String, $after: String) { credentials(query: $query, first: 50, after: $after) {
         totalCount pageInfo { hasNextPage endCursor }
         edges { node { id name description issuer { name } provider { id name } skills { label skill { name } } } } } }`,
      { query, after },
    );
    expect(result.errors).toBeUndefined();
    nodes.push(...result.data!.credentials.edges.map((edge) => edge.node));
    if (!result.data!.credentials.pageInfo.hasNextPage) break;
    after = result.data!.credentials.pageInfo.endCursor;
  }
  return nodes;
}

async function firstIdsOf(url: string, providers: string[]): Promise<string[]> {
  return Promise.all(
    providers.map(async (provider) => {
      const result = await graphql<Connection>(
        url,
        `{ credentials(filter: {providers: ["${provider}"]}, first: 1) { edges { node { id } } } }`,
      );
      return result.data!.credentials.edges[0]!.node.id;
    }),
  );
}
