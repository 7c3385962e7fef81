import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, readLabelledSet } from './eval/measure.js';
import {
  americanSpelling,
  editDistance,
  foldedKey,
  foldTokens,
  singular,
  slugOf,
  splitQualifiers,
  withoutFiller,
} from './folding.js';
import { loadSkillsData } from './loadData.js';
import { SkillNormalizer, type VocabularyEntry } from './normalizer.js';
import { loadVocabulary, type RunningSkills, startSkillsSubgraph } from './skills.js';
import { parseCsv, parseTsv } from './tabular.js';
import { skillsTypeDefs } from './typeDefs.js';

/** The canonical ids the catalog and the README rely on. */
const CANONICAL = {
  cybersecurity: 'credgraph:cybersecurity',
  cloudComputing: 'credgraph:cloud-computing',
  python: 'credgraph:python',
  phlebotomy: 'credgraph:phlebotomy',
  cncMachining: 'credgraph:cnc-machining',
  welding: 'credgraph:welding',
  infectionControl: 'credgraph:infection-control',
  patientCare: 'credgraph:patient-care',
  dataAnalysis: 'credgraph:data-analysis',
  networkSecurity: 'credgraph:network-security',
};

const entry = (id: string, name: string, altLabels: string[] = [], rank = 0): VocabularyEntry => ({
  id,
  name,
  altLabels,
  rank,
});

/** A small hand-made vocabulary, so that each rule is tested on its own and not through the shipped data. */
const miniVocabulary = [
  entry('x:cyber', 'Cybersecurity', ['Information Security', 'InfoSec']),
  entry('x:python', 'Python', ['Python Programming']),
  entry('x:java', 'Java'),
  entry('x:javascript', 'JavaScript'),
  entry('x:phlebotomy', 'Phlebotomy', ['Venipuncture']),
  entry('x:tig', 'TIG Welding'),
  entry('x:welding', 'Welding'),
  entry('x:icd10cm', 'ICD-10-CM'),
  entry('x:paediatrics', 'Paediatric Nursing'),
  entry('x:stats-software', 'Statistical analysis software', [], 5),
  entry('x:troubleshooting', 'Troubleshooting'),
  entry('x:c++', 'C++'),
  entry('x:c#', 'C#'),
  entry('x:node', 'Node.js'),
  entry('x:shared-low', 'Quality Control', [], 1),
  entry('x:shared-high', 'Quality Control', [], 0),
  entry('x:alt-only', 'Assure Quality', ['Quality Assurance'], 0),
  entry('x:preferred', 'Quality Assurance', [], 9),
];
const mini = new SkillNormalizer(miniVocabulary);

describe('label folding', () => {
  it('folds case, diacritics, ampersands, apostrophes and punctuation', () => {
    expect(foldTokens('Anatomy & Physiology')).toEqual(['anatomy', 'physiology']);
    expect(foldTokens('Anatomy and Physiology')).toEqual(['anatomy', 'physiology']);
    expect(foldTokens('Électricité Générale')).toEqual(['electricite', 'generale']);
    expect(foldTokens("Machinists' Calculator")).toEqual(['machinist', 'calculator']);
    expect(foldTokens('Cyber-Security')).toEqual(['cyber', 'security']);
    expect(foldTokens('C++ / C#')).toEqual(['c++', 'c#']);
  });

  it('folds plurals to singulars without touching -ss, -us, -is words', () => {
    expect(singular('firewalls')).toBe('firewall');
    expect(singular('technologies')).toBe('technology');
    expect(singular('switches')).toBe('switch');
    expect(singular('analysis')).toBe('analysis');
    expect(singular('process')).toBe('process');
    expect(singular('status')).toBe('status');
    expect(singular('aws')).toBe('aws');
  });

  it('rewrites British spellings to American ones', () => {
    expect(americanSpelling('visualisation')).toBe('visualization');
    expect(americanSpelling('analyse')).toBe('analyze');
    expect(americanSpelling('modelling')).toBe('modeling');
    expect(americanSpelling('behaviour')).toBe('behavior');
    expect(americanSpelling('centre')).toBe('center');
    expect(americanSpelling('paediatric')).toBe('pediatric');
    expect(americanSpelling('haematology')).toBe('hematology');
    expect(foldedKey('Programmes of Practise')).toBe(foldedKey('program practice'));
  });

  it('treats words that name Object.prototype members as plain words', () => {
    expect(foldTokens('Constructor toString valueOf')).toEqual(['constructor', 'tostring', 'valueof']);
  });

  it('splits parenthetical and bracketed qualifiers off a label', () => {
    expect(splitQualifiers('Python (Programming Language)')).toEqual({
      base: 'Python',
      qualifiers: ['Programming Language'],
    });
    expect(splitQualifiers('Electrocardiography (ECG/EKG) [Advanced]')).toEqual({
      base: 'Electrocardiography',
      qualifiers: ['ECG/EKG', 'Advanced'],
    });
    expect(splitQualifiers('(SIEM)')).toEqual({ base: '(SIEM)', qualifiers: [] });
  });

  it('drops course-level filler at either end, but never the whole label', () => {
    expect(withoutFiller(foldTokens('Introduction to Cyber Security'))).toEqual(['cyber', 'security']);
    expect(withoutFiller(foldTokens('Python Basics'))).toEqual(['python']);
    expect(withoutFiller(foldTokens('Welding Techniques'))).toEqual(['welding']);
    expect(withoutFiller(foldTokens('Fundamentals'))).toBeNull();
    expect(withoutFiller(foldTokens('Welding'))).toBeNull();
  });

  it('measures edit distance with transpositions and stops past the limit', () => {
    expect(editDistance('phlebotomy', 'phlebotemy', 2)).toBe(1);
    expect(editDistance('cybersecuirty', 'cybersecurity', 2)).toBe(1);
    expect(editDistance('welding', 'wedding', 2)).toBe(1);
    expect(editDistance('slicing', 'pricing', 1)).toBe(2);
    expect(editDistance('abc', 'abcdefgh', 2)).toBe(3);
  });

  it('makes readable slugs that keep C++ and C# apart from C', () => {
    expect(slugOf('C++')).toBe('c-plus-plus');
    expect(slugOf('C#')).toBe('c-sharp');
    expect(slugOf('Microsoft Excel')).toBe('microsoft-excel');
    expect(slugOf('AWS Elastic MapReduce (EMR)')).toBe('aws-elastic-mapreduce-emr');
  });
});

describe('tabular readers', () => {
  it('parses RFC 4180 CSV with quoted commas, doubled quotes, multi-line fields, CRLF and a BOM', () => {
    const text = '\uFEFFid,label,alt\r\n1,"a, b","line one\nline two"\r\n2,"say ""hi""",\n3,plain,last';
    expect(parseCsv(text)).toEqual([
      { id: '1', label: 'a, b', alt: 'line one\nline two' },
      { id: '2', label: 'say "hi"', alt: '' },
      { id: '3', label: 'plain', alt: 'last' },
    ]);
  });

  it('rejects CSV that ends inside a quoted field or rows of the wrong width', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(/quoted field/);
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/3 fields/);
  });

  it('parses TSV with quoting off: a quote is an ordinary character', () => {
    expect(parseTsv('Code\tExample\r\n11-1011.00\t"Quoted" name\r\n')).toEqual([
      { Code: '11-1011.00', Example: '"Quoted" name' },
    ]);
  });
});

describe('the normaliser', () => {
  it('matches a preferred name exactly and an alternative label as ALT_LABEL', () => {
    expect(mini.normalize('cybersecurity')).toEqual({
      label: 'cybersecurity',
      skillId: 'x:cyber',
      skillName: 'Cybersecurity',
      confidence: 1,
      match: 'EXACT',
    });
    expect(mini.normalize('Information Security')).toMatchObject({
      skillId: 'x:cyber',
      match: 'ALT_LABEL',
      confidence: 0.95,
    });
  });

  it('meets a split or joined compound through the run-together form', () => {
    expect(mini.normalize('Cyber Security')).toMatchObject({ skillId: 'x:cyber', match: 'EXACT' });
    expect(mini.normalize('Cyber Security').confidence).toBeLessThan(1);
    expect(mini.normalize('Java Script')).toMatchObject({ skillId: 'x:javascript' });
    expect(mini.normalize('NodeJS')).toMatchObject({ skillId: 'x:node' });
  });

  it('strips qualifiers, then tries a qualifier alone', () => {
    expect(mini.normalize('Python (Programming Language)')).toMatchObject({
      skillId: 'x:python',
      match: 'EXACT',
      confidence: 0.95,
    });
    expect(mini.normalize('Blood Drawing (Phlebotomy)')).toMatchObject({
      skillId: 'x:phlebotomy',
      confidence: 0.9,
    });
  });

  it('forgives a typo as FUZZY with a confidence of at most 0.9', () => {
    const typo = mini.normalize('Phlebotemy');
    expect(typo).toMatchObject({ skillId: 'x:phlebotomy', match: 'FUZZY' });
    expect(typo.confidence).toBeGreaterThanOrEqual(0.8);
    expect(typo.confidence).toBeLessThanOrEqual(0.9);
    expect(mini.normalize('Cybersecuirty')).toMatchObject({ skillId: 'x:cyber', match: 'FUZZY' });
  });

  it('matches after course-level filler as FUZZY 0.9', () => {
    expect(mini.normalize('Python Basics')).toEqual({
      label: 'Python Basics',
      skillId: 'x:python',
      skillName: 'Python',
      confidence: 0.9,
      match: 'FUZZY',
    });
    expect(mini.normalize('Programming in Python')).toMatchObject({ skillId: 'x:python', match: 'FUZZY' });
  });

  it('keeps near-misses unmatched, with their label', () => {
    for (const label of ['Wedding Planning', 'Network Troubleshooting', 'Deep Learning', 'Java EE']) {
      expect(mini.normalize(label)).toEqual({
        label,
        skillId: null,
        skillName: null,
        confidence: 0,
        match: 'NONE',
      });
    }
  });

  it('never lets numbers or short words differ', () => {
    expect(mini.normalize('ICD-10-PCS').skillId).toBeNull();
    expect(mini.normalize('ICD 10 CM').skillId).toBe('x:icd10cm');
    expect(mini.normalize('MIG Welding').skillId).toBeNull();
    expect(mini.normalize('C').skillId).toBeNull();
    expect(mini.normalize('C#').skillId).toBe('x:c#');
  });

  it('never pairs a skill with the software class of the same name', () => {
    expect(mini.normalize('Statistical Analysis').skillId).toBeNull();
    expect(mini.normalize('Statistical Analysis Software').skillId).toBe('x:stats-software');
  });

  it('prefers a preferred name over an alternative label, then the lower rank', () => {
    expect(mini.normalize('Quality Control').skillId).toBe('x:shared-high');
    expect(mini.normalize('Quality Assurance').skillId).toBe('x:preferred');
  });

  it('folds British spellings on both sides', () => {
    expect(mini.normalize('Pediatric Nursing')).toMatchObject({ skillId: 'x:paediatrics', match: 'EXACT' });
  });

  it('answers in order, and keeps empty or punctuation-only labels unmatched', () => {
    const results = mini.normalizeAll(['Java', '', '—', 'JavaScript', 'Java']);
    expect(results.map((result) => result.skillId)).toEqual(['x:java', null, null, 'x:javascript', 'x:java']);
    expect(results[2]!.label).toBe('—');
  });

  it('accepts a stricter threshold', () => {
    const strict = new SkillNormalizer(miniVocabulary, { threshold: 0.95 });
    expect(strict.normalize('Phlebotemy').skillId).toBeNull();
    expect(strict.normalize('Venipuncture').skillId).toBe('x:phlebotomy');
  });
});

describe('the shipped vocabulary', () => {
  const vocabulary = loadVocabulary();

  it('loads ESCO, O*NET and the curated skills in well under the start-up budget', () => {
    const started = performance.now();
    const data = loadSkillsData();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    expect(data.skills.size).toBeGreaterThan(9000);
    expect(data.occupations.size).toBe(1016 + 2942);
    const sources = new Set([...data.skills.values()].map((skill) => skill.source));
    expect([...sources].sort()).toEqual([
      'CREDGRAPH',
      'ESCO_FIELD',
      'ESCO_GROUP',
      'ESCO_SKILL',
      'ONET_COMMODITY',
      'ONET_KNOWLEDGE',
      'ONET_SKILL',
      'ONET_TECHNOLOGY',
    ]);
  });

  it('files three providers\u2019 labels for the same skill under one canonical Skill', () => {
    const results = vocabulary.normalize(['Cyber Security', 'cybersecurity', 'Information Security']);
    expect(new Set(results.map((result) => result.skillId))).toEqual(new Set([CANONICAL.cybersecurity]));
    expect(results.map((result) => result.match)).toEqual(['ALT_LABEL', 'EXACT', 'ALT_LABEL']);
  });

  it('has every documented canonical skill, as a curated CREDGRAPH skill', () => {
    for (const id of Object.values(CANONICAL)) {
      const skill = vocabulary.skill(id);
      expect(skill, id).not.toBeNull();
      expect(skill!.framework).toBe('CREDGRAPH');
      expect(vocabulary.normalize([skill!.name])[0]).toMatchObject({ skillId: id, match: 'EXACT' });
    }
  });

  it('gives one skill per O*NET technology example (no slug collisions)', () => {
    const examples = new Set(
      parseTsv(readFileSync(new URL('./data/onet/Technology Skills.txt', import.meta.url), 'utf8')).map(
        (row) => row.Example!,
      ),
    );
    const technologies = [...loadSkillsData().skills.values()].filter(
      (skill) => skill.source === 'ONET_TECHNOLOGY',
    );
    expect(technologies.length).toBe(examples.size);
  });

  it('links a curated skill both ways with the concepts it claims as sameAs', () => {
    const python = vocabulary.skill(CANONICAL.python)!;
    const onetPython = vocabulary.skill('onet-tech:python')!;
    expect(python.sameAs).toEqual(['onet-tech:python']);
    expect(onetPython.sameAs).toEqual([CANONICAL.python]);
    expect(vocabulary.canonicalId('onet-tech:python')).toBe(CANONICAL.python);
    const occupations = vocabulary.occupationsOf(python, 100).map((occupation) => occupation.id);
    expect(occupations).toContain('onet:15-1252.00');
    expect(vocabulary.occupationsOf(onetPython, 100).map((occupation) => occupation.id)).toEqual(occupations);
  });

  it('links O*NET occupations to canonical skills, curated links and in-demand technologies first', () => {
    const analysts = vocabulary.occupation('onet:15-1212.00')!;
    const skills = vocabulary.skillsOf(analysts, 10_000).map((skill) => skill.id);
    expect(skills[0]).toBe(CANONICAL.cybersecurity);
    expect(skills).toContain(CANONICAL.networkSecurity);
    expect(skills).toContain('credgraph:linux');
    // The O*NET example "Python" is filed under the curated skill, never under its own id.
    expect(skills).not.toContain('onet-tech:python');
    expect(skills.some((id) => id.startsWith('onet-commodity:'))).toBe(true);
    expect(analysts.jobZone).toBe(4);
    expect(vocabulary.related(analysts).map((occupation) => occupation.id)).toContain('onet:15-1299.05');
  });

  it('links ESCO occupations through curated skills and relates them by ISCO unit group', () => {
    const phlebotomist = vocabulary.occupation('esco:occupation:5ee264b2-9bc5-40f6-9db3-c87143af6b2d')!;
    expect(phlebotomist).toMatchObject({
      title: 'phlebotomist',
      framework: 'ESCO',
      code: '5329',
      jobZone: null,
    });
    expect(vocabulary.skillsOf(phlebotomist, 10).map((skill) => skill.id)).toContain(CANONICAL.phlebotomy);
    const related = vocabulary.related(phlebotomist);
    expect(related.length).toBeGreaterThan(0);
    expect(related.every((occupation) => occupation.code === '5329')).toBe(true);
  });

  it('reaches the ESCO hierarchy through broader', () => {
    const group = vocabulary.skill('esco:skill:S5.2.1')!;
    expect(vocabulary.broader(group).map((skill) => skill.id)).toEqual(['esco:skill:S5.2']);
    const transversal = vocabulary.skill('esco:skill:60c78287-22eb-4103-9c8c-28deaa460da0')!;
    expect(transversal.name).toBe('work in teams');
    expect(transversal.sameAs).toEqual(['credgraph:teamwork']);
  });

  it('normalises the labelled set with a precision of at least 0.9', () => {
    const cases = readLabelledSet();
    expect(cases.length).toBeGreaterThanOrEqual(120);
    expect(cases.some((item) => item.expected === null)).toBe(true);
    const evaluation = evaluate((labels) => vocabulary.normalize(labels), cases);
    expect(evaluation.precision).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.recall).toBeGreaterThanOrEqual(0.8);
  });
});

describe('the skills subgraph over HTTP', () => {
  let server: RunningSkills;

  beforeAll(async () => {
    server = await startSkillsSubgraph({ port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as never;
  }

  async function normalize(body: unknown, init: RequestInit = {}) {
    const response = await fetch(server.normalizeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('serves POST /normalize beside /graphql, in the order given', async () => {
    expect(server.normalizeUrl).toBe(server.url.replace('/graphql', '/normalize'));
    const labels = ['Cyber Security', 'Phlebotemy', 'Basket Weaving Deluxe', 'Python (Programming Language)'];
    const { status, body } = await normalize({ labels });
    expect(status).toBe(200);
    expect(body).toEqual({
      results: [
        {
          label: 'Cyber Security',
          skillId: CANONICAL.cybersecurity,
          skillName: 'Cybersecurity',
          confidence: 0.95,
          match: 'ALT_LABEL',
        },
        {
          label: 'Phlebotemy',
          skillId: CANONICAL.phlebotomy,
          skillName: 'Phlebotomy',
          confidence: expect.any(Number),
          match: 'FUZZY',
        },
        { label: 'Basket Weaving Deluxe', skillId: null, skillName: null, confidence: 0, match: 'NONE' },
        {
          label: 'Python (Programming Language)',
          skillId: CANONICAL.python,
          skillName: 'Python',
          confidence: 0.95,
          match: 'EXACT',
        },
      ],
    });
  });

  it('accepts 1000 labels and refuses 1001', async () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'Welding' : `Unknown skill ${i}`));
    const ok = await normalize({ labels });
    expect(ok.status).toBe(200);
    expect((ok.body.results as unknown[]).length).toBe(1000);
    const tooMany = await normalize({ labels: [...labels, 'one more'] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'TOO_MANY_LABELS' } });
  });

  it('answers bad /normalize requests with a status and an error code', async () => {
    const get = await fetch(server.normalizeUrl);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await normalize('{not json')).body).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect((await normalize('{not json')).status).toBe(400);
    for (const body of [{}, { labels: 'Welding' }, { labels: ['Welding', 3] }, null]) {
      const answer = await normalize(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    const huge = await normalize({ labels: ['x'.repeat(1_100_000)] });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers skill(id) with its framework, links and occupations', async () => {
    const { data, errors } = await graphql<{ skill: Record<string, unknown> }>(
      `query ($id: ID!) {
        skill(id: $id) {
          id name description framework code url altLabels
          broader { id name }
          sameAs { id framework }
          occupations(first: 3) { id title framework }
        }
      }`,
      { id: CANONICAL.python },
    );
    expect(errors).toBeUndefined();
    expect(data!.skill).toMatchObject({
      id: CANONICAL.python,
      name: 'Python',
      framework: 'CREDGRAPH',
      code: null,
      url: null,
      broader: [{ id: 'esco:skill:21d2f96d-35f7-4e3f-9745-c533d2dd6e97', name: 'computer programming' }],
      sameAs: [{ id: 'onet-tech:python', framework: 'ONET' }],
    });
    expect(data!.skill.altLabels).toContain('Python Programming');
    expect(data!.skill.occupations).toHaveLength(3);

    const esco = await graphql<{ skill: Record<string, unknown> }>(
      '{ skill(id: "esco:skill:S5.2") { name framework code url } }',
    );
    expect(esco.data!.skill).toEqual({
      name: 'setting up and protecting computer systems',
      framework: 'ESCO',
      code: 'S5.2',
      url: 'http://data.europa.eu/esco/skill/S5.2',
    });
    const onet = await graphql<{ skill: Record<string, unknown> }>(
      '{ skill(id: "onet:2.A.2.a") { name framework code broader { id } } }',
    );
    expect(onet.data!.skill).toEqual({
      name: 'Critical Thinking',
      framework: 'ONET',
      code: '2.A.2.a',
      broader: [{ id: 'onet:2.A.2' }],
    });
    expect((await graphql('{ skill(id: "credgraph:no-such-skill") { id } }')).data).toEqual({ skill: null });
  });

  it('pages skills(query) with opaque cursors', async () => {
    const query = `query ($after: String) {
      skills(query: "security", first: 3, after: $after) {
        totalCount
        edges { cursor node { id name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;
    type Page = {
      skills: {
        totalCount: number;
        edges: Array<{ cursor: string; node: { id: string; name: string } }>;
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
      };
    };
    const first = await graphql<Page>(query);
    expect(first.errors).toBeUndefined();
    const page = first.data!.skills;
    expect(page.totalCount).toBeGreaterThan(6);
    expect(page.edges).toHaveLength(3);
    expect(page.edges[0]!.node.name.toLowerCase()).toContain('security');
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await graphql<Page>(query, { after: page.pageInfo.endCursor });
    expect(second.data!.skills.pageInfo.hasPreviousPage).toBe(true);
    const ids = [...page.edges, ...second.data!.skills.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(6);

    const exact = await graphql<Page>(
      '{ skills(query: "Cybersecurity", first: 1) { edges { node { id } } } }',
    );
    expect(exact.data!.skills.edges[0]!.node.id).toBe(CANONICAL.cybersecurity);

    const bad = await graphql('{ skills(after: "not-a-cursor") { totalCount } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await graphql('{ skills(first: 101) { totalCount } }');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers occupation(id) and occupations(query)', async () => {
    const { data, errors } = await graphql<{
      occupation: Record<string, unknown> & { skills: Array<{ id: string }>; relatedOccupations: unknown[] };
      occupations: Array<{ id: string; title: string }>;
    }>(`{
      occupation(id: "onet:31-9097.00") {
        id title description framework code url jobZone
        skills(first: 5) { id name }
        relatedOccupations { id title }
      }
      occupations(query: "phlebotomist", first: 5) { id title framework }
    }`);
    expect(errors).toBeUndefined();
    expect(data!.occupation).toMatchObject({
      id: 'onet:31-9097.00',
      title: 'Phlebotomists',
      framework: 'ONET',
      code: '31-9097.00',
      url: 'https://www.onetonline.org/link/summary/31-9097.00',
    });
    expect(data!.occupation.jobZone).toEqual(expect.any(Number));
    expect(data!.occupation.skills[0]!.id).toBe(CANONICAL.phlebotomy);
    expect(data!.occupation.relatedOccupations.length).toBeGreaterThan(0);
    expect(data!.occupations.map((occupation) => occupation.id)).toEqual(
      expect.arrayContaining(['onet:31-9097.00', 'esco:occupation:5ee264b2-9bc5-40f6-9db3-c87143af6b2d']),
    );
    expect((await graphql('{ occupation(id: "onet:00-0000.00") { id } }')).data).toEqual({
      occupation: null,
    });
  });

  it('normalizes labels through GraphQL too', async () => {
    const { data } = await graphql<{ normalizeSkills: unknown[] }>(`{
      normalizeSkills(labels: ["cybersecurity", "Underwater Basket Weaving"]) {
        label confidence match skill { id name }
      }
    }`);
    expect(data!.normalizeSkills).toEqual([
      {
        label: 'cybersecurity',
        confidence: 1,
        match: 'EXACT',
        skill: { id: CANONICAL.cybersecurity, name: 'Cybersecurity' },
      },
      { label: 'Underwater Basket Weaving', confidence: 0, match: null, skill: null },
    ]);
  });

  it('resolves Skill and Occupation references for the gateway', async () => {
    const { data, errors } = await graphql<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Skill { id name occupations(first: 1) { id } }
          ... on Occupation { id title }
        }
      }`,
      {
        representations: [
          { __typename: 'Skill', id: CANONICAL.welding },
          { __typename: 'Occupation', id: 'onet:51-4121.00' },
          { __typename: 'Skill', id: 'label:no-such-skill' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([
      { id: CANONICAL.welding, name: 'Welding', occupations: [{ id: expect.any(String) }] },
      { id: 'onet:51-4121.00', title: 'Welders, Cutters, Solderers, and Brazers' },
      null,
    ]);
  });

  it('composes with a catalog that adds Skill.credentials and shares PageInfo', async () => {
    const { data } = await graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const catalogStub = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
      type Skill @key(fields: "id") { id: ID! credentials: [String!]! }
      type PageInfo @shareable {
        hasNextPage: Boolean!
        hasPreviousPage: Boolean!
        startCursor: String
        endCursor: String
      }
      enum SkillMatchKind { EXACT ALT_LABEL FUZZY }
      type Query { credentialCount: Int! page: PageInfo! match: SkillMatchKind }
    `;
    const result = composeServices([
      { name: 'catalog', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(catalogStub) },
      { name: 'skills', url: server.url, typeDefs: parse(data!._service.sdl) },
    ]);
    expect(result.errors).toBeUndefined();
    expect(parse(skillsTypeDefs)).toBeTruthy();
  });
});
