import { describe, expect, it } from 'vitest';
import { credentialRecordProblems, durationToHours } from '../../schema/index.js';
import { ConfigError, readProjectJson } from '../kit/index.js';
import { DEFAULT_CREDLY_ORGANIZATION_IDS, readConfig } from './config.js';
import { toDetails } from './details.js';
import {
  costOf,
  credentialTypeOf,
  effortOf,
  identifiersOf,
  levelOf,
  relationsOf,
  requiredTemplateIds,
  sectorsOf,
  skillsOf,
  toCredentialRecord,
} from './mapping.js';
import type { CredlyActivity, CredlyBadgeTemplate, CredlyOrganization } from './upstream.js';

const FETCHED_AT = '2026-02-01T10:00:00.000Z';

const organization: CredlyOrganization = {
  id: '11111111-2222-5333-8444-555555555555',
  name: 'Example Cyber Academy',
  vanity_url: 'https://www.credly.com/org/example-cyber-academy',
  website_url: 'https://academy.example',
  verified: true,
};

const template: CredlyBadgeTemplate = {
  id: 'aaaaaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee',
  name: '  Network Security Administrator ',
  description: '<p>Earners secure networks.</p> They write&nbsp;firewall policy.',
  state: 'active',
  public: true,
  image_url: 'https://images.credly.com/images/x/image.png',
  url: 'https://www.credly.com/org/example-cyber-academy/badge/network-security-administrator',
  vanity_slug: 'network-security-administrator',
  level: 'Intermediate',
  time_to_earn: 'Weeks',
  cost: 'Paid',
  type_category: 'Certification',
  skills: [
    { id: 'skill-1', name: 'Network Security', vanity_slug: 'network-security' },
    { id: 'skill-2', name: 'Firewalls', vanity_slug: 'firewalls' },
    'network security',
  ],
  alignments: [
    {
      name: 'Information Security Analysts',
      url: 'https://www.onetonline.org/link/summary/15-1212.00',
      code: '15-1212.00',
    },
  ],
  recommendations: ['bbbbbbbb-bbbb-5ccc-8ddd-eeeeeeeeeeee'],
  required_badge_templates: [{ id: 'cccccccc-bbbb-5ccc-8ddd-eeeeeeeeeeee', name: 'Networking Fundamentals' }],
  badge_template_activities: [
    {
      id: 'a1',
      title: 'Earn the Networking Fundamentals badge',
      activity_type: 'Badge',
      required_badge_template_id: 'cccccccc-bbbb-5ccc-8ddd-eeeeeeeeeeee',
    },
    { id: 'a2', title: 'Complete the 40-hour Network Security course', activity_type: 'Education' },
    { id: 'a3', title: 'Pass the 120-minute proctored exam', activity_type: 'Assessment' },
  ],
  owner: { type: 'Organization', id: organization.id, name: organization.name, verified: true },
  reporting_tags: ['Technology', 'Networking', 'Cybersecurity'],
  created_at: '2022-03-01T08:00:00.000Z',
  updated_at: '2024-05-06T07:08:09.123Z',
};

describe('toCredentialRecord', () => {
  it('maps a template into a valid common record, field by field', () => {
    const record = toCredentialRecord(template, organization, FETCHED_AT);
    expect(credentialRecordProblems(record)).toEqual([]);
    expect(record).toEqual({
      id: `credly:template:${template.id}`,
      name: 'Network Security Administrator',
      description: 'Earners secure networks. They write firewall policy.',
      credentialType: 'CERTIFICATION',
      sourceTypes: ['Certification'],
      issuer: {
        id: `credly:org:${organization.id}`,
        name: 'Example Cyber Academy',
        url: 'https://academy.example/',
        verified: true,
      },
      provider: 'credly',
      url: template.url,
      image: template.image_url,
      skills: [
        { label: 'Network Security', framework: 'PROVIDER', code: 'skill-1', url: null },
        { label: 'Firewalls', framework: 'PROVIDER', code: 'skill-2', url: null },
      ],
      sectors: ['TECHNOLOGY'],
      level: 'INTERMEDIATE',
      estimatedDuration: 'PT42H',
      cost: null,
      deliveryMode: null,
      languages: ['en'],
      updatedAt: '2024-05-06T07:08:09.123Z',
      provenance: {
        provider: 'credly',
        upstreamId: template.id,
        url: template.url,
        fetchedAt: FETCHED_AT,
        raw: template,
      },
      relations: [
        { type: 'PREPARED_BY', target: 'credly:template:cccccccc-bbbb-5ccc-8ddd-eeeeeeeeeeee', order: null },
      ],
      identifiers: [
        { scheme: 'CREDLY_TEMPLATE', value: template.id },
        { scheme: 'URL', value: template.url },
      ],
    });
    expect(record.provenance.raw).toBe(template);
  });

  it('relates only the prerequisites the feed says it publishes', () => {
    const published = toCredentialRecord(template, organization, FETCHED_AT, {
      isFeedableTemplate: (id) => id === 'cccccccc-bbbb-5ccc-8ddd-eeeeeeeeeeee',
    });
    expect(published.relations).toHaveLength(1);
    const unpublished = toCredentialRecord(template, organization, FETCHED_AT, {
      isFeedableTemplate: () => false,
    });
    expect(unpublished.relations).toEqual([]);
    expect(credentialRecordProblems(unpublished)).toEqual([]);
  });

  it('names the owning organization as issuer when the template is issued on its behalf', () => {
    const owned = {
      ...template,
      owner: {
        id: '99999999-2222-5333-8444-555555555555',
        name: 'Owner Org',
        vanity_url: 'https://www.credly.com/org/owner',
        verified: false,
      },
    };
    expect(toCredentialRecord(owned, organization, FETCHED_AT).issuer).toEqual({
      id: 'credly:org:99999999-2222-5333-8444-555555555555',
      name: 'Owner Org',
      url: 'https://www.credly.com/org/owner',
      verified: false,
    });
  });

  it('falls back to created_at, then to the harvest time, for updatedAt; and tolerates missing lists', () => {
    const bare: CredlyBadgeTemplate = { id: template.id, name: 'Bare', state: 'active', public: true };
    const record = toCredentialRecord(
      { ...bare, created_at: '2023-01-02T03:04:05Z' },
      organization,
      FETCHED_AT,
    );
    expect(record.updatedAt).toBe('2023-01-02T03:04:05.000Z');
    const fallback = toCredentialRecord(bare, { ...organization, website_url: null }, FETCHED_AT);
    expect(fallback.updatedAt).toBe(FETCHED_AT);
    expect(fallback.issuer.url).toBe(organization.vanity_url);
    expect(fallback).toMatchObject({
      skills: [],
      sectors: [],
      level: null,
      estimatedDuration: null,
      cost: null,
      sourceTypes: [],
    });
    expect(fallback.credentialType).toBe('BADGE');
    expect(credentialRecordProblems(fallback)).toEqual([]);
  });
});

describe('stacking', () => {
  const [a, b, c] = [
    'aaaaaaaa-0000-5000-8000-000000000001',
    'aaaaaaaa-0000-5000-8000-000000000002',
    'AAAAAAAA-0000-5000-8000-000000000003',
  ];
  const requiring = (fields: Partial<CredlyBadgeTemplate>): CredlyBadgeTemplate => ({
    id: template.id,
    name: 'Requiring',
    state: 'active',
    public: true,
    ...fields,
  });

  it('reads prerequisites as objects or bare ids, then from "earn that badge" activities, once each', () => {
    const stacked = requiring({
      required_badge_templates: [{ id: a, name: 'A' }, b, { id: 'not-a-uuid' }, a.toUpperCase(), template.id],
      badge_template_activities: [
        { id: '1', title: 'Earn B', required_badge_template_id: b },
        { id: '2', title: 'Earn C', required_badge_template_id: c },
        { id: '3', title: 'Pass the exam' },
      ],
    });
    expect(requiredTemplateIds(stacked)).toEqual([a, b, c]);
    expect(requiredTemplateIds(requiring({}))).toEqual([]);
  });

  it('makes each published prerequisite PREPARED_BY, without order, so that it answers preparesFor', () => {
    const stacked = requiring({ required_badge_templates: [a, b, c] });
    expect(relationsOf(stacked, (id) => id !== b)).toEqual([
      { type: 'PREPARED_BY', target: `credly:template:${a}`, order: null },
      { type: 'PREPARED_BY', target: `credly:template:${c}`, order: null },
    ]);
    expect(toCredentialRecord(stacked, organization, FETCHED_AT).relations).toHaveLength(3);
  });

  it('identifies a template by its Credly id, and by its public page when it has one', () => {
    expect(identifiersOf(requiring({ url: 'javascript:alert(1)' }))).toEqual([
      { scheme: 'CREDLY_TEMPLATE', value: template.id },
    ]);
    expect(identifiersOf(template)).toEqual([
      { scheme: 'CREDLY_TEMPLATE', value: template.id },
      { scheme: 'URL', value: template.url },
    ]);
  });
});

describe('field mappings', () => {
  it('maps every Credly type_category and keeps unknown ones a badge', () => {
    expect(credentialTypeOf('Certification')).toBe('CERTIFICATION');
    expect(credentialTypeOf('Learning')).toBe('CERTIFICATE_OF_COMPLETION');
    expect(credentialTypeOf('validation')).toBe('ASSESSMENT');
    expect(credentialTypeOf('Experience')).toBe('BADGE');
    expect(credentialTypeOf('Something New')).toBe('BADGE');
    expect(credentialTypeOf(null)).toBe('BADGE');
  });

  it('maps level labels to bands, and unknown labels to null rather than a guess', () => {
    expect(levelOf('Foundational')).toBe('INTRODUCTORY');
    expect(levelOf('Intermediate')).toBe('INTERMEDIATE');
    expect(levelOf('Advanced')).toBe('ADVANCED');
    expect(levelOf('Expert')).toBe('EXPERT');
    expect(levelOf('entry-level')).toBe('INTRODUCTORY');
    expect(levelOf('Level 3')).toBeNull();
    expect(levelOf(undefined)).toBeNull();
  });

  it('knows a price only for free templates', () => {
    expect(costOf('Free')).toEqual({ amount: 0, currency: 'USD' });
    expect(costOf('Paid')).toBeNull();
    expect(costOf(null)).toBeNull();
  });

  it('takes sectors from reporting tags that name one', () => {
    expect(sectorsOf(['Healthcare', 'Technology', 'Health IT'])).toEqual(['HEALTHCARE', 'TECHNOLOGY']);
    expect(sectorsOf(['advanced-manufacturing', 'sector:Finance', 'ARTS_AND_MEDIA', 'Arts & Media'])).toEqual(
      ['ADVANCED_MANUFACTURING', 'FINANCE', 'ARTS_AND_MEDIA'],
    );
    expect(sectorsOf(['Cloud Computing'])).toEqual([]);
    expect(sectorsOf(null)).toEqual([]);
  });

  it('reads skills as objects or as the bare strings of older payloads, once each', () => {
    expect(skillsOf(['Welding', { id: 's', name: 'welding' }, { id: 't', name: ' ' }, 'GD&T'])).toEqual([
      { label: 'Welding', framework: 'PROVIDER', code: null, url: null },
      { label: 'GD&T', framework: 'PROVIDER', code: null, url: null },
    ]);
  });
});

describe('effortOf', () => {
  const activity = (title: string, required: string | null = null): CredlyActivity => ({
    id: title,
    title,
    required_badge_template_id: required,
  });

  it('sums the amounts every activity states, normalising minutes into hours', () => {
    expect(effortOf([activity('Complete the 12-hour course'), activity('Pass the 60-minute check')])).toBe(
      'PT13H',
    );
    expect(effortOf([activity('Pass the 130-minute exam')])).toBe('PT2H10M');
    expect(effortOf([activity('Complete the 1.5 hour lab')])).toBe('PT1H30M');
    expect(effortOf([activity('Log 2,000 hours of supervised practice')])).toBe('PT2000H');
    expect(effortOf([activity('Document 2 years of experience'), activity('Pass the 3-hour exam')])).toBe(
      'P2YT3H',
    );
    expect(effortOf([activity('Complete 6 weeks of rotation'), activity('Attend a 2-day workshop')])).toBe(
      'P6W2D',
    );
  });

  it('leaves out prerequisite badges, whose effort belongs to their own template', () => {
    expect(effortOf([activity('Earn the Foundations badge', 'x'), activity('Pass the 2-hour exam')])).toBe(
      'PT2H',
    );
  });

  it('is null when any own activity states no amount, or when there is none', () => {
    expect(
      effortOf([activity('Complete the 40-hour course'), activity('Submit a capstone project')]),
    ).toBeNull();
    expect(effortOf([activity('Perform 10 supervised 12-lead EKGs')])).toBeNull();
    expect(effortOf([activity('Earn the Foundations badge', 'x')])).toBeNull();
    expect(effortOf([])).toBeNull();
    expect(effortOf(undefined)).toBeNull();
  });
});

describe('toDetails', () => {
  it('keeps raw values raw and normalises the shapes of references and skills', () => {
    const details = toDetails(template);
    expect(details).toMatchObject({
      id: template.id,
      state: 'active',
      public: true,
      level: 'Intermediate',
      timeToEarn: 'Weeks',
      cost: 'Paid',
      typeCategory: 'Certification',
      vanitySlug: 'network-security-administrator',
      imageUrl: template.image_url,
      reportingTags: ['Technology', 'Networking', 'Cybersecurity'],
      owner: {
        id: organization.id,
        name: organization.name,
        type: 'Organization',
        vanityUrl: null,
        verified: true,
      },
      createdAt: template.created_at,
      updatedAt: template.updated_at,
    });
    expect(details.skills).toEqual([
      { id: 'skill-1', name: 'Network Security', vanitySlug: 'network-security' },
      { id: 'skill-2', name: 'Firewalls', vanitySlug: 'firewalls' },
      { id: null, name: 'network security', vanitySlug: null },
    ]);
    expect(details.recommendations).toEqual([
      { id: 'bbbbbbbb-bbbb-5ccc-8ddd-eeeeeeeeeeee', name: null, url: null },
    ]);
    expect(details.requiredBadgeTemplates).toEqual([
      { id: 'cccccccc-bbbb-5ccc-8ddd-eeeeeeeeeeee', name: 'Networking Fundamentals', url: null },
    ]);
    expect(details.activities[0]).toEqual({
      id: 'a1',
      title: 'Earn the Networking Fundamentals badge',
      activityType: 'Badge',
      url: null,
      requiredBadgeTemplateId: 'cccccccc-bbbb-5ccc-8ddd-eeeeeeeeeeee',
    });
    expect(details.alignments[0]).toEqual({
      name: 'Information Security Analysts',
      url: 'https://www.onetonline.org/link/summary/15-1212.00',
      description: null,
      code: '15-1212.00',
    });
  });
});

describe('the sample data', () => {
  const organizations = readProjectJson<CredlyOrganization[]>(
    'subgraphs/credly/standin/data/organizations.json',
  );
  const templates = readProjectJson<CredlyBadgeTemplate[]>(
    'subgraphs/credly/standin/data/badge_templates.json',
  );

  it('states the documented stacks, e.g. Lean Six Sigma Yellow → Green → Black Belt', () => {
    const byName = (name: string) => templates.find((item) => item.name === name)!;
    const [yellow, green, black] = ['Yellow', 'Green', 'Black'].map((belt) =>
      byName(`Lean Six Sigma ${belt} Belt`),
    );
    const org = organizations.find((candidate) => candidate.id === green!.owner?.id)!;
    expect(toCredentialRecord(green!, org, FETCHED_AT).relations).toEqual([
      { type: 'PREPARED_BY', target: `credly:template:${yellow!.id}`, order: null },
    ]);
    expect(toCredentialRecord(black!, org, FETCHED_AT).relations).toEqual([
      { type: 'PREPARED_BY', target: `credly:template:${green!.id}`, order: null },
    ]);
    expect(toCredentialRecord(yellow!, org, FETCHED_AT).relations).toEqual([]);
  });

  it('maps every template without problems, with plausible effort where stated', () => {
    for (const item of templates) {
      const org = organizations.find((candidate) => candidate.id === item.owner?.id)!;
      const record = toCredentialRecord(item, org, FETCHED_AT);
      expect(credentialRecordProblems(record), item.name).toEqual([]);
      expect(record.sectors.length, item.name).toBeGreaterThan(0);
      expect(record.level, item.name).not.toBeNull();
      if (record.estimatedDuration !== null) {
        expect(durationToHours(record.estimatedDuration), item.name).toBeGreaterThan(0);
      }
    }
  });

  it('is what readConfig harvests by default', () => {
    expect(DEFAULT_CREDLY_ORGANIZATION_IDS).toEqual(organizations.map((org) => org.id));
  });
});

describe('readConfig', () => {
  it('defaults to the stand-in and its demo token', () => {
    expect(readConfig({})).toEqual({
      baseUrl: 'http://127.0.0.1:4102/v1/',
      apiToken: 'credgraph-demo-credly-token',
      organizationIds: [...DEFAULT_CREDLY_ORGANIZATION_IDS],
      timeoutMs: 10_000,
      pageSize: 25,
    });
  });

  it('reads every setting, normalising the base URL and organization list', () => {
    const config = readConfig({
      CREDLY_BASE_URL: 'https://api.credly.com/v1',
      CREDLY_API_TOKEN: 'secret',
      CREDLY_ORGANIZATION_IDS:
        ' D2264779-FD7D-556A-9632-25A4879630EE , d2264779-fd7d-556a-9632-25a4879630ee,',
      CREDLY_TIMEOUT_MS: '2500',
      CREDLY_PAGE_SIZE: '100',
    });
    expect(config).toEqual({
      baseUrl: 'https://api.credly.com/v1/',
      apiToken: 'secret',
      organizationIds: ['d2264779-fd7d-556a-9632-25a4879630ee'],
      timeoutMs: 2500,
      pageSize: 100,
    });
  });

  it('names the variable at fault', () => {
    expect(() => readConfig({ CREDLY_BASE_URL: 'ftp://x' })).toThrow(/CREDLY_BASE_URL/);
    expect(() => readConfig({ CREDLY_ORGANIZATION_IDS: 'acme' })).toThrow(/CREDLY_ORGANIZATION_IDS/);
    expect(() => readConfig({ CREDLY_ORGANIZATION_IDS: ' , ' })).toThrow(/CREDLY_ORGANIZATION_IDS/);
    expect(() => readConfig({ CREDLY_PAGE_SIZE: '101' })).toThrow(/CREDLY_PAGE_SIZE/);
    expect(() => readConfig({ CREDLY_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
  });
});
