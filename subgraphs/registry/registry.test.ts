import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CredentialRecord, credentialRecordProblems, durationToHours } from '../../schema/index.js';
import {
  InvalidCursorError,
  type RunningServer,
  type RunningStandin,
  readProjectJson,
  startProviderSubgraph,
  startStandin,
  UpstreamError,
} from '../kit/index.js';
import {
  getFeedPage,
  readProviderFeed,
  readWholeFeed,
  resolveEntities,
  SKILL_LABEL_VARIANTS,
} from '../kit/testing.js';
import { ORGANIZATION_TTL_MS, RegistryClient, readSearchPage } from './client.js';
import { DEFAULT_REGISTRY_API_KEY, readConfig } from './config.js';
import { bestText, ctidOf } from './ctdl.js';
import { toDetails } from './details.js';
import {
  costOf,
  credentialTypeOf,
  deliveryModeOf,
  durationOf,
  isActive,
  levelOf,
  relationsOf,
  sectorOfNaics,
  skillOf,
  toCredentialRecord,
} from './mapping.js';
import { loadRegistryDetails, registryFeedPage, registryProvider } from './provider.js';
import { registryStandinHandler, startRegistryStandin } from './standin/server.js';
import type { CtdlCredential, CtdlOrganization, SearchEnvelope } from './upstream.js';

const DATA = 'subgraphs/registry/standin/data';
const sampleCredentials = readProjectJson<CtdlCredential[]>(`${DATA}/credentials.json`);
const sampleOrganizations = readProjectJson<CtdlOrganization[]>(`${DATA}/organizations.json`);
const organizationsByCtid = new Map(sampleOrganizations.map((org) => [org['ceterms:ctid'], org]));
/** Active credentials, judged from the data files' own status concept, not by the adapter. */
const activeCredentials = sampleCredentials.filter(
  (record) =>
    (record['ceterms:credentialStatusType'] as { 'ceterms:targetNode': string })['ceterms:targetNode'] ===
    'credentialStat:Active',
);
const activeIds = activeCredentials.map((record) => `registry:ctid:${record['ceterms:ctid']}`).sort();
const SHARED_CTIDS = [
  'ce-4c2a1d9e-7b1f-4e0a-9c3d-1a2b3c4d5e01',
  'ce-4c2a1d9e-7b1f-4e0a-9c3d-1a2b3c4d5e02',
  'ce-4c2a1d9e-7b1f-4e0a-9c3d-1a2b3c4d5e03',
];
const FETCHED_AT = '2026-02-01T10:00:00.000Z';
const KEY = 'registry-test-key';

function byName(name: string): CtdlCredential {
  const found = sampleCredentials.find((record) => bestText(record['ceterms:name']) === name);
  if (!found) throw new Error(`no sample credential named ${name}`);
  return found;
}
const ctidByName = (name: string) => byName(name)['ceterms:ctid'];
const idByName = (name: string) => `registry:ctid:${ctidByName(name)}`;
const refs = (record: CtdlCredential, term: string) => (record[term] as string[] | undefined) ?? [];

let standin: RunningStandin;
let base: string;

beforeAll(async () => {
  standin = await startRegistryStandin({ apiKey: KEY });
  base = `${standin.origin}/`;
});
afterAll(async () => {
  await standin?.close();
});

function clientFor(url: string, env: Record<string, string> = {}, now?: () => number): RegistryClient {
  return new RegistryClient(readConfig({ REGISTRY_BASE_URL: url, REGISTRY_API_KEY: KEY, ...env }), { now });
}

async function searchRaw(
  body: unknown,
  authorization: string | null = `ApiToken ${KEY}`,
): Promise<{ status: number; headers: Headers; body: SearchEnvelope<CtdlCredential> }> {
  const response = await fetch(new URL('assistant/search/ctdl', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as SearchEnvelope<CtdlCredential>,
  };
}

const walkFeed = (client: RegistryClient, limit: number) => readProviderFeed(registryFeedPage, client, limit);

describe('sample data', () => {
  it('covers the registry the brief asks for', () => {
    const issuers = sampleOrganizations.filter((org) => org['@type'] === 'ceterms:CredentialOrganization');
    expect(issuers.length).toBeGreaterThanOrEqual(8);
    expect(activeCredentials.length).toBeGreaterThanOrEqual(65);
    expect(sampleCredentials.length).toBeGreaterThan(activeCredentials.length);
    const ctids = sampleCredentials.map((record) => record['ceterms:ctid']);
    expect(new Set(ctids).size).toBe(ctids.length);
    for (const ctid of ctids)
      expect(ctid).toMatch(/^ce-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const shared of SHARED_CTIDS) expect(ctids).toContain(shared);
    const security = activeCredentials.filter((record) =>
      /security/i.test(`${bestText(record['ceterms:name'])} ${bestText(record['ceterms:description'])}`),
    );
    expect(security.length).toBeGreaterThanOrEqual(5);
  });

  it('links only to records it holds, and parts answer isPartOf back', () => {
    const all = new Map([...sampleCredentials, ...sampleOrganizations].map((r) => [r['ceterms:ctid'], r]));
    const activeCtids = new Set(activeCredentials.map((record) => record['ceterms:ctid']));
    const stacks = activeCredentials.filter(
      (record) => record['@type'] === 'ceterms:Certification' && refs(record, 'ceterms:hasPart').length > 0,
    );
    expect(stacks.length).toBeGreaterThanOrEqual(3);
    for (const whole of stacks) {
      for (const part of refs(whole, 'ceterms:hasPart')) {
        const record = all.get(ctidOf(part)!) as CtdlCredential;
        expect(record['@type']).toBe('ceterms:MicroCredential');
        expect(refs(record, 'ceterms:isPartOf')).toContain(whole['@id']);
      }
    }
    for (const record of sampleCredentials) {
      for (const term of ['ceterms:ownedBy', 'ceterms:offeredBy', 'ceterms:accreditedBy']) {
        for (const ref of refs(record, term))
          expect(all.get(ctidOf(ref)!)?.['@type']).toMatch(/Organization$/);
      }
      // Every stacking target is a credential the feed will publish.
      for (const relation of relationsOf(record))
        expect(activeCtids).toContain(relation.target.split(':')[2]);
    }
    expect(activeCredentials.some((record) => record['ceterms:isPreparationFor'])).toBe(true);
  });

  it('prices in USD and codes occupations with SOC and industries with NAICS', () => {
    for (const record of sampleCredentials) {
      for (const cost of record['ceterms:estimatedCost'] as Array<Record<string, unknown>>)
        expect(cost['ceterms:currency']).toBe('USD');
      for (const occupation of record['ceterms:occupationType'] as Array<Record<string, string>>)
        expect(occupation['ceterms:codedNotation']).toMatch(/^\d{2}-\d{4}$/);
    }
    const soc = new Set(
      sampleCredentials.flatMap((record) =>
        (record['ceterms:occupationType'] as Array<Record<string, string>>).map(
          (o) => o['ceterms:codedNotation'],
        ),
      ),
    );
    for (const code of ['15-1212', '29-2072', '51-4121']) expect(soc).toContain(code);
  });
});

describe('stand-in (assistant search API and registry records)', () => {
  it('answers a search with the assistant envelope and Skip/Take paging', async () => {
    const first = await searchRaw({ Query: { '@type': 'ceterms:Credential' }, Skip: 0, Take: 5 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ valid: true, extra: { TotalResults: sampleCredentials.length } });
    expect(first.body.data!.map((record) => record['ceterms:ctid'])).toEqual(
      sampleCredentials.slice(0, 5).map((record) => record['ceterms:ctid']),
    );
    const last = await searchRaw({ Query: { '@type': 'ceterms:Credential' }, Skip: 80, Take: 5 });
    expect(last.body.data).toHaveLength(sampleCredentials.length - 80);
    expect((await searchRaw({ Query: { '@type': 'ceterms:Credential' } })).body.data).toHaveLength(10);
  });

  it('filters by class, CTID, owner and name', async () => {
    const badges = await searchRaw({
      Query: { '@type': ['ceterms:Badge', 'ceterms:DigitalBadge'] },
      Take: 100,
    });
    expect(badges.body.data!.every((r) => /Badge$/.test(r['@type']))).toBe(true);
    expect(badges.body.extra?.TotalResults).toBe(
      sampleCredentials.filter((r) => ['ceterms:Badge', 'ceterms:DigitalBadge'].includes(r['@type'])).length,
    );
    const bySubclass = await searchRaw({
      Query: { '@type': { 'search:value': 'ceterms:Credential', 'search:matchType': 'search:subClassOf' } },
      Take: 1,
    });
    expect(bySubclass.body.extra?.TotalResults).toBe(sampleCredentials.length);
    const organizations = await searchRaw({
      Query: { '@type': 'ceterms:CredentialOrganization' },
      Take: 100,
    });
    expect(organizations.body.data!.length).toBeGreaterThanOrEqual(8);
    const byCtid = await searchRaw({ Query: { 'ceterms:ctid': SHARED_CTIDS } });
    expect(byCtid.body.data!.map((record) => record['ceterms:ctid']).sort()).toEqual(SHARED_CTIDS);
    const owner = sampleOrganizations[0]!['ceterms:ctid'];
    const owned = await searchRaw({ Query: { 'ceterms:ownedBy': { 'ceterms:ctid': owner } }, Take: 100 });
    expect(owned.body.data!.length).toBeGreaterThan(0);
    for (const record of owned.body.data!) expect(ctidOf(refs(record, 'ceterms:ownedBy')[0])).toBe(owner);
    const named = await searchRaw({ Query: { 'ceterms:name': 'welding' }, Take: 100 });
    expect(named.body.data!.map((record) => bestText(record['ceterms:name']))).toContain(
      'Gas Metal Arc Welding (GMAW)',
    );
  });

  it('refuses a missing or wrong key with 401 in the assistant envelope; Bearer is accepted too', async () => {
    for (const authorization of [null, 'ApiToken wrong-key', `Basic ${KEY}`]) {
      const refused = await searchRaw({ Query: {} }, authorization);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({
        data: null,
        valid: false,
        status: 'error',
        messages: [expect.any(String)],
      });
    }
    expect((await searchRaw({ Query: {} }, `Bearer ${KEY}`)).status).toBe(200);
  });

  it('answers 400 for requests it cannot run, and 405 for a GET on search', async () => {
    for (const body of [
      { Query: {}, Take: 101 },
      { Query: {}, Skip: -1 },
      { Query: 'credentials' },
      { Query: { 'ceterms:keyword': 'x' } },
      { Query: {}, Sort: 'name' },
      [],
    ]) {
      const answer = await searchRaw(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ data: null, valid: false });
    }
    const get = await fetch(new URL('assistant/search/ctdl', base), {
      headers: { authorization: `ApiToken ${KEY}` },
    });
    expect(get.status).toBe(405);
  });

  it('serves records and graphs without a key, and 404 for unknown CTIDs', async () => {
    const record = sampleCredentials[7]!;
    const resource = await fetch(new URL(`resources/${record['ceterms:ctid']}`, base));
    expect(resource.status).toBe(200);
    expect(await resource.json()).toEqual(record);
    const organization = await fetch(new URL(`resources/${sampleOrganizations[0]!['ceterms:ctid']}`, base));
    expect(await organization.json()).toEqual(sampleOrganizations[0]);
    const graph = (await (await fetch(new URL(`graph/${record['ceterms:ctid']}`, base))).json()) as {
      '@graph': unknown[];
    };
    expect(graph['@graph']).toHaveLength(1);
    const missing = await fetch(new URL('resources/ce-00000000-0000-4000-8000-000000000000', base));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [expect.any(String)] });
  });

  it('rate-limits searches when asked to, with Retry-After', async () => {
    const limited = await startRegistryStandin({ apiKey: KEY, searchRequestsPerSecond: 1 });
    try {
      const post = () =>
        fetch(`${limited.origin}/assistant/search/ctdl`, {
          method: 'POST',
          headers: { authorization: `ApiToken ${KEY}` },
          body: JSON.stringify({ Query: {} }),
        });
      expect((await post()).status).toBe(200);
      const second = await post();
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(await second.json()).toMatchObject({ data: null, valid: false });
    } finally {
      await limited.close();
    }
  });
});

describe('mapping', () => {
  it('maps every sample credential into a valid common record', () => {
    for (const record of sampleCredentials) {
      const mapped = toCredentialRecord(record, organizationsByCtid, FETCHED_AT);
      expect(credentialRecordProblems(mapped), bestText(record['ceterms:name']) ?? '').toEqual([]);
    }
  });

  it('maps a stacked certification field by field', () => {
    const record = byName('Certified Security Operations Analyst');
    const owner = sampleOrganizations.find((org) => org['@id'] === refs(record, 'ceterms:ownedBy')[0])!;
    const mapped = toCredentialRecord(record, organizationsByCtid, FETCHED_AT);
    expect(mapped).toEqual<CredentialRecord>({
      id: `registry:ctid:${record['ceterms:ctid']}`,
      name: 'Certified Security Operations Analyst',
      description: bestText(record['ceterms:description']),
      credentialType: 'CERTIFICATION',
      sourceTypes: ['ceterms:Certification'],
      issuer: {
        id: `registry:org:${owner['ceterms:ctid']}`,
        name: 'Bastion Point Cyber Institute',
        url: 'https://bastionpoint.example/',
        verified: null,
      },
      provider: 'registry',
      url: 'https://bastionpoint.example/credentials/security-operations-analyst',
      image: 'https://bastionpoint.example/images/security-operations-analyst.png',
      skills: [
        {
          label: 'Cyber Security',
          framework: 'CTDL_ASN',
          code: 'BPS-08',
          url: expect.stringMatching(/\/resources\/ce-/),
        },
        { label: 'Incident Response', framework: 'CTDL_ASN', code: 'BPS-09', url: expect.any(String) },
        {
          label: 'Critical Thinking',
          framework: 'ONET',
          code: '2.A.2.a',
          url: 'https://www.onetcenter.org/ctdlasn/resources/ce-07c26361-9119-11e8-b852-782bcb5df6ac',
        },
      ],
      sectors: ['TECHNOLOGY'],
      level: 'INTERMEDIATE',
      estimatedDuration: 'PT120H',
      // Tuition and the application fee are different cost types: they add up.
      cost: { amount: 675, currency: 'USD' },
      deliveryMode: 'BLENDED',
      languages: ['en'],
      updatedAt: FETCHED_AT,
      provenance: {
        provider: 'registry',
        upstreamId: record['ceterms:ctid'],
        url: record['@id']!,
        fetchedAt: FETCHED_AT,
        raw: record,
      },
      relations: [
        { type: 'HAS_PART', target: idByName('Network Defense Fundamentals'), order: null },
        { type: 'HAS_PART', target: idByName('Security Monitoring and Incident Triage'), order: null },
        { type: 'HAS_PART', target: idByName('Threat Intelligence Essentials'), order: null },
        { type: 'PREPARED_BY', target: idByName('Cybersecurity Fundamentals'), order: null },
        {
          type: 'PREPARED_BY',
          target: idByName('Associate of Applied Science in Cybersecurity and Networking'),
          order: null,
        },
      ],
      identifiers: [{ scheme: 'CTID', value: record['ceterms:ctid'] }],
    });
    expect(durationToHours(mapped.estimatedDuration!)).toBe(120);
  });

  it('maps parts, preparation, requirements and shared CTIDs into relations and identifiers', () => {
    const part = toCredentialRecord(byName('CNC Machining Operator'), organizationsByCtid, FETCHED_AT);
    expect(part.id).toBe(`registry:ctid:${SHARED_CTIDS[2]}`);
    expect(part.relations).toEqual([
      { type: 'IS_PART_OF', target: idByName('Certified Production Technician - CNC'), order: null },
    ]);
    expect(part.identifiers).toEqual([
      { scheme: 'CTID', value: SHARED_CTIDS[2] },
      { scheme: 'URL', value: 'https://badges.anvilcreek-msa.example/achievements/cnc-machining-operator' },
    ]);
    expect(part.skills.map((skill) => [skill.label, skill.framework])).toEqual([
      ['CNC machine operation', 'CTDL_ASN'],
      ['Operation and Control', 'ONET'],
    ]);
    const prep = toCredentialRecord(byName('Cybersecurity Fundamentals'), organizationsByCtid, FETCHED_AT);
    expect(prep.relations).toEqual([
      { type: 'PREPARES_FOR', target: idByName('Certified Security Operations Analyst'), order: null },
    ]);
    const acls = toCredentialRecord(
      byName('Advanced Cardiovascular Life Support Provider'),
      organizationsByCtid,
      FETCHED_AT,
    );
    expect(acls.relations).toEqual([
      { type: 'REQUIRES', target: idByName('Basic Life Support Provider'), order: null },
    ]);
  });

  it('maps CTDL classes to credential types by the documented table', () => {
    expect(credentialTypeOf('ceterms:MicroCredential')).toBe('MICRO_CREDENTIAL');
    expect(credentialTypeOf('ceterms:DigitalBadge')).toBe('BADGE');
    expect(credentialTypeOf('ceterms:OpenBadge')).toBe('OPEN_BADGE');
    expect(credentialTypeOf('ceterms:CertificateOfCompletion')).toBe('CERTIFICATE_OF_COMPLETION');
    expect(credentialTypeOf('ceterms:Certification')).toBe('CERTIFICATION');
    expect(credentialTypeOf('ceterms:License')).toBe('LICENSE');
    expect(credentialTypeOf('ceterms:JourneymanCertificate')).toBe('APPRENTICESHIP_CERTIFICATE');
    expect(credentialTypeOf('ceterms:BachelorDegree')).toBe('DEGREE');
    expect(credentialTypeOf('ceterms:ResearchDoctorate')).toBe('DEGREE');
    expect(credentialTypeOf('ceterms:SecondarySchoolDiploma')).toBe('DIPLOMA');
    expect(credentialTypeOf('ceterms:TechnicalLevel2Certificate')).toBe('CERTIFICATE');
    expect(credentialTypeOf('ceterms:QualityAssuranceCredential')).toBe('OTHER');
    expect(credentialTypeOf('ceterms:SomethingNew')).toBe('OTHER');
  });

  it('reads status, level and delivery mode from CTDL concepts', () => {
    const concept = (node: string) => ({
      '@type': 'ceterms:CredentialAlignmentObject',
      'ceterms:targetNode': node,
    });
    const base: CtdlCredential = { '@type': 'ceterms:Badge', 'ceterms:ctid': SHARED_CTIDS[0]! };
    expect(isActive(base)).toBe(true);
    expect(isActive({ ...base, 'ceterms:credentialStatusType': concept('credentialStat:Deprecated') })).toBe(
      false,
    );
    expect(
      isActive({
        ...base,
        'ceterms:credentialStatusType': 'https://purl.org/ctdl/vocabs/credentialStat/Active',
      }),
    ).toBe(true);
    const levels = (...nodes: string[]) =>
      levelOf({ ...base, 'ceterms:audienceLevelType': nodes.map(concept) });
    expect(levels('audLevel:BeginnerLevel', 'audLevel:IntermediateLevel')).toBe('INTERMEDIATE');
    expect(levels('audLevel:AdvancedLevel')).toBe('ADVANCED');
    expect(levels('audLevel:BachelorsDegreeLevel')).toBeNull();
    expect(levels()).toBeNull();
    const delivery = (...nodes: string[]) =>
      deliveryModeOf({ ...base, 'ceterms:learningDeliveryType': nodes.map(concept) });
    expect(delivery('deliveryType:OnlineOnly')).toBe('ONLINE');
    expect(delivery('deliveryType:InPerson')).toBe('IN_PERSON');
    expect(delivery('deliveryType:OnlineOnly', 'deliveryType:BlendedDelivery')).toBe('BLENDED');
    expect(delivery('deliveryType:OnlineOnly', 'deliveryType:InPerson')).toBeNull();
    expect(delivery()).toBeNull();
  });

  it('maps NAICS codes to sectors by longest prefix', () => {
    expect(sectorOfNaics('541512')).toBe('TECHNOLOGY');
    expect(sectorOfNaics('541611')).toBe('BUSINESS');
    expect(sectorOfNaics('518210')).toBe('TECHNOLOGY');
    expect(sectorOfNaics('512110')).toBe('ARTS_AND_MEDIA');
    expect(sectorOfNaics('622110')).toBe('HEALTHCARE');
    expect(sectorOfNaics('624120')).toBe('PUBLIC_SERVICE');
    expect(sectorOfNaics('456110')).toBe('HEALTHCARE');
    expect(sectorOfNaics('332710')).toBe('ADVANCED_MANUFACTURING');
    expect(sectorOfNaics('811310')).toBe('OTHER');
    expect(sectorOfNaics('99')).toBe('OTHER');
    const degree = toCredentialRecord(
      byName('Bachelor of Applied Science in Manufacturing Engineering Technology'),
      organizationsByCtid,
      FETCHED_AT,
    );
    // This record lists bare `ceterms:naics` codes instead of industry alignments.
    expect(degree.sectors).toEqual(['ADVANCED_MANUFACTURING']);
    expect(degree.level).toBeNull();
    const privacy = toCredentialRecord(
      byName('Healthcare Data Privacy and Security'),
      organizationsByCtid,
      FETCHED_AT,
    );
    expect(privacy.sectors).toEqual(['HEALTHCARE', 'TECHNOLOGY']);
  });

  it('takes an exact or maximum duration, never a minimum alone', () => {
    expect(durationOf([{ 'ceterms:exactDuration': 'PT30H' }])).toBe('PT30H');
    expect(durationOf({ 'ceterms:minimumDuration': 'P4M', 'ceterms:maximumDuration': 'P6M' })).toBe('P6M');
    expect(durationOf([{ 'ceterms:minimumDuration': 'P3M' }])).toBeNull();
    expect(
      durationOf([{ 'ceterms:exactDuration': 'about a week' }, { 'ceterms:exactDuration': 'P1W' }]),
    ).toBe('P1W');
    expect(durationOf(undefined)).toBeNull();
  });

  it('sums cost types, keeps the highest of alternatives, and prefers an aggregate cost', () => {
    const cost = (price: number | string, type?: string, currency = 'USD') => ({
      'ceterms:price': price,
      'ceterms:currency': currency,
      ...(type ? { 'ceterms:directCostType': [{ 'ceterms:targetNode': `costType:${type}` }] } : {}),
    });
    expect(costOf([cost(600, 'Tuition'), cost(75, 'Application')])).toEqual({ amount: 675, currency: 'USD' });
    expect(costOf([cost(4000, 'Tuition'), cost(9000, 'Tuition')])).toEqual({ amount: 9000, currency: 'USD' });
    expect(costOf([cost(600, 'Tuition'), cost(700, 'AggregateCost')])).toEqual({
      amount: 700,
      currency: 'USD',
    });
    expect(costOf([cost('350.50', 'AggregateCost', 'usd')])).toEqual({ amount: 350.5, currency: 'USD' });
    expect(costOf([cost(0, 'AggregateCost')])).toEqual({ amount: 0, currency: 'USD' });
    expect(costOf([cost(100, 'Tuition'), cost(80, 'Application', 'CAD')])).toBeNull();
    expect(costOf([cost(-5, 'Tuition'), cost(10, 'Tuition', 'dollars')])).toBeNull();
    expect(costOf(undefined)).toBeNull();
  });

  it('names skill frameworks by what the alignment points into, keeping labels verbatim', () => {
    expect(
      skillOf({
        'ceterms:frameworkName': { en: 'ESCO Skills' },
        'ceterms:targetNode': 'http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97',
        'ceterms:targetNodeName': { en: 'computer programming' },
      }),
    ).toEqual({
      label: 'computer programming',
      framework: 'ESCO',
      code: 'http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97',
      url: 'http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97',
    });
    expect(skillOf({ 'ceterms:targetNodeName': { 'en-US': 'Python (Programming Language)' } })).toEqual({
      label: 'Python (Programming Language)',
      framework: 'PROVIDER',
      code: null,
      url: null,
    });
    expect(
      skillOf({
        '@type': 'ceasn:Competency',
        '@id': 'https://credentialengineregistry.org/resources/ce-11111111-2222-4333-8444-555555555555',
        'ceasn:competencyText': { 'en-us': 'Configure a host firewall' },
      })?.framework,
    ).toBe('CTDL_ASN');
    expect(
      skillOf({ 'ceterms:frameworkName': 'Lightcast Open Skills', 'ceterms:targetNodeName': 'SQL' })
        ?.framework,
    ).toBe('LIGHTCAST');
    expect(skillOf({ 'ceterms:codedNotation': 'X-1' })).toBeNull();
    const labels = new Set(
      sampleCredentials.flatMap((record) =>
        toCredentialRecord(record, organizationsByCtid, FETCHED_AT).skills.map((skill) => skill.label),
      ),
    );
    for (const label of SKILL_LABEL_VARIANTS) expect(labels).toContain(label);
  });

  it('picks the best English text, falling back to the language given', () => {
    expect(bestText({ es: 'Hola', 'en-US': 'Hello' })).toBe('Hello');
    expect(bestText({ es: 'Hola', 'en-us': 'Hello' })).toBe('Hello');
    expect(bestText({ fr: 'Bonjour', en: 'Hello', 'en-GB': 'Hullo' })).toBe('Hello');
    expect(bestText({ es: 'Hola' })).toBe('Hola');
    expect(bestText('Plain')).toBe('Plain');
    expect(bestText({ 'en-US': ['first', 'second'] })).toBe('first');
    expect(bestText(undefined)).toBeNull();
    const spanish = toCredentialRecord(
      byName('Cuidado del paciente: fundamentos'),
      organizationsByCtid,
      FETCHED_AT,
    );
    expect(spanish.name).toBe('Cuidado del paciente: fundamentos');
    expect(spanish.languages).toEqual(['es']);
  });

  it('skips references without a CTID, self-references and repeats', () => {
    const own = SHARED_CTIDS[0]!;
    const other = `https://credentialengineregistry.org/resources/${SHARED_CTIDS[1]}`;
    expect(
      relationsOf({
        '@type': 'ceterms:Certification',
        'ceterms:ctid': own,
        'ceterms:hasPart': ['_:b0', other, other, `https://ce-registry.example/resources/${own}`],
        'ceterms:requires': { 'ceterms:targetCredential': { 'ceterms:ctid': SHARED_CTIDS[2] } },
      }),
    ).toEqual([
      { type: 'HAS_PART', target: `registry:ctid:${SHARED_CTIDS[1]}`, order: null },
      { type: 'REQUIRES', target: `registry:ctid:${SHARED_CTIDS[2]}`, order: null },
    ]);
  });

  it('leaves the issuer nameless, so the record is reported, when its organization is unknown', () => {
    const record = toCredentialRecord(byName('Phlebotomy Basics'), new Map(), FETCHED_AT);
    expect(record.issuer.id).toMatch(/^registry:org:ce-/);
    expect(credentialRecordProblems(record)).toContain('issuer needs an id and a name');
    const inline = toCredentialRecord(
      {
        ...byName('Phlebotomy Basics'),
        'ceterms:ownedBy': [
          {
            '@type': 'ceterms:CredentialOrganization',
            'ceterms:name': { 'en-US': 'Elsewhere College' },
            'ceterms:subjectWebpage': 'https://elsewhere.example/',
          },
        ],
      },
      new Map(),
      FETCHED_AT,
    );
    expect(inline.issuer).toEqual({
      id: 'registry:org:https://elsewhere.example/',
      name: 'Elsewhere College',
      url: 'https://elsewhere.example/',
      verified: null,
    });
  });

  it('builds raw details with organizations, connections and the JSON-LD', () => {
    const record = byName('Certified Infection Prevention Technician');
    const details = toDetails(record, organizationsByCtid);
    expect(details.ctid).toBe(record['ceterms:ctid']);
    expect(details.type).toBe('ceterms:Certification');
    expect(details.status).toBe('credentialStat:Active');
    expect(details.ownedBy).toEqual([
      expect.objectContaining({
        name: 'Harborview Allied Health Certification Board',
        type: 'ceterms:CredentialOrganization',
      }),
    ]);
    expect(details.accreditedBy[0]?.type).toBe('ceterms:QACredentialOrganization');
    expect(details.connections.filter((c) => c.property === 'hasPart').map((c) => c.ctid)).toEqual(
      refs(record, 'ceterms:hasPart').map((uri) => ctidOf(uri)),
    );
    expect(details.costs).toEqual([
      expect.objectContaining({ price: 425, currency: 'USD', directCostTypes: ['costType:AggregateCost'] }),
    ]);
    expect(details.occupations[0]).toMatchObject({
      codedNotation: '31-9093',
      name: 'Medical Equipment Preparers',
    });
    expect(details.competencies.every((competency) => competency.property === 'requires')).toBe(true);
    expect(JSON.parse(details.raw)).toEqual(record);
  });
});

describe('client', () => {
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  it('maps a refused key to UPSTREAM_UNAUTHORIZED naming the setting, never the key', async () => {
    const secret = 's3cr3t-registry-key-value';
    const client = clientFor(base, { REGISTRY_API_KEY: secret });
    try {
      const failure = await client.searchCredentials({ skip: 0, take: 5 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamError);
      expect((failure as UpstreamError).code).toBe('UPSTREAM_UNAUTHORIZED');
      expect((failure as UpstreamError).message).toContain('REGISTRY_API_KEY');
      expect((failure as UpstreamError).message).not.toContain(secret);
    } finally {
      await client.close();
    }
  });

  it('sends the key to the search API only, never to the registry records', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const handler = registryStandinHandler({ apiKey: KEY });
    const spy = await startStandin((request) => {
      seen.push([request.url.pathname.split('/')[1]!, request.headers.authorization]);
      return handler(request);
    });
    const client = clientFor(`${spy.origin}/`);
    try {
      await registryFeedPage(client, { cursor: null, limit: 5, updatedSince: null });
      expect(seen.filter(([path]) => path === 'assistant')).toEqual([['assistant', `ApiToken ${KEY}`]]);
      const records = seen.filter(([path]) => path === 'resources');
      expect(records.length).toBeGreaterThan(0);
      for (const [, authorization] of records) expect(authorization).toBeUndefined();
    } finally {
      await client.close();
      await spy.close();
    }
  });

  it('waits out a 429 with Retry-After, on the search and on records, and succeeds', async () => {
    const client = clientFor(base);
    try {
      standin.injectFault({
        pathIncludes: '/assistant/search/ctdl',
        status: 429,
        headers: { 'retry-after': '1' },
        body: { data: null, valid: false, status: 'error', messages: ['Too many requests'] },
      });
      let started = Date.now();
      const page = await client.searchCredentials({ skip: 0, take: 5 });
      expect(page.records).toHaveLength(5);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(standin.requestCounts.get('POST /assistant/search/ctdl')).toBe(2);
      const ctid = sampleOrganizations[1]!['ceterms:ctid'];
      standin.injectFault({
        pathIncludes: `/resources/${ctid}`,
        status: 429,
        headers: { 'retry-after': '1' },
      });
      started = Date.now();
      expect(await client.getResource(ctid)).toMatchObject({ 'ceterms:ctid': ctid });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await client.close();
    }
  });

  it('retries a failing search and a built-in rate limit until it gets through', async () => {
    const client = clientFor(base);
    try {
      standin.injectFault({ pathIncludes: '/assistant/search/ctdl', status: 503, times: 2 });
      expect((await client.searchCredentials({ skip: 0, take: 3 })).records).toHaveLength(3);
      expect(standin.requestCounts.get('POST /assistant/search/ctdl')).toBe(3);
      standin.injectFault({ pathIncludes: '/assistant/search/ctdl', status: 503, times: 5 });
      const failure = await client.searchCredentials({ skip: 0, take: 3 }).catch((error: unknown) => error);
      expect((failure as UpstreamError).code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await client.close();
    }
    const limited = await startRegistryStandin({ apiKey: KEY, searchRequestsPerSecond: 1 });
    const throttled = clientFor(`${limited.origin}/`);
    try {
      const { items } = await walkFeed(throttled, 40);
      expect(items).toHaveLength(activeCredentials.length);
    } finally {
      await throttled.close();
      await limited.close();
    }
  });

  it('reports malformed answers and refused queries precisely', async () => {
    const client = clientFor(base);
    try {
      standin.injectFault({ pathIncludes: '/assistant/search/ctdl', rawBody: '<html>maintenance</html>' });
      const garbage = await client.searchCredentials({ skip: 0, take: 5 }).catch((error: unknown) => error);
      expect((garbage as UpstreamError).code).toBe('UPSTREAM_BAD_RESPONSE');
      standin.injectFault({
        pathIncludes: '/assistant/search/ctdl',
        body: { valid: true, data: 'nope' },
        status: 200,
      });
      const shape = await client.searchCredentials({ skip: 0, take: 5 }).catch((error: unknown) => error);
      expect((shape as UpstreamError).code).toBe('UPSTREAM_BAD_RESPONSE');
      standin.injectFault({
        pathIncludes: '/assistant/search/ctdl',
        status: 200,
        body: { data: null, valid: false, status: 'error', messages: ['Unknown property ceterms:foo'] },
      });
      const refused = await client.searchCredentials({ skip: 0, take: 5 }).catch((error: unknown) => error);
      expect((refused as UpstreamError).code).toBe('UPSTREAM_BAD_REQUEST');
      expect((refused as UpstreamError).message).toContain('Unknown property ceterms:foo');
    } finally {
      await client.close();
    }
  });

  it('pages on without a TotalResults until a short page', () => {
    const records = [{ '@type': 'ceterms:Badge' }, { '@type': 'ceterms:Badge' }];
    expect(readSearchPage({ valid: true, data: records }, 10, 2).nextSkip).toBe(12);
    expect(readSearchPage({ valid: true, data: records }, 10, 5).nextSkip).toBeNull();
    expect(
      readSearchPage({ valid: true, data: records, extra: { TotalResults: 12 } }, 10, 2).nextSkip,
    ).toBeNull();
    expect(readSearchPage({ valid: true, data: [], extra: { TotalResults: 50 } }, 10, 2).nextSkip).toBeNull();
  });

  it('caches organizations for a while, and refetches them after', async () => {
    let now = 1_000_000;
    const client = clientFor(base, {}, () => now);
    const ctids = sampleOrganizations.slice(0, 3).map((org) => org['ceterms:ctid']);
    try {
      const first = await client.getOrganizations([...ctids, SHARED_CTIDS[0]!, 'not-a-ctid']);
      expect([...first.keys()].sort()).toEqual([...ctids].sort());
      await client.getOrganizations(ctids);
      expect(standin.totalRequests()).toBe(4);
      now += ORGANIZATION_TTL_MS + 1;
      await client.getOrganizations(ctids);
      expect(standin.totalRequests()).toBe(7);
    } finally {
      await client.close();
    }
  });

  it('rejects config that is out of range, naming the variable', () => {
    expect(() => readConfig({ REGISTRY_PAGE_SIZE: '500' })).toThrow(/REGISTRY_PAGE_SIZE/);
    expect(() => readConfig({ REGISTRY_BASE_URL: 'ftp://example.org/' })).toThrow(/REGISTRY_BASE_URL/);
    expect(() => readConfig({ REGISTRY_OWNER_CTIDS: 'ce-nope' })).toThrow(/REGISTRY_OWNER_CTIDS/);
    const defaults = readConfig({});
    expect(defaults).toMatchObject({
      baseUrl: 'http://127.0.0.1:4107/',
      resourcesUrl: 'http://127.0.0.1:4107/',
      apiKey: DEFAULT_REGISTRY_API_KEY,
      pageSize: 50,
    });
    expect(readConfig({ REGISTRY_BASE_URL: 'https://apps.credentialengine.org' }).resourcesUrl).toBe(
      'https://apps.credentialengine.org/',
    );
    expect(
      readConfig({
        REGISTRY_BASE_URL: 'https://apps.credentialengine.org/',
        REGISTRY_RESOURCES_URL: 'https://credentialengineregistry.org/',
      }).resourcesUrl,
    ).toBe('https://credentialengineregistry.org/');
  });
});

describe('feed', () => {
  beforeEach(() => {
    standin.resetCounts();
    standin.clearFaults();
  });

  it('walks every page and yields every active sample credential exactly once', async () => {
    const client = clientFor(base, { REGISTRY_PAGE_SIZE: '7' });
    try {
      const { items, pages } = await walkFeed(client, 500);
      expect(pages).toBe(Math.ceil(sampleCredentials.length / 7));
      expect(items.map((item) => item.id).sort()).toEqual(activeIds);
      for (const item of items) expect(credentialRecordProblems(item)).toEqual([]);
      // Each issuer is fetched once for the whole walk.
      const issuerFetches = [...standin.requestCounts.keys()].filter((key) =>
        key.startsWith('GET /resources/'),
      );
      expect(issuerFetches.length).toBe(new Set(items.map((item) => item.issuer.id)).size);
      for (const key of issuerFetches) expect(standin.requestCounts.get(key)).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('harvests only the configured owners', async () => {
    const owner = sampleOrganizations.find(
      (org) => bestText(org['ceterms:name']) === 'Anvil Creek Manufacturing Skills Alliance',
    )!;
    const client = clientFor(base, { REGISTRY_OWNER_CTIDS: owner['ceterms:ctid'] });
    try {
      const { items } = await walkFeed(client, 100);
      const expected = activeCredentials.filter(
        (record) => ctidOf(refs(record, 'ceterms:ownedBy')[0]) === owner['ceterms:ctid'],
      );
      expect(items.map((item) => item.id).sort()).toEqual(
        expected.map((record) => `registry:ctid:${record['ceterms:ctid']}`).sort(),
      );
    } finally {
      await client.close();
    }
  });

  it('refuses cursors it did not issue and propagates upstream errors', async () => {
    const client = clientFor(base);
    const wrongKey = clientFor(base, { REGISTRY_API_KEY: 'wrong' });
    try {
      await expect(
        registryFeedPage(client, { cursor: 'not-a-cursor', limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      const foreign = Buffer.from(JSON.stringify({ start: 3 })).toString('base64url');
      await expect(
        registryFeedPage(client, { cursor: foreign, limit: 10, updatedSince: null }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(
        registryFeedPage(wrongKey, { cursor: null, limit: 10, updatedSince: null }),
      ).rejects.toMatchObject({
        code: 'UPSTREAM_UNAUTHORIZED',
      });
    } finally {
      await client.close();
      await wrongKey.close();
    }
  });
});

describe('subgraph', () => {
  let subgraph: RunningServer;

  beforeAll(async () => {
    subgraph = await startProviderSubgraph(registryProvider, {
      env: {
        REGISTRY_BASE_URL: base,
        REGISTRY_API_KEY: KEY,
        REGISTRY_PAGE_SIZE: '25',
        REGISTRY_CONCURRENCY: '2',
      },
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
    registry: {
      ctid: string;
      name: string;
      type: string;
      ownedBy: Array<{ name: string | null }>;
      connections: Array<{ property: string; ctid: string | null }>;
    } | null;
  }

  const entities = (ids: string[]) =>
    resolveEntities<Entity>(
      subgraph.url,
      'registry { ctid name type ownedBy { name } connections { property ctid } }',
      ids,
    );

  it('resolves live details with one record request per credential, bounded, and no search', async () => {
    const records = [sampleCredentials[4]!, sampleCredentials[30]!, sampleCredentials[61]!];
    const ids = records.map((record) => `registry:ctid:${record['ceterms:ctid']}`);
    const result = await entities([...ids, ids[0]!]);
    expect(result.errors).toBeUndefined();
    const ownerName = (record: CtdlCredential) =>
      bestText(organizationsByCtid.get(ctidOf(refs(record, 'ceterms:ownedBy')[0])!)!['ceterms:name']);
    expect(result.data!._entities.slice(0, 3)).toEqual(
      records.map((record) => ({
        id: `registry:ctid:${record['ceterms:ctid']}`,
        registry: expect.objectContaining({
          ctid: record['ceterms:ctid'],
          name: bestText(record['ceterms:name']),
          type: record['@type'],
          ownedBy: [{ name: ownerName(record) }],
        }),
      })),
    );
    expect(result.data!._entities[3]).toEqual(result.data!._entities[0]);
    for (const record of records)
      expect(standin.requestCounts.get(`GET /resources/${record['ceterms:ctid']}`)).toBe(1);
    expect(standin.requestCounts.get('POST /assistant/search/ctdl')).toBeUndefined();
  });

  it('keeps record requests within REGISTRY_CONCURRENCY', async () => {
    const records = sampleCredentials.slice(40, 46);
    // Warm the organization cache so that only credential records are timed.
    await entities(records.map((record) => `registry:ctid:${record['ceterms:ctid']}`));
    standin.injectFault({ pathIncludes: '/resources/', delayMs: 150, times: records.length });
    const started = Date.now();
    const result = await entities(records.map((record) => `registry:ctid:${record['ceterms:ctid']}`));
    expect(result.errors).toBeUndefined();
    // Six requests, two at a time, 150 ms each: at least three rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(430);
  });

  it('answers null, without error, for other providers, unknown CTIDs and non-credentials', async () => {
    const result = await entities([
      'credly:template:cfaf2b1e-0000-4000-8000-000000000000',
      'registry:ctid:ce-00000000-0000-4000-8000-000000000000',
      'registry:ctid:not-a-ctid',
      `registry:org:${sampleOrganizations[0]!['ceterms:ctid']}`,
      `registry:ctid:${sampleOrganizations[0]!['ceterms:ctid']}`,
      `registry:ctid:${SHARED_CTIDS[1]}`,
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity.registry?.name ?? null)).toEqual([
      null,
      null,
      null,
      null,
      null,
      'Infection Control Practices',
    ]);
  });

  it('reports a record that keeps failing as that entity’s error, and resolves the rest', async () => {
    const [failing, fine] = [sampleCredentials[10]!, sampleCredentials[11]!];
    standin.injectFault({ pathIncludes: `/resources/${failing['ceterms:ctid']}`, status: 500, times: 3 });
    const result = await entities([failing, fine].map((record) => `registry:ctid:${record['ceterms:ctid']}`));
    expect(result.data!._entities[0]!.registry).toBeNull();
    expect(result.data!._entities[1]!.registry?.ctid).toBe(fine['ceterms:ctid']);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['_entities', 0, 'registry'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }),
      }),
    ]);
  });

  it('loads details directly, in order, with nulls for foreign refs', async () => {
    const client = clientFor(base);
    try {
      const details = await loadRegistryDetails(client, [
        { provider: 'coursera', kind: 'course', upstreamId: 'abc' },
        { provider: 'registry', kind: 'ctid', upstreamId: SHARED_CTIDS[2]!.toUpperCase() },
      ]);
      expect(details[0]).toBeNull();
      expect(details[1]).toMatchObject({ ctid: SHARED_CTIDS[2], name: 'CNC Machining Operator' });
    } finally {
      await client.close();
    }
  });

  it('serves the feed over HTTP, and 502 with the upstream code when the upstream fails', async () => {
    const feed = await readWholeFeed(subgraph.url);
    expect(feed.status).toBe(200);
    expect(feed.rejected).toEqual([]);
    expect(feed.items.map((item) => item.id).sort()).toEqual(activeIds);

    standin.injectFault({ pathIncludes: '/assistant/search/ctdl', rawBody: '{"data": [' });
    const broken = await getFeedPage(subgraph.url);
    expect(broken.status).toBe(502);
    expect(broken.body).toEqual({
      error: {
        code: 'UPSTREAM_BAD_RESPONSE',
        message: expect.stringContaining('not JSON'),
        upstreamStatus: null,
      },
    });
    expect((await getFeedPage(subgraph.url, { cursor: 'bogus' })).status).toBe(400);
  });

  it('answers 502 UPSTREAM_UNAUTHORIZED on /feed when the key is refused', async () => {
    const refused = await startProviderSubgraph(registryProvider, {
      env: { REGISTRY_BASE_URL: base, REGISTRY_API_KEY: 'not-the-key' },
      port: 0,
    });
    try {
      const { status, body } = await getFeedPage(refused.url);
      expect(status).toBe(502);
      expect(body.error?.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(body.error?.message).not.toContain('not-the-key');
    } finally {
      await refused.close();
    }
  });
});
