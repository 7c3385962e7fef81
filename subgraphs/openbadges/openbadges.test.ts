import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CredentialRecord, credentialRecordProblems } from '../../schema/index.js';
import {
  encodeCursor,
  InvalidCursorError,
  type RunningServer,
  type RunningStandin,
  readProjectJson,
  startProviderSubgraph,
  UpstreamError,
} from '../kit/index.js';
import {
  getFeedPage,
  readProviderFeed,
  readWholeFeed,
  resolveEntities,
  SKILL_LABEL_VARIANTS,
} from '../kit/testing.js';
import { OpenBadgesClient } from './client.js';
import { readConfig } from './config.js';
import { toDetails } from './details.js';
import { achievementCredentialId, decodeUpstreamId, hostPath } from './ids.js';
import { openbadges } from './index.js';
import {
  credentialTypeOf,
  frameworkOf,
  identifiersOf,
  relationsOf,
  resolveCreator,
  sectorsOf,
  skillsOf,
  toCredentialRecord,
} from './mapping.js';
import { openBadgesFeedPage, openBadgesProvider } from './provider.js';
import { imsxError, startOpenBadgesStandin } from './standin/server.js';
import type {
  AchievementsPage,
  GetOpenBadgeCredentialsResponse,
  ImsxStatusInfo,
  ObAchievement,
  ObAlignment,
  ObProfile,
  OpenBadgeCredential,
  ServiceDescriptionDocument,
} from './upstream.js';

const DATA = 'subgraphs/openbadges/standin/data';
const sampleIssuers = readProjectJson<ObProfile[]>(`${DATA}/issuers.json`);
const sampleAchievements = readProjectJson<ObAchievement[]>(`${DATA}/achievements.json`);
const sampleCredentials = readProjectJson<OpenBadgeCredential[]>(`${DATA}/credentials.json`);
/** The feed ids the data files call for, spelled out here rather than taken from the adapter. */
const expectedIds = sampleAchievements
  .map((a) => `openbadges:achievement:${encodeURIComponent(a.id)}`)
  .sort();
const issuersById = new Map(sampleIssuers.map((issuer) => [issuer.id, issuer]));
const creatorOf = (a: ObAchievement) => (typeof a.creator === 'string' ? a.creator : a.creator!.id);
const achievementsOf = (issuerId: string) => sampleAchievements.filter((a) => creatorOf(a) === issuerId);
const bySlug = (slug: string) => sampleAchievements.find((a) => a.id.endsWith(`/achievements/${slug}`))!;
const FETCHED_AT = '2026-02-01T10:00:00.000Z';
const TOKEN = 'openbadges-test-token';

let standin: RunningStandin;
let base: string;

beforeAll(async () => {
  standin = await startOpenBadgesStandin({ token: TOKEN });
  base = `${standin.origin}/`;
});
afterAll(async () => {
  await standin?.close();
});

async function get<T>(
  path: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(new URL(path, base), { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

function clientFor(baseUrl: string, env: Record<string, string> = {}): OpenBadgesClient {
  return new OpenBadgesClient(
    readConfig({ OPENBADGES_BASE_URL: baseUrl, OPENBADGES_API_TOKEN: TOKEN, ...env }),
  );
}

/** `<url>; rel="name"` entries of a Link header, by rel. */
function links(header: string | null): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (match) result[match[2]!] = match[1]!;
  }
  return result;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as UpstreamError,
  );

describe('sample data', () => {
  it('covers the catalog the brief asks for', () => {
    expect(sampleIssuers.length).toBeGreaterThanOrEqual(5);
    expect(sampleAchievements.length).toBeGreaterThanOrEqual(65);
    expect(new Set(sampleAchievements.map((a) => a.id)).size).toBe(sampleAchievements.length);
    for (const achievement of sampleAchievements) {
      expect(issuersById.has(creatorOf(achievement)), achievement.id).toBe(true);
      expect(achievement.id).toMatch(/^https:\/\/[a-z.-]+\.example\/achievements\//);
      for (const related of achievement.related ?? []) {
        expect(
          sampleAchievements.some((a) => a.id === related.id),
          related.id,
        ).toBe(true);
      }
    }
    const text = (a: ObAchievement) => `${a.name} ${a.description} ${(a.tag ?? []).join(' ')}`;
    expect(sampleAchievements.filter((a) => /security/i.test(text(a))).length).toBeGreaterThanOrEqual(8);
    const fields = sampleAchievements.map((a) => a.fieldOfStudy ?? '');
    expect(
      fields.filter((f) => /cyber|software|computer|information|cloud|data/i.test(f)).length,
    ).toBeGreaterThan(15);
    expect(fields.filter((f) => /health|nurs|medic|patient|infection|pharm/i.test(f)).length).toBeGreaterThan(
      15,
    );
    expect(
      fields.filter((f) => /machin|manufactur|weld|mechatronic|industrial/i.test(f)).length,
    ).toBeGreaterThan(15);
    const stacks = sampleAchievements.filter((a) => (a.related ?? []).some((r) => !r.inLanguage));
    expect(stacks.length).toBeGreaterThanOrEqual(4);
    const ctids = sampleAchievements.filter((a) =>
      (a.alignment ?? []).some((al) =>
        al.targetUrl.startsWith('https://credentialengineregistry.org/resources/ce-'),
      ),
    );
    expect(ctids.length).toBeGreaterThanOrEqual(3);
    const labels = new Set(sampleAchievements.flatMap((a) => (a.alignment ?? []).map((al) => al.targetName)));
    // Open Badges alignments add a variant in case only.
    for (const label of [...SKILL_LABEL_VARIANTS, 'Patient care']) expect(labels, label).toContain(label);
    expect(new Set(sampleAchievements.map((a) => a.inLanguage))).toEqual(new Set(['en', 'es', undefined]));
    expect(sampleCredentials.length).toBeGreaterThan(0);
  });
});

describe('stand-in (OB 3.0 host)', () => {
  it('serves the Service Description Document without a token, listing its issuers', async () => {
    const { status, body } = await get<ServiceDescriptionDocument>('ims/ob/v3p0/discovery', {});
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.0.1');
    expect(body.info['x-imssf-privacyPolicyUrl']).toMatch(/^https:\/\//);
    expect(body.servers?.[0]?.url).toBe(`${standin.origin}/ims/ob/v3p0`);
    expect(body.components?.securitySchemes?.OAuth2ACG).toMatchObject({ type: 'oauth2' });
    expect(body['x-issuer-profiles']).toEqual(sampleIssuers.map((issuer) => issuer.id));
  });

  it('refuses a missing or wrong bearer token with 401 and an Imsx_StatusInfo body', async () => {
    const expected: ImsxStatusInfo = {
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: expect.any(String),
      imsx_codeMinor: {
        imsx_codeMinorField: [
          { imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: 'unauthorisedrequest' },
        ],
      },
    };
    const paths = [
      'issuers/northbridge-tech',
      'issuers/northbridge-tech/achievements',
      'achievements/nbt-cybersecurity-fundamentals',
      'ims/ob/v3p0/credentials',
    ];
    for (const path of paths) {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer wrong' },
        { authorization: `Basic ${TOKEN}` },
      ];
      for (const headers of attempts) {
        const answer = await get<ImsxStatusInfo>(path, headers);
        expect(answer.status, path).toBe(401);
        expect(answer.body).toEqual(expected);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
  });

  it('serves issuer Profiles and Achievements as OB 3.0 JSON-LD at their id paths', async () => {
    const issuer = sampleIssuers[2]!;
    const profile = await get<ObProfile & { '@context': string[] }>(hostPath(issuer.id, 'issuers')!);
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual(issuer);
    expect(profile.body['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    expect(profile.body.type).toContain('Profile');
    const achievement = bySlug('soa-certified-soc-analyst');
    const served = await get<ObAchievement>(hostPath(achievement.id, 'achievements')!);
    expect(served.body).toEqual(achievement);
    expect(served.body.type).toContain('Achievement');
  });

  it('pages an issuer listing with X-Total-Count and Link headers, every achievement exactly once', async () => {
    let seen: string[] = [];
    for (const issuer of sampleIssuers) {
      const offered = achievementsOf(issuer.id);
      let next: string | undefined = new URL(`${hostPath(issuer.id, 'issuers')}/achievements?limit=4`, base)
        .href;
      let pages = 0;
      const ids: string[] = [];
      while (next) {
        const page: { status: number; headers: Headers; body: AchievementsPage } =
          await get<AchievementsPage>(next);
        expect(page.status).toBe(200);
        expect(page.headers.get('x-total-count')).toBe(String(offered.length));
        const rels = links(page.headers.get('link'));
        expect(rels.first).toContain('offset=0');
        expect(rels.last).toContain(`offset=${Math.floor((offered.length - 1) / 4) * 4}`);
        if (pages > 0) expect(rels.prev).toBeDefined();
        else expect(rels.prev).toBeUndefined();
        ids.push(...page.body.achievement.map((a) => a.id));
        next = rels.next;
        pages += 1;
      }
      expect(pages).toBe(Math.ceil(offered.length / 4));
      expect(ids).toEqual(offered.map((a) => a.id));
      seen = seen.concat(ids);
    }
    expect(seen.sort()).toEqual(sampleAchievements.map((a) => a.id).sort());
  });

  it('serves getCredentials in its envelope, paged and filtered by since', async () => {
    const all = await get<GetOpenBadgeCredentialsResponse>('ims/ob/v3p0/credentials?limit=2');
    expect(all.status).toBe(200);
    expect(all.body.credential).toHaveLength(2);
    expect(all.body.compactJwsString).toEqual([]);
    expect(all.headers.get('x-total-count')).toBe(String(sampleCredentials.length));
    expect(links(all.headers.get('link')).next).toContain('offset=2');
    for (const credential of all.body.credential ?? []) {
      expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(credential.credentialSubject.achievement.type).toContain('Achievement');
    }
    const recent = await get<GetOpenBadgeCredentialsResponse>(
      'ims/ob/v3p0/credentials?since=2025-06-01T00:00:00Z',
    );
    expect(recent.body.credential?.map((c) => c.id)).toEqual(
      sampleCredentials.filter((c) => c.awardedDate! > '2025-06-01').map((c) => c.id),
    );
    expect((await get('ims/ob/v3p0/credentials?since=yesterday')).status).toBe(400);
  });

  it('answers unknown resources, bad paging and other methods with Imsx errors', async () => {
    const missing = await get<ImsxStatusInfo>('achievements/no-such-achievement');
    expect(missing.status).toBe(404);
    expect(missing.body.imsx_codeMinor?.imsx_codeMinorField[0]?.imsx_codeMinorFieldValue).toBe(
      'unknownobject',
    );
    expect((await get('issuers/no-such-issuer/achievements')).status).toBe(404);
    expect((await get('issuers/northbridge-tech/achievements?limit=101')).status).toBe(400);
    expect((await get('issuers/northbridge-tech/achievements?offset=-1')).status).toBe(400);
    const post = await fetch(new URL('issuers/northbridge-tech', base), { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('rate-limits with 429, Retry-After and an Imsx body when asked to', async () => {
    const limited = await startOpenBadgesStandin({ token: TOKEN, rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const url = `${limited.origin}/ims/ob/v3p0/discovery`;
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url)).status).toBe(200);
      const refused = await fetch(url);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await refused.json()) as ImsxStatusInfo;
      expect(body.imsx_codeMinor?.imsx_codeMinorField[0]?.imsx_codeMinorFieldValue).toBe('server_busy');
    } finally {
      await limited.close();
    }
  });
});

describe('ids', () => {
  it('percent-encodes the OB id reversibly, and locates resources on the configured host', () => {
    const id = 'https://badges.lumenhub.example/achievements/nbt-cloud-iam';
    const credentialId = achievementCredentialId(id);
    expect(credentialId).toBe(
      'openbadges:achievement:https%3A%2F%2Fbadges.lumenhub.example%2Fachievements%2Fnbt-cloud-iam',
    );
    expect(decodeUpstreamId(credentialId.slice('openbadges:achievement:'.length))).toBe(id);
    expect(decodeUpstreamId('https://not-encoded.example/x')).toBeNull();
    expect(decodeUpstreamId('%E0%A4%A')).toBeNull();
    expect(hostPath(id, 'achievements')).toBe('achievements/nbt-cloud-iam');
    expect(hostPath('https://host.example/ob/v1/achievements/a%20b', 'achievements')).toBe(
      'achievements/a%20b',
    );
    expect(hostPath(id, 'issuers')).toBeNull();
    expect(hostPath('urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002', 'achievements')).toBeNull();
  });
});

describe('mapping', () => {
  const resolve = (a: ObAchievement) => resolveCreator(a, issuersById);

  it('maps every sample achievement into a valid common record', () => {
    for (const achievement of sampleAchievements) {
      const record = toCredentialRecord(achievement, resolve(achievement), FETCHED_AT);
      expect(credentialRecordProblems(record), achievement.id).toEqual([]);
      expect(record.sectors.length, achievement.id).toBeGreaterThan(0);
      expect(record.sectors).not.toContain('OTHER');
    }
  });

  it('maps a stacked certification field by field', () => {
    const achievement = bySlug('soa-certified-soc-analyst');
    const issuer = issuersById.get(creatorOf(achievement))!;
    const partId = (slug: string) =>
      `openbadges:achievement:${encodeURIComponent(`https://badges.lumenhub.example/achievements/${slug}`)}`;
    const ctid = achievement
      .alignment!.find((al) => al.targetType === 'ceterms:Credential')!
      .targetUrl.split('/')
      .pop();
    expect(toCredentialRecord(achievement, resolve(achievement), FETCHED_AT)).toEqual<CredentialRecord>({
      id: `openbadges:achievement:${encodeURIComponent(achievement.id)}`,
      name: 'Certified Security Operations Analyst',
      description: achievement.description,
      credentialType: 'CERTIFICATION',
      sourceTypes: ['Achievement', 'Certification'],
      issuer: {
        id: `openbadges:issuer:${encodeURIComponent(issuer.id)}`,
        name: 'SecureOps Academy',
        url: 'https://secureops-academy.example/',
        verified: null,
      },
      provider: 'openbadges',
      url: 'https://secureops-academy.example/credentials/soa-certified-soc-analyst',
      image: 'https://badges.lumenhub.example/images/soa-certified-soc-analyst.png',
      skills: [
        {
          label: 'Cyber Security',
          framework: 'PROVIDER',
          code: null,
          url: 'https://secureops-academy.example/skills/cyber-security',
        },
        {
          label: 'Security Operations',
          framework: 'PROVIDER',
          code: null,
          url: 'https://secureops-academy.example/skills/security-operations',
        },
        {
          label: 'Public Safety and Security',
          framework: 'ONET',
          code: '2.C.8.a',
          url: 'https://www.onetcenter.org/ctdlasn/resources/ce-07c28f17-9119-11e8-b852-782bcb5df6ac',
        },
      ],
      sectors: ['TECHNOLOGY'],
      level: null,
      estimatedDuration: null,
      cost: null,
      deliveryMode: null,
      languages: ['en'],
      updatedAt: FETCHED_AT,
      provenance: {
        provider: 'openbadges',
        upstreamId: achievement.id,
        url: achievement.id,
        fetchedAt: FETCHED_AT,
        raw: achievement,
      },
      relations: [
        { type: 'HAS_PART', target: partId('soa-threat-detection'), order: null },
        { type: 'HAS_PART', target: partId('soa-incident-response'), order: null },
        { type: 'HAS_PART', target: partId('soa-siem-log-analysis'), order: null },
        { type: 'HAS_PART', target: partId('soa-network-security-monitoring'), order: null },
      ],
      identifiers: [
        { scheme: 'OB_ACHIEVEMENT', value: achievement.id },
        { scheme: 'CTID', value: ctid! },
      ],
    });
  });

  it('maps achievementType by the documented table, keeping the raw value', () => {
    expect(credentialTypeOf('MicroCredential')).toBe('MICRO_CREDENTIAL');
    expect(credentialTypeOf('Badge')).toBe('BADGE');
    expect(credentialTypeOf('LearningProgram')).toBe('LEARNING_PROGRAM');
    expect(credentialTypeOf('JourneymanCertificate')).toBe('APPRENTICESHIP_CERTIFICATE');
    expect(credentialTypeOf('BachelorDegree')).toBe('DEGREE');
    expect(credentialTypeOf(undefined)).toBe('OPEN_BADGE');
    expect(credentialTypeOf('Achievement')).toBe('OPEN_BADGE');
    expect(credentialTypeOf('ext:AwarenessBadge')).toBe('OTHER');
    expect(credentialTypeOf('Award')).toBe('OTHER');
    const unstated = bySlug('hrhs-patient-safety-champion');
    const record = toCredentialRecord(unstated, resolve(unstated), FETCHED_AT);
    expect(record.credentialType).toBe('OPEN_BADGE');
    expect(record.sourceTypes).toEqual(['Achievement']);
    expect(record.languages).toEqual([]);
  });

  it('derives sectors from fieldOfStudy', () => {
    expect(sectorsOf('Health Information Security')).toEqual(['TECHNOLOGY', 'HEALTHCARE']);
    expect(sectorsOf('Industrial Automation Security')).toEqual(['TECHNOLOGY', 'ADVANCED_MANUFACTURING']);
    expect(sectorsOf('Machining')).toEqual(['ADVANCED_MANUFACTURING']);
    expect(sectorsOf('Nursing')).toEqual(['HEALTHCARE']);
    expect(sectorsOf('Medieval Literature')).toEqual(['OTHER']);
    expect(sectorsOf('Health IT')).toEqual(['TECHNOLOGY', 'HEALTHCARE']);
    expect(sectorsOf('Make it Work')).toEqual(['OTHER']);
    expect(sectorsOf(undefined)).toEqual([]);
  });

  it('maps competency alignments to skills with their framework, code and url', () => {
    const align = (fields: Partial<ObAlignment>): ObAlignment => ({
      type: ['Alignment'],
      targetType: 'ceasn:Competency',
      targetName: 'x',
      targetUrl: 'https://skills.example/x',
      ...fields,
    });
    expect(frameworkOf(align({ targetFramework: 'ESCO' }))).toBe('ESCO');
    expect(frameworkOf(align({ targetUrl: 'http://data.europa.eu/esco/skill/21d2f96d' }))).toBe('ESCO');
    expect(frameworkOf(align({ targetFramework: 'O*NET Content Model - Knowledge' }))).toBe('ONET');
    expect(frameworkOf(align({ targetFramework: 'ONET' }))).toBe('ONET');
    expect(frameworkOf(align({ targetFramework: 'Phonetics Skills' }))).toBe('PROVIDER');
    expect(frameworkOf(align({ targetFramework: 'Lightcast Open Skills' }))).toBe('LIGHTCAST');
    expect(
      frameworkOf(
        align({
          targetUrl: 'https://credentialengineregistry.org/resources/ce-0f9b6d1c-0000-4000-8000-000000000000',
        }),
      ),
    ).toBe('CTDL_ASN');
    expect(frameworkOf(align({ targetFramework: 'Acme Skills' }))).toBe('PROVIDER');
    const skills = skillsOf([
      align({ targetName: ' Data Analysis ', targetCode: 'DA-1' }),
      align({ targetName: 'Data Analysis' }),
      align({ targetName: 'Teamwork', targetType: 'CFItem' }),
      align({ targetName: 'Some credential', targetType: 'ceterms:Credential' }),
      align({ targetName: 'Untyped', targetType: undefined }),
    ]);
    expect(skills).toEqual([
      { label: 'Data Analysis', framework: 'PROVIDER', code: 'DA-1', url: 'https://skills.example/x' },
    ]);
    const python = toCredentialRecord(bySlug('nbt-python-programming'), null, FETCHED_AT);
    expect(python.skills).toEqual([
      {
        label: 'Python (Programming Language)',
        framework: 'PROVIDER',
        code: null,
        url: 'https://www.northbridge-tech.example/skills/python-programming-language',
      },
      {
        label: 'computer programming',
        framework: 'ESCO',
        code: null,
        url: 'http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97',
      },
    ]);
  });

  it('takes CTIDs only from credential alignments into the Credential Engine Registry', () => {
    const phlebotomy = bySlug('cchs-phlebotomy-technician');
    expect(phlebotomy.alignment!.some((al) => al.targetType === 'CTDL')).toBe(true);
    expect(identifiersOf(phlebotomy).map((identifier) => identifier.scheme)).toEqual([
      'OB_ACHIEVEMENT',
      'CTID',
    ]);
    const medicalAssistant = bySlug('rcc-medical-assistant');
    expect(medicalAssistant.alignment!.some((al) => al.targetType === 'ceterms:Credential')).toBe(true);
    expect(identifiersOf(medicalAssistant)).toEqual([
      { scheme: 'OB_ACHIEVEMENT', value: medicalAssistant.id },
    ]);
    for (const achievement of sampleAchievements) {
      for (const identifier of identifiersOf(achievement).filter((i) => i.scheme === 'CTID')) {
        expect(identifier.value).toMatch(/^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    }
  });

  it('reads related entries with a language or version as editions, the others as parts', () => {
    const english = bySlug('rcc-cnc-basics');
    expect(relationsOf(english)).toEqual([
      { type: 'RELATED', target: achievementCredentialId(bySlug('rcc-cnc-basics-es').id), order: null },
    ]);
    const achievement: ObAchievement = {
      ...bySlug('mamc-cnc-machinist-level-1'),
      related: [
        { id: bySlug('mamc-cnc-machinist-level-1').id },
        { id: 'https://badges.lumenhub.example/achievements/old', version: '1.0' },
        { id: 'https://badges.lumenhub.example/achievements/part' },
        { id: 'https://badges.lumenhub.example/achievements/part', type: ['Related'] },
      ],
    };
    expect(relationsOf(achievement).map((relation) => relation.type)).toEqual(['RELATED', 'HAS_PART']);
  });

  it('drops data: images, reads @language, and leaves an unknown creator nameless so the record is reported', () => {
    const pharmacy = bySlug('rcc-pharmacy-technician');
    expect(String((pharmacy.image as { id: string }).id)).toMatch(/^data:/);
    expect(toCredentialRecord(pharmacy, resolve(pharmacy), FETCHED_AT).image).toBeNull();
    const { inLanguage: _dropped, ...rest } = bySlug('rcc-cnc-basics-es');
    expect(toCredentialRecord({ ...rest, '@language': 'es' }, null, FETCHED_AT).languages).toEqual(['es']);
    const orphan = { ...bySlug('nbt-cloud-iam'), creator: 'https://badges.lumenhub.example/issuers/gone' };
    const record = toCredentialRecord(orphan, resolveCreator(orphan, issuersById), FETCHED_AT);
    expect(record.issuer.id).toBe(
      `openbadges:issuer:${encodeURIComponent('https://badges.lumenhub.example/issuers/gone')}`,
    );
    expect(credentialRecordProblems(record)).toContain('issuer needs an id and a name');
  });

  it('builds raw details with the creator Profile and the document as served', () => {
    const achievement = bySlug('cchs-infection-prevention-certificate');
    const details = toDetails(achievement, resolve(achievement));
    expect(details.creator).toMatchObject({
      name: 'Cascade College of Health Sciences',
      parentOrg: { name: 'Cascade State University System' },
    });
    expect(details.related.map((related) => related.id)).toEqual(achievement.related!.map((r) => r.id));
    expect(JSON.parse(details.document)).toEqual(achievement);
    expect(toDetails({ ...achievement, creator: 'https://x.example/issuers/y' }, null).creator).toMatchObject(
      {
        id: 'https://x.example/issuers/y',
        name: null,
      },
    );
  });
});

describe('client', () => {
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  it('maps a refused token to UPSTREAM_UNAUTHORIZED naming the setting, never the token', async () => {
    const secret = 'sup3r-s3cret-ob-token';
    const client = clientFor(base, { OPENBADGES_API_TOKEN: secret });
    try {
      const error = await failure(client.getProfile(sampleIssuers[0]!.id));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(error.message).toContain('OPENBADGES_API_TOKEN');
      expect(error.message).not.toContain(secret);
    } finally {
      await client.close();
    }
  });

  it('retries a 5xx and succeeds', async () => {
    const client = clientFor(base);
    try {
      standin.injectFault({
        pathIncludes: '/achievements/',
        status: 503,
        body: imsxError(503, 'server_busy', 'x').body,
        times: 2,
      });
      const achievement = await client.getAchievement(sampleAchievements[0]!.id);
      expect(achievement?.id).toBe(sampleAchievements[0]!.id);
      expect(standin.requestCounts.get(`GET /${hostPath(sampleAchievements[0]!.id, 'achievements')}`)).toBe(
        3,
      );
    } finally {
      await client.close();
    }
  });

  it('waits out a 429 with Retry-After and succeeds', async () => {
    const client = clientFor(base);
    try {
      standin.injectFault({
        pathIncludes: '/achievements',
        status: 429,
        headers: { 'retry-after': '1' },
        body: imsxError(429, 'server_busy', 'Too many requests').body,
      });
      const started = Date.now();
      const page = await client.listAchievements(sampleIssuers[0]!.id, { offset: 0, limit: 5 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(page.achievements).toHaveLength(5);
    } finally {
      await client.close();
    }
  });

  it('gets through a host that rate-limits, honouring its Retry-After', async () => {
    const limited = await startOpenBadgesStandin({ token: TOKEN, rateLimit: { limit: 2, windowMs: 1_000 } });
    const client = clientFor(`${limited.origin}/`);
    try {
      const profiles = await client.getProfiles(sampleIssuers.slice(0, 3).map((issuer) => issuer.id));
      expect(profiles.size).toBe(3);
      expect(limited.totalRequests()).toBeGreaterThan(3);
    } finally {
      await client.close();
      await limited.close();
    }
  });

  it('answers null for achievements the host does not know or cannot be asked for', async () => {
    const client = clientFor(base);
    try {
      expect(await client.getAchievement('https://badges.lumenhub.example/achievements/nope')).toBeNull();
      expect(await client.getAchievement('urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002')).toBeNull();
      expect(await client.getProfile('did:web:issuer.example')).toBeNull();
    } finally {
      await client.close();
    }
  });

  it('reports a resource served under the wrong id as a bad response', async () => {
    const client = clientFor(base);
    try {
      const elsewhere = 'https://mirror.example/achievements/nbt-cloud-iam';
      expect((await failure(client.getAchievement(elsewhere))).code).toBe('UPSTREAM_BAD_RESPONSE');
    } finally {
      await client.close();
    }
  });

  it('reads getCredentials', async () => {
    const client = clientFor(base);
    try {
      const response = await client.getCredentials({ offset: 0, limit: 10, since: '2025-01-01T00:00:00Z' });
      expect(response.credential?.map((c) => c.id)).toEqual(sampleCredentials.map((c) => c.id));
    } finally {
      await client.close();
    }
  });

  it('rejects config that is out of range, naming the variable', () => {
    expect(() => readConfig({ OPENBADGES_PAGE_SIZE: '500' })).toThrow(/OPENBADGES_PAGE_SIZE/);
    expect(() => readConfig({ OPENBADGES_BASE_URL: 'ftp://example.org/' })).toThrow(/OPENBADGES_BASE_URL/);
    expect(() => readConfig({ OPENBADGES_ISSUER_URLS: 'https://host.example/people/1' })).toThrow(
      /OPENBADGES_ISSUER_URLS/,
    );
    const defaults = readConfig({});
    expect(defaults.baseUrl).toBe('http://127.0.0.1:4104/');
    expect(defaults.apiToken).toBe('credgraph-demo-openbadges-token');
    expect(defaults.issuerUrls).toEqual([]);
  });
});

describe('feed', () => {
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  const walkFeed = (client: OpenBadgesClient, limit: number) =>
    readProviderFeed(openBadgesFeedPage, client, limit);

  it('reads a host that sends no paging headers to each issuer’s first empty page, missing nothing', async () => {
    const bare = await startOpenBadgesStandin({ token: TOKEN, pagingHeaders: false });
    const pageSize = 5;
    const client = clientFor(`${bare.origin}/`, { OPENBADGES_PAGE_SIZE: String(pageSize) });
    try {
      const { items } = await walkFeed(client, 500);
      expect(items.map((item) => item.id).sort()).toEqual(expectedIds);
      for (const issuer of sampleIssuers) {
        const count = achievementsOf(issuer.id).length;
        expect(bare.requestCounts.get(`GET /${hostPath(issuer.id, 'issuers')}/achievements`)).toBe(
          Math.ceil(count / pageSize) + 1,
        );
      }
    } finally {
      await client.close();
      await bare.close();
    }
  });

  it('walks every issuer to its last page, every sample achievement exactly once', async () => {
    const pageSize = 5;
    const client = clientFor(base, { OPENBADGES_PAGE_SIZE: String(pageSize) });
    try {
      const { items } = await walkFeed(client, 500);
      expect(items.map((item) => item.id).sort()).toEqual(expectedIds);
      for (const item of items) expect(credentialRecordProblems(item), item.id).toEqual([]);
      // Each issuer's listing is read to the page whose Link header names no next page, and not one page further.
      for (const issuer of sampleIssuers) {
        const count = achievementsOf(issuer.id).length;
        expect(standin.requestCounts.get(`GET /${hostPath(issuer.id, 'issuers')}/achievements`)).toBe(
          Math.max(1, Math.ceil(count / pageSize)),
        );
      }
      const ids = new Set(items.map((item) => item.id));
      for (const item of items) {
        for (const relation of item.relations ?? []) expect(ids, relation.target).toContain(relation.target);
        expect(item.issuer.name).not.toBe('');
      }
      const stacked = items.filter((item) =>
        item.relations?.some((relation) => relation.type === 'HAS_PART'),
      );
      expect(stacked.map((item) => item.name).sort()).toEqual([
        'CNC Machinist Level I',
        'Certified Security Operations Analyst',
        'Clinical Patient Safety Certificate',
        'Cloud Security Learning Program',
        'Infection Prevention Certificate',
        'Mechatronics Technician Certificate',
      ]);
      expect(items.filter((item) => item.identifiers?.some((i) => i.scheme === 'CTID')).length).toBe(6);
    } finally {
      await client.close();
    }
  });

  it('harvests only OPENBADGES_ISSUER_URLS when set, without reading discovery', async () => {
    const chosen = [sampleIssuers[4]!.id, sampleIssuers[1]!.id];
    const client = clientFor(base, { OPENBADGES_ISSUER_URLS: chosen.join(',') });
    try {
      const { items } = await walkFeed(client, 100);
      expect(items.map((item) => item.provenance.upstreamId)).toEqual(
        chosen.flatMap((issuer) => achievementsOf(issuer).map((a) => a.id)),
      );
      expect(standin.requestCounts.get('GET /ims/ob/v3p0/discovery')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('refuses cursors it did not issue, and an issuer that left the host mid-harvest', async () => {
    const client = clientFor(base);
    try {
      await expect(openBadgesFeedPage(client, { cursor: 'not-a-cursor', limit: 10 })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      const foreign = encodeCursor({ start: 3 });
      await expect(openBadgesFeedPage(client, { cursor: foreign, limit: 10 })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      const gone = encodeCursor({ issuer: 'https://badges.lumenhub.example/issuers/gone', offset: 5 });
      await expect(openBadgesFeedPage(client, { cursor: gone, limit: 10 })).rejects.toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE',
      });
    } finally {
      await client.close();
    }
  });

  it('propagates a refused token and a malformed answer as upstream errors', async () => {
    const wrongToken = clientFor(base, { OPENBADGES_API_TOKEN: 'wrong' });
    const client = clientFor(base);
    try {
      await expect(openBadgesFeedPage(wrongToken, { cursor: null, limit: 10 })).rejects.toMatchObject({
        code: 'UPSTREAM_UNAUTHORIZED',
      });
      standin.injectFault({ pathIncludes: '/achievements', rawBody: '{"achievement": [' });
      const garbled = await failure(openBadgesFeedPage(client, { cursor: null, limit: 10 }));
      expect(garbled.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(garbled.message).toMatch(/not JSON/);
      standin.injectFault({ pathIncludes: '/achievements', status: 200, body: { achievements: [] } });
      const misshapen = await failure(openBadgesFeedPage(client, { cursor: null, limit: 10 }));
      expect(misshapen.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(misshapen.message).toMatch(/"achievement" array/);
    } finally {
      await wrongToken.close();
      await client.close();
    }
  });
});

describe('subgraph', () => {
  let subgraph: RunningServer;

  beforeAll(async () => {
    subgraph = await startProviderSubgraph(openBadgesProvider, {
      env: { OPENBADGES_BASE_URL: base, OPENBADGES_API_TOKEN: TOKEN, OPENBADGES_PAGE_SIZE: '20' },
      port: 0,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
  });
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  interface Entity {
    id: string;
    openbadges: {
      name: string;
      achievementType: string | null;
      creator: { name: string | null; url: string | null } | null;
      alignments: Array<{ targetName: string }>;
    } | null;
  }

  const entities = (ids: string[]) =>
    resolveEntities<Entity>(
      subgraph.url,
      'openbadges { name achievementType creator { name url } alignments { targetName } }',
      ids,
    );

  it('resolves live details with one request per achievement and per distinct creator', async () => {
    const chosen = [
      bySlug('nbt-cloud-security-program'),
      bySlug('nbt-cloud-iam'),
      bySlug('mamc-gmaw-welding'),
    ];
    expect(chosen.some((a) => typeof a.creator === 'string')).toBe(true);
    const result = await entities(chosen.map((a) => achievementCredentialId(a.id)));
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual(
      chosen.map((a) => {
        const issuer = issuersById.get(creatorOf(a))!;
        return {
          id: achievementCredentialId(a.id),
          openbadges: {
            name: a.name,
            achievementType: a.achievementType ?? null,
            creator: { name: issuer.name, url: issuer.url },
            alignments: (a.alignment ?? []).map((al) => ({ targetName: al.targetName })),
          },
        };
      }),
    );
    for (const a of chosen)
      expect(standin.requestCounts.get(`GET /${hostPath(a.id, 'achievements')}`)).toBe(1);
    const creators = new Set(chosen.map(creatorOf));
    for (const creator of creators)
      expect(standin.requestCounts.get(`GET /${hostPath(creator, 'issuers')}`)).toBe(1);
    expect(standin.totalRequests()).toBe(chosen.length + creators.size);
  });

  it('answers null, without error, for other providers, unknown achievements and ids it did not issue', async () => {
    const result = await entities([
      'credly:template:cfaf2b1e-0000-4000-8000-000000000000',
      achievementCredentialId('https://badges.lumenhub.example/achievements/no-such-achievement'),
      'openbadges:achievement:not%2encoded%ZZ',
      'openbadges:issuer:https%3A%2F%2Fbadges.lumenhub.example%2Fissuers%2Fmamc',
      achievementCredentialId(sampleAchievements[0]!.id),
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity.openbadges?.name ?? null)).toEqual([
      null,
      null,
      null,
      null,
      sampleAchievements[0]!.name,
    ]);
  });

  it('fails only the achievement whose fetch fails, with the stable code', async () => {
    const [broken, fine] = [sampleAchievements[10]!, sampleAchievements[11]!];
    standin.injectFault({ pathIncludes: hostPath(broken.id, 'achievements')!, status: 500, times: 3 });
    const result = await entities([achievementCredentialId(broken.id), achievementCredentialId(fine.id)]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(result.data!._entities.map((entity) => entity.openbadges?.name ?? null)).toEqual([
      null,
      fine.name,
    ]);
  });

  it('serves the feed over HTTP, and answers 502 with the code when the upstream sends garbage', async () => {
    const feed = await readWholeFeed(subgraph.url);
    expect(feed.status).toBe(200);
    expect(feed.rejected).toEqual([]);
    expect(feed.items.map((item) => item.id).sort()).toEqual(expectedIds);
    expect((await getFeedPage(subgraph.url, { cursor: 'bogus' })).status).toBe(400);

    standin.injectFault({ pathIncludes: '/achievements', rawBody: '<html>maintenance</html>' });
    const broken = await getFeedPage(subgraph.url);
    expect(broken.status).toBe(502);
    expect(broken.body.error?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(broken.body.error?.message).not.toContain(TOKEN);
  });
});

describe('one-command start', () => {
  it('runs against its stand-in with the demo token and no other setting', async () => {
    const local = await openbadges.startStandin();
    const subgraph = await startProviderSubgraph(openbadges.provider, {
      env: { [openbadges.baseUrlSetting]: local.baseUrl },
      port: 0,
    });
    try {
      const page = await getFeedPage(subgraph.url, { limit: '3' });
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(3);
      expect(page.body.nextCursor).not.toBeNull();
    } finally {
      await subgraph.close();
      await local.close();
    }
  });
});
