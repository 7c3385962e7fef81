import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CredentialRecord, credentialRecordProblems } from '../../schema/index.js';
import {
  InvalidCursorError,
  type RunningServer,
  readProjectJson,
  startProviderSubgraph,
  UpstreamError,
} from '../kit/index.js';
import {
  getFeedPage,
  postEntities,
  readProviderFeed,
  readWholeFeed,
  resolveEntities,
  SKILL_LABEL_VARIANTS,
} from '../kit/testing.js';
import { BadgrClient } from './client.js';
import { DEFAULT_BADGR_PASSWORD, DEFAULT_BADGR_USERNAME, readConfig } from './config.js';
import { toDetails } from './details.js';
import {
  frameworkOf,
  levelOfEqf,
  relationsOf,
  sectorsOf,
  skillsOf,
  studyLoadDuration,
  toCredentialRecord,
} from './mapping.js';
import { badgrFeedPage, badgrProvider, loadBadgrDetails } from './provider.js';
import { type BadgrStandin, startBadgrStandin } from './standin/server.js';
import type { BadgrBadgeClass, BadgrEnvelope, BadgrIssuer, BadgrPagination } from './upstream.js';

const DATA = 'subgraphs/badgr/standin/data';
const sampleIssuers = readProjectJson<BadgrIssuer[]>(`${DATA}/issuers.json`);
const sampleBadgeClasses = readProjectJson<BadgrBadgeClass[]>(`${DATA}/badgeclasses.json`);
const sampleIds = sampleBadgeClasses.map((badgeClass) => badgeClass.entityId).sort();
const sampleCredentialIds = sampleIds.map((id) => `badgr:badgeclass:${id}`);
const issuersById = new Map(sampleIssuers.map((issuer) => [issuer.entityId, issuer]));
const FETCHED_AT = '2026-02-01T10:00:00.000Z';
const WRONG_PASSWORD = 'not-the-password-9f3a1c';

let standin: BadgrStandin;
let base: string;

beforeAll(async () => {
  standin = await startBadgrStandin();
  base = `${standin.origin}/`;
});
afterAll(async () => {
  await standin?.close();
});

function clientFor(url: string, env: Record<string, string> = {}): BadgrClient {
  return new BadgrClient(readConfig({ BADGR_BASE_URL: url, ...env }));
}

async function withClient<T>(
  work: (client: BadgrClient) => Promise<T>,
  env: Record<string, string> = {},
  url = base,
): Promise<T> {
  const client = clientFor(url, env);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

async function requestToken(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL('o/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function demoToken(): Promise<string> {
  const { body } = await requestToken({
    grant_type: 'password',
    username: DEFAULT_BADGR_USERNAME,
    password: DEFAULT_BADGR_PASSWORD,
    client_id: 'public',
    scope: 'rw:issuer',
  });
  return body.access_token as string;
}

async function api<T>(
  path: string,
  token: string | null,
): Promise<{ status: number; body: BadgrEnvelope<T>; headers: Headers }> {
  const response = await fetch(new URL(path, base), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: response.status,
    body: (await response.json()) as BadgrEnvelope<T>,
    headers: response.headers,
  };
}

function requestsTo(prefix: string): number {
  let total = 0;
  for (const [key, count] of standin.requestCounts) if (key.startsWith(prefix)) total += count;
  return total;
}

describe('sample data', () => {
  it('covers the catalog the brief asks for', () => {
    expect(sampleIssuers.length).toBeGreaterThanOrEqual(5);
    expect(sampleBadgeClasses.length).toBeGreaterThanOrEqual(65);
    expect(new Set(sampleIds).size).toBe(sampleBadgeClasses.length);
    for (const badgeClass of sampleBadgeClasses) expect(issuersById.has(badgeClass.issuer)).toBe(true);
    const sectors = new Set(sampleBadgeClasses.flatMap((badgeClass) => sectorsOf(badgeClass.tags)));
    for (const sector of ['TECHNOLOGY', 'HEALTHCARE', 'ADVANCED_MANUFACTURING'])
      expect(sectors).toContain(sector);
    const security = sampleBadgeClasses.filter((badgeClass) =>
      /security/i.test(`${badgeClass.name} ${badgeClass.description}`),
    );
    expect(security.length).toBeGreaterThanOrEqual(5);
    const alignments = sampleBadgeClasses.flatMap((badgeClass) => badgeClass.alignments ?? []);
    expect(alignments.filter((alignment) => alignment.targetFramework === 'ESCO').length).toBeGreaterThan(20);
    expect(alignments.filter((alignment) => !alignment.targetFramework).length).toBeGreaterThan(20);
    const labels = new Set(alignments.map((alignment) => alignment.targetName));
    for (const label of SKILL_LABEL_VARIANTS) expect(labels).toContain(label);
  });
});

describe('stand-in (Badgr API v2)', () => {
  it('grants a Bearer token for the form-encoded password grant, and refuses wrong ones as Badgr does', async () => {
    const granted = await requestToken({
      grant_type: 'password',
      username: DEFAULT_BADGR_USERNAME,
      password: DEFAULT_BADGR_PASSWORD,
      client_id: 'public',
      scope: 'rw:issuer',
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 86_400,
      refresh_token: expect.any(String),
      scope: 'rw:issuer',
    });
    const wrong = await requestToken({ username: DEFAULT_BADGR_USERNAME, password: WRONG_PASSWORD });
    expect(wrong).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid credentials given.' },
    });
    expect(await requestToken({ client_id: 'nope', username: 'x', password: 'y' })).toEqual({
      status: 400,
      body: { error: 'invalid client_id' },
    });
    expect((await requestToken({ scope: 'rw:serverAdmin', username: 'x', password: 'y' })).body).toEqual({
      error: 'invalid scope requested',
    });
    const refreshed = await requestToken({
      grant_type: 'refresh_token',
      refresh_token: granted.body.refresh_token as string,
    });
    expect(refreshed.status).toBe(200);
  });

  it('answers 401 in the v2 envelope without a valid token', async () => {
    for (const token of [null, 'made-up-token']) {
      const { status, body, headers } = await api('v2/issuers', token);
      expect(status).toBe(401);
      expect(body).toEqual({
        status: { success: false, description: 'Authentication credentials were not provided.' },
        result: [],
      });
      expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('serves issuers and badge classes in the v2 envelope, and 404 for unknown ones', async () => {
    const token = await demoToken();
    const issuers = await api<BadgrIssuer>('v2/issuers', token);
    expect(issuers.status).toBe(200);
    expect(issuers.body.status).toEqual({ success: true, description: 'ok' });
    expect(issuers.body.result).toEqual(sampleIssuers);
    const one = await api<BadgrBadgeClass>(`v2/badgeclasses/${sampleBadgeClasses[7]!.entityId}`, token);
    expect(one.body.result).toEqual([sampleBadgeClasses[7]]);
    const missing = await api('v2/badgeclasses/NoSuchBadgeClass0000', token);
    expect(missing.status).toBe(404);
    expect(missing.body.status.success).toBe(false);
  });

  it('pages an issuer’s badge classes with ?num= and a Link header, every one exactly once', async () => {
    const token = await demoToken();
    const issuer = sampleIssuers[0]!;
    const expected = sampleBadgeClasses
      .filter((badgeClass) => badgeClass.issuer === issuer.entityId)
      .map((badgeClass) => badgeClass.entityId);
    const whole = await api<BadgrBadgeClass>(`v2/issuers/${issuer.entityId}/badgeclasses`, token);
    expect(whole.headers.get('link')).toBeNull();
    expect(whole.body.result.map((badgeClass) => badgeClass.entityId).sort()).toEqual([...expected].sort());

    const seen: string[] = [];
    let next: string | null = `v2/issuers/${issuer.entityId}/badgeclasses?num=5`;
    let pages = 0;
    while (next) {
      const page: { body: BadgrEnvelope<BadgrBadgeClass>; headers: Headers } = await api<BadgrBadgeClass>(
        next,
        token,
      );
      expect(page.body.pagination).toBeUndefined();
      seen.push(...page.body.result.map((badgeClass) => badgeClass.entityId));
      next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1] ?? null;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(expected.length / 5));
    expect(seen.sort()).toEqual([...expected].sort());
  });

  it('pages the changed list through pagination.nextResults, and validates since and cursor', async () => {
    const token = await demoToken();
    const seen: string[] = [];
    let next: string | null = 'v2/badgeclasses/changed?num=20';
    while (next) {
      const page: { body: BadgrEnvelope<BadgrBadgeClass> } = await api<BadgrBadgeClass>(next, token);
      const pagination = page.body.pagination as BadgrPagination;
      expect(pagination.hasNext).toBe(pagination.nextResults !== null);
      expect(page.body.timestamp).toEqual(expect.any(String));
      seen.push(...page.body.result.map((badgeClass) => badgeClass.entityId));
      next = pagination.nextResults;
    }
    expect(seen.sort()).toEqual(sampleIds);
    const badSince = await api('v2/badgeclasses/changed?since=yesterday', token);
    expect(badSince.status).toBe(400);
    expect(badSince.body).toEqual({
      status: { success: false, description: 'bad request' },
      result: [],
      fieldErrors: { since: ['must be ISO-8601 format with time zone'] },
      validationErrors: [],
    });
    expect((await api('v2/badgeclasses/changed?cursor=bm9wZQ', token)).status).toBe(404);
  });

  it('rate-limits with 429 and Retry-After when configured to', async () => {
    const limited = await startBadgrStandin({ rateLimit: { requests: 2, windowMs: 60_000 } });
    try {
      const granted = await fetch(`${limited.origin}/o/token`, {
        method: 'POST',
        body: new URLSearchParams({ username: DEFAULT_BADGR_USERNAME, password: DEFAULT_BADGR_PASSWORD }),
      });
      const { access_token: token } = (await granted.json()) as { access_token: string };
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await fetch(`${limited.origin}/v2/issuers`, {
          headers: { authorization: `Bearer ${token}` },
        });
        statuses.push(response.status);
        retryAfter = response.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('client and authentication', () => {
  beforeEach(() => standin.resetCounts());

  it('obtains one token and reuses it for every call', async () => {
    await withClient(async (client) => {
      await Promise.all([client.listIssuers(), client.getBadgeClass(sampleIds[0]!), client.listIssuers()]);
      await client.getBadgeClass(sampleIds[1]!);
      expect(standin.requestCounts.get('POST /o/token')).toBe(1);
      expect(client.tokens.obtained).toBe(1);
    });
  });

  it('renews the token shortly before it expires', async () => {
    const shortLived = await startBadgrStandin({ tokenLifetimeSeconds: 1 });
    try {
      await withClient(
        async (client) => {
          await client.listIssuers();
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          await client.listIssuers();
          expect(shortLived.requestCounts.get('POST /o/token')).toBe(2);
          expect(shortLived.requestCounts.get('GET /v2/issuers')).toBe(2);
        },
        {},
        `${shortLived.origin}/`,
      );
    } finally {
      await shortLived.close();
    }
  });

  it('re-authenticates once when Badgr refuses a token it issued, and carries on', async () => {
    await withClient(async (client) => {
      await client.listIssuers();
      standin.revokeTokens();
      const [first, second] = await Promise.all([
        client.getBadgeClass(sampleIds[2]!),
        client.getBadgeClass(sampleIds[3]!),
      ]);
      expect([first?.entityId, second?.entityId]).toEqual([sampleIds[2], sampleIds[3]]);
      // Both calls were refused, but they share one new token.
      expect(standin.requestCounts.get('POST /o/token')).toBe(2);
    });
  });

  it('fails with UPSTREAM_UNAUTHORIZED naming the settings, never the password, on a wrong password', async () => {
    const error = await withClient((client) => failure(client.listIssuers()), {
      BADGR_PASSWORD: WRONG_PASSWORD,
    });
    expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(error.upstreamStatus).toBe(400);
    expect(error.message).toContain('BADGR_USERNAME / BADGR_PASSWORD');
    expect(error.message).toContain('Invalid credentials given.');
    expect(error.message).not.toContain(WRONG_PASSWORD);
    // A wrong password is never retried: Badgr locks accounts out after repeated failures.
    expect(standin.requestCounts.get('POST /o/token')).toBe(1);
    expect(standin.requestCounts.get('GET /v2/issuers')).toBeUndefined();
  });

  it('names BADGR_CLIENT_ID and BADGR_SCOPE when those are refused', async () => {
    const client = await withClient((c) => failure(c.listIssuers()), { BADGR_CLIENT_ID: 'unknown-app' });
    expect(client.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(client.message).toContain('BADGR_CLIENT_ID');
    const scope = await withClient((c) => failure(c.listIssuers()), { BADGR_SCOPE: 'rw:serverAdmin' });
    expect(scope.code).toBe('UPSTREAM_FORBIDDEN');
    expect(scope.message).toContain('BADGR_SCOPE');
  });

  it('fails with UPSTREAM_UNAUTHORIZED after one re-authentication when the API keeps answering 401', async () => {
    standin.injectFault({
      pathIncludes: '/v2/issuers',
      status: 401,
      body: {
        status: { success: false, description: 'Authentication credentials were not provided.' },
        result: [],
      },
      times: 5,
    });
    const error = await withClient((client) => failure(client.listIssuers()));
    standin.clearFaults();
    expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(error.message).toBe(
      'badgr: the upstream refused our credentials (HTTP 401) (check BADGR_USERNAME / BADGR_PASSWORD): Authentication credentials were not provided.',
    );
    expect(standin.requestCounts.get('GET /v2/issuers')).toBe(2);
    expect(standin.requestCounts.get('POST /o/token')).toBe(2);
  });

  it('waits out a 429 with Retry-After and succeeds', async () => {
    await withClient(async (client) => {
      await client.listIssuers();
      standin.injectFault({
        pathIncludes: '/v2/badgeclasses/changed',
        status: 429,
        headers: { 'retry-after': '1' },
        body: { status: { success: false, description: 'Request was throttled.' }, result: [] },
      });
      const started = Date.now();
      const page = await client.changedBadgeClasses({ num: 5, since: null });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(page.badgeClasses).toHaveLength(5);
      expect(standin.requestCounts.get('GET /v2/badgeclasses/changed')).toBe(2);
    });
  });

  it('retries a 5xx and succeeds', async () => {
    await withClient(async (client) => {
      standin.injectFault({ pathIncludes: '/v2/issuers', status: 503, times: 2 });
      expect(await client.listIssuers()).toHaveLength(sampleIssuers.length);
      expect(standin.requestCounts.get('GET /v2/issuers')).toBe(3);
    });
  });

  it('reports a body that is not the v2 envelope as UPSTREAM_BAD_RESPONSE', async () => {
    await withClient(async (client) => {
      standin.injectFault({ pathIncludes: '/v2/issuers', rawBody: '<html>maintenance</html>' });
      expect((await failure(client.listIssuers())).code).toBe('UPSTREAM_BAD_RESPONSE');
      standin.injectFault({
        pathIncludes: '/v2/issuers',
        body: { status: { success: false, description: 'issuer lookup failed' }, result: [] },
        status: 200,
      });
      const error = await failure(client.listIssuers());
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.message).toContain('issuer lookup failed');
    });
  });

  it('reads an issuer’s whole badge class list, and completes issuers the list lacks one by one', async () => {
    await withClient(async (client) => {
      const issuer = sampleIssuers[3]!;
      const list = await client.listIssuerBadgeClasses(issuer.entityId);
      expect(list.length).toBe(sampleBadgeClasses.filter((b) => b.issuer === issuer.entityId).length);
      standin.injectFault({
        pathIncludes: '/v2/issuers',
        body: { status: { success: true, description: 'ok' }, result: [] },
        status: 200,
      });
      const found = await client.issuersById([issuer.entityId, 'UnknownIssuer00000000', issuer.entityId]);
      expect([...found.keys()]).toEqual([issuer.entityId]);
      expect(standin.requestCounts.get(`GET /v2/issuers/${issuer.entityId}`)).toBe(1);
    });
  });

  it('rejects config that is out of range, naming the variable', () => {
    expect(() => readConfig({ BADGR_PAGE_SIZE: '501' })).toThrow(/BADGR_PAGE_SIZE/);
    expect(() => readConfig({ BADGR_BASE_URL: 'ftp://badgr.example/' })).toThrow(/BADGR_BASE_URL/);
    expect(() => readConfig({ BADGR_STUDY_LOAD_UNIT: 'days' })).toThrow(/BADGR_STUDY_LOAD_UNIT/);
    expect(readConfig({})).toMatchObject({
      baseUrl: 'http://127.0.0.1:4105/',
      clientId: 'public',
      scope: 'rw:issuer',
      pageSize: 100,
      studyLoadUnit: 'hours',
    });
  });
});

describe('mapping', () => {
  const record = (badgeClass: BadgrBadgeClass, options?: Parameters<typeof toCredentialRecord>[3]) =>
    toCredentialRecord(badgeClass, issuersById.get(badgeClass.issuer) ?? null, FETCHED_AT, options);
  const byName = (name: string) => sampleBadgeClasses.find((badgeClass) => badgeClass.name === name)!;

  it('maps every sample badge class into a valid common record', () => {
    for (const badgeClass of sampleBadgeClasses) {
      expect(credentialRecordProblems(record(badgeClass)), badgeClass.name).toEqual([]);
    }
  });

  it('maps a badge class field by field', () => {
    const badgeClass = byName('Cybersecurity Fundamentals');
    const issuer = issuersById.get(badgeClass.issuer)!;
    expect(record(badgeClass)).toEqual<CredentialRecord>({
      id: `badgr:badgeclass:${badgeClass.entityId}`,
      name: 'Cybersecurity Fundamentals',
      description: badgeClass.description!,
      credentialType: 'OPEN_BADGE',
      sourceTypes: ['BadgeClass'],
      issuer: {
        id: `badgr:issuer:${issuer.entityId}`,
        name: 'Northbridge Institute of Technology',
        url: 'https://northbridge-tech.example/',
        verified: true,
      },
      provider: 'badgr',
      url: badgeClass.openBadgeId,
      image: badgeClass.image!,
      skills: [
        {
          label: 'Cybersecurity',
          framework: 'ESCO',
          code: badgeClass.alignments![0]!.targetCode!,
          url: badgeClass.alignments![0]!.targetUrl,
        },
        {
          label: 'Network Security',
          framework: 'PROVIDER',
          code: 'NB-SEC-01',
          url: 'https://northbridge-tech.example/competencies/network-security',
        },
        {
          label: 'Risk Assessment',
          framework: 'PROVIDER',
          code: 'NB-SEC-02',
          url: 'https://northbridge-tech.example/competencies/risk-assessment',
        },
      ],
      sectors: ['TECHNOLOGY'],
      level: 'INTERMEDIATE',
      estimatedDuration: 'PT40H',
      cost: null,
      deliveryMode: null,
      languages: ['en'],
      updatedAt: FETCHED_AT,
      provenance: {
        provider: 'badgr',
        upstreamId: badgeClass.entityId,
        url: badgeClass.openBadgeId,
        fetchedAt: FETCHED_AT,
        raw: badgeClass,
      },
      relations: [],
      identifiers: [{ scheme: 'BADGR_BADGECLASS', value: badgeClass.openBadgeId }],
    });
  });

  it('reads pathway alignments to other badge classes as ordered parts, not skills', () => {
    const pathway = byName('Cybersecurity Analyst Pathway');
    const parts = [
      'Cybersecurity Fundamentals',
      'Security Operations Center (SOC) Analyst I',
      'Incident Response Practitioner',
    ];
    expect(relationsOf(pathway)).toEqual(
      parts.map((name, order) => ({
        type: 'HAS_PART',
        target: `badgr:badgeclass:${byName(name).entityId}`,
        order,
      })),
    );
    expect(skillsOf(pathway).map((skill) => skill.label)).toEqual([
      'Cybersecurity',
      'Information Security Analysts',
    ]);
    // Every pathway part is a badge class the feed publishes.
    const targets = sampleBadgeClasses.flatMap((badgeClass) =>
      relationsOf(badgeClass).map((relation) => relation.target),
    );
    expect(targets.length).toBeGreaterThanOrEqual(12);
    for (const target of targets) expect(sampleCredentialIds).toContain(target);
    // An alignment to a badge on another server is an ordinary alignment.
    const foreign = {
      ...pathway,
      alignments: [
        { targetName: 'Elsewhere', targetUrl: `https://other.example/public/badges/${sampleIds[0]}` },
      ],
    };
    expect(relationsOf(foreign)).toEqual([]);
    expect(skillsOf(foreign)).toHaveLength(1);
  });

  it('names frameworks from targetFramework or an ESCO URI, and keeps everything else as the provider’s', () => {
    expect(frameworkOf({ targetFramework: 'ESCO', targetUrl: 'https://x.example/' })).toBe('ESCO');
    expect(frameworkOf({ targetFramework: 'ESCO v1.2', targetUrl: 'https://x.example/' })).toBe('ESCO');
    expect(frameworkOf({ targetFramework: 'O*NET-SOC', targetUrl: 'https://x.example/' })).toBe('ONET');
    expect(frameworkOf({ targetFramework: 'ONET', targetUrl: 'https://x.example/' })).toBe('ONET');
    expect(frameworkOf({ targetFramework: 'Lightcast Open Skills', targetUrl: 'https://x.example/' })).toBe(
      'LIGHTCAST',
    );
    expect(frameworkOf({ targetFramework: 'EMSI Skills', targetUrl: 'https://x.example/' })).toBe(
      'LIGHTCAST',
    );
    expect(frameworkOf({ targetFramework: null, targetUrl: 'http://data.europa.eu/esco/skill/abc' })).toBe(
      'ESCO',
    );
    expect(
      frameworkOf({ targetFramework: 'Our Competency Framework', targetUrl: 'https://x.example/' }),
    ).toBe('PROVIDER');
    expect(frameworkOf({ targetFramework: '', targetUrl: 'https://x.example/' })).toBe('PROVIDER');
  });

  it('reads level from the EQF extension, effort from StudyLoad in the configured unit, language from its extension', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(levelOfEqf)).toEqual([
      'INTRODUCTORY',
      'INTRODUCTORY',
      'INTERMEDIATE',
      'INTERMEDIATE',
      'ADVANCED',
      'ADVANCED',
      'EXPERT',
      'EXPERT',
    ]);
    expect(levelOfEqf(null)).toBeNull();
    expect(studyLoadDuration(40, 'hours')).toBe('PT40H');
    expect(studyLoadDuration(1.5, 'hours')).toBe('PT1H30M');
    expect(studyLoadDuration(90, 'minutes')).toBe('PT1H30M');
    expect(studyLoadDuration(45, 'minutes')).toBe('PT45M');
    expect(studyLoadDuration(null, 'hours')).toBeNull();
    const spanish = byName('Fundamentos de Ciberseguridad');
    expect(record(spanish).languages).toEqual(['es']);
    expect(record(spanish, { studyLoadUnit: 'minutes' }).estimatedDuration).toBe('PT30M');
    const bare = byName('Responsible AI Practices');
    expect(record(bare)).toMatchObject({ level: null, estimatedDuration: null, languages: [] });
    expect(record({ ...bare, extensions: { 'extensions:EQFExtension': { EQF: 'nine' } } }).level).toBeNull();
  });

  it('maps sector tags only, and several when several are tagged', () => {
    expect(sectorsOf(['Healthcare', 'Technology', 'security', 'HIPAA'])).toEqual([
      'HEALTHCARE',
      'TECHNOLOGY',
    ]);
    expect(sectorsOf(['advanced-manufacturing', 'sector:Logistics', 'CNC'])).toEqual([
      'ADVANCED_MANUFACTURING',
      'LOGISTICS',
    ]);
    expect(sectorsOf(undefined)).toEqual([]);
  });

  it('keeps verified null when Badgr does not say, and leaves an unknown issuer nameless so the record is reported', () => {
    const unverified = sampleBadgeClasses.find(
      (badgeClass) => issuersById.get(badgeClass.issuer)?.verified === undefined,
    )!;
    expect(record(unverified).issuer.verified).toBeNull();
    const orphan = toCredentialRecord(sampleBadgeClasses[0]!, null, FETCHED_AT);
    expect(orphan.issuer.id).toBe(`badgr:issuer:${sampleBadgeClasses[0]!.issuer}`);
    expect(credentialRecordProblems(orphan)).toContain('issuer needs an id and a name');
  });

  it('builds raw details with extensions, expiry and links to aligned badge classes', () => {
    const pathway = byName('Patient Safety Champion Pathway');
    const details = toDetails(pathway, issuersById.get(pathway.issuer)!);
    expect(details.expires).toEqual({ amount: 1, duration: 'years' });
    expect(details.eqfLevel).toBe(5);
    expect(details.language).toBe('en_EN');
    expect(details.extensions.map((extension) => extension.name)).toEqual([
      'extensions:EQFExtension',
      'extensions:LanguageExtension',
    ]);
    expect(details.alignments.filter((alignment) => alignment.credential).map((a) => a.targetName)).toEqual([
      'Hand Hygiene Champion',
      'Safe Patient Handling and Mobility',
      'Sepsis Recognition and Early Response',
    ]);
    expect(toDetails(byName('Wound Care Basics'), null)).toMatchObject({ expires: null, issuer: null });
  });
});

describe('feed', () => {
  beforeEach(() => standin.resetCounts());

  const walkFeed = (client: BadgrClient, limit: number, updatedSince: string | null = null) =>
    readProviderFeed(badgrFeedPage, client, limit, updatedSince);

  it('walks every page and yields every sample badge class exactly once', async () => {
    await withClient(
      async (client) => {
        const { items, pages } = await walkFeed(client, 500);
        expect(pages).toBe(Math.ceil(sampleBadgeClasses.length / 10));
        expect(items.map((item) => item.id).sort()).toEqual(sampleCredentialIds);
        for (const item of items) expect(credentialRecordProblems(item)).toEqual([]);
        // One token and one issuer list serve the whole walk.
        expect(standin.requestCounts.get('POST /o/token')).toBe(1);
        expect(standin.requestCounts.get('GET /v2/issuers')).toBe(1);
      },
      { BADGR_PAGE_SIZE: '10' },
    );
  });

  it('asks Badgr only for badge classes changed since updatedSince', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    standin.touch(sampleIds[4]!);
    standin.touch(sampleIds[40]!);
    await withClient(async (client) => {
      const { items } = await walkFeed(client, 100, since);
      expect(items.map((item) => item.id).sort()).toEqual(
        [sampleIds[4]!, sampleIds[40]!].map((id) => `badgr:badgeclass:${id}`).sort(),
      );
    });
  });

  it('refuses cursors it did not issue and propagates upstream errors', async () => {
    await withClient(async (client) => {
      await expect(
        badgrFeedPage(client, { cursor: 'not-a-cursor', limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      const elsewhere = Buffer.from(
        JSON.stringify({ v: 1, next: 'https://evil.example/v2/badgeclasses/changed?cursor=x' }),
      ).toString('base64url');
      await expect(
        badgrFeedPage(client, { cursor: elsewhere, limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      const otherPath = Buffer.from(JSON.stringify({ v: 1, next: `${base}v2/issuers` })).toString(
        'base64url',
      );
      await expect(
        badgrFeedPage(client, { cursor: otherPath, limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });
    const error = await withClient(
      (client) => failure(badgrFeedPage(client, { cursor: null, limit: 10, updatedSince: null })),
      { BADGR_PASSWORD: WRONG_PASSWORD },
    );
    expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
  });
});

describe('live details', () => {
  beforeEach(() => standin.resetCounts());

  it('fetches each badge class once with bounded concurrency, in ref order, null for unknown ids', async () => {
    await withClient(async (client) => {
      const ids = [sampleIds[5]!, 'UnknownBadgeClass00000', sampleIds[6]!, sampleIds[5]!];
      const refs = ids.map((upstreamId) => ({ provider: 'badgr', kind: 'badgeclass', upstreamId }));
      const results = await loadBadgrDetails(client, [
        ...refs,
        { provider: 'badgr', kind: 'issuer', upstreamId: sampleIssuers[0]!.entityId },
      ]);
      expect(
        results.map((result) => (result && !(result instanceof Error) ? result.entityId : result)),
      ).toEqual([sampleIds[5], null, sampleIds[6], sampleIds[5], null]);
      expect(requestsTo('GET /v2/badgeclasses/')).toBe(3);
    });
  });
});

describe('subgraph', () => {
  let subgraph: RunningServer;

  beforeAll(async () => {
    subgraph = await startProviderSubgraph(badgrProvider, {
      env: { BADGR_BASE_URL: base, BADGR_PAGE_SIZE: '25' },
      port: 0,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
  });
  beforeEach(() => standin.resetCounts());

  interface Entity {
    id: string;
    badgr: {
      name: string;
      issuer: { name: string } | null;
      alignments: Array<{ targetName: string; credential: { id: string } | null }>;
      studyLoad: number | null;
    } | null;
  }

  const entities = (ids: string[]) =>
    resolveEntities<Entity>(
      subgraph.url,
      'badgr { name studyLoad issuer { name } alignments { targetName credential { id } } }',
      ids,
    );

  it('resolves live details for a batch, one badge class request each, with the issuer from one cached list', async () => {
    const badgeClasses = [sampleBadgeClasses[2]!, sampleBadgeClasses[30]!, sampleBadgeClasses[60]!];
    const result = await entities(
      badgeClasses.map((badgeClass) => `badgr:badgeclass:${badgeClass.entityId}`),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity.badgr?.name)).toEqual(
      badgeClasses.map((b) => b.name),
    );
    expect(result.data!._entities.map((entity) => entity.badgr?.issuer?.name)).toEqual(
      badgeClasses.map((b) => issuersById.get(b.issuer)!.name),
    );
    expect(requestsTo('GET /v2/badgeclasses/')).toBe(3);
    expect(standin.requestCounts.get('GET /v2/issuers') ?? 0).toBeLessThanOrEqual(1);
    expect(standin.requestCounts.get('POST /o/token') ?? 0).toBeLessThanOrEqual(1);
  });

  it('answers null, without error, for other providers and unknown badge classes, and links pathway parts', async () => {
    const pathway = sampleBadgeClasses.find(
      (badgeClass) => badgeClass.name === 'Smart Manufacturing Technician Pathway',
    )!;
    const result = await entities([
      'credly:template:cfaf2b1e-0000-4000-8000-000000000000',
      'badgr:badgeclass:NoSuchBadgeClass000000',
      `badgr:badgeclass:${pathway.entityId}`,
    ]);
    expect(result.errors).toBeUndefined();
    const [other, unknown, found] = result.data!._entities;
    expect(other!.badgr).toBeNull();
    expect(unknown!.badgr).toBeNull();
    expect(
      found!.badgr!.alignments.filter((alignment) => alignment.credential).map((a) => a.credential!.id),
    ).toEqual(relationsOf(pathway).map((relation) => relation.target));
  });

  it('reports a refused account as UPSTREAM_UNAUTHORIZED on the field, without the password', async () => {
    const refused = await startProviderSubgraph(badgrProvider, {
      env: { BADGR_BASE_URL: base, BADGR_PASSWORD: WRONG_PASSWORD },
      port: 0,
    });
    try {
      const { text, body } = await postEntities(refused.url, 'badgr { name }', [
        `badgr:badgeclass:${sampleIds[0]}`,
      ]);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(text).not.toContain(WRONG_PASSWORD);
    } finally {
      await refused.close();
    }
  });

  it('serves the feed over HTTP, every badge class once, and answers 502 for a malformed upstream', async () => {
    const feed = await readWholeFeed(subgraph.url);
    expect(feed.status).toBe(200);
    expect(feed.rejected).toEqual([]);
    expect(feed.items.map((item) => item.id).sort()).toEqual(sampleCredentialIds);

    standin.injectFault({ pathIncludes: '/v2/badgeclasses/changed', rawBody: '{"status": {"success": tru' });
    const broken = await getFeedPage(subgraph.url);
    expect(broken.status).toBe(502);
    expect(broken.body.error?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect((await getFeedPage(subgraph.url, { cursor: 'bogus' })).status).toBe(400);
  });
});
