import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../kit/index.js';
import { slugOf } from './folding.js';
import { SkillNormalizer, type VocabularyEntry } from './normalizer.js';
import { parseCsv, parseTsv, type Row } from './tabular.js';

/** Where a skill comes from, which also orders concepts that share a label (earlier wins). */
export const SKILL_SOURCES = [
  'CREDGRAPH',
  'ESCO_SKILL',
  'ONET_SKILL',
  'ESCO_GROUP',
  'ONET_KNOWLEDGE',
  'ESCO_FIELD',
  'ONET_TECHNOLOGY',
  'ONET_COMMODITY',
] as const;
export type SkillSource = (typeof SKILL_SOURCES)[number];

export type SkillFrameworkValue = 'ESCO' | 'ONET' | 'CREDGRAPH';

export interface SkillNode {
  id: string;
  name: string;
  description: string | null;
  framework: SkillFrameworkValue;
  source: SkillSource;
  code: string | null;
  url: string | null;
  altLabels: string[];
  broader: string[];
  sameAs: string[];
  /** Depth in its hierarchy (1 = top); breaks ties between concepts of one source that share a label. */
  depth: number;
  /** Whether provider labels may match it (false for "not elsewhere classified" groups and the roots). */
  matchable: boolean;
}

export interface OccupationNode {
  id: string;
  title: string;
  description: string | null;
  framework: 'ESCO' | 'ONET';
  code: string;
  url: string | null;
  /** Other titles, for search only. */
  altTitles: string[];
  jobZone: number | null;
  related: string[];
}

/** Everything the skills subgraph serves, in memory. */
export interface SkillsData {
  skills: Map<string, SkillNode>;
  occupations: Map<string, OccupationNode>;
  /** For a concept that a curated credgraph skill claims as sameAs: that curated skill's id. */
  canonicalOf: Map<string, string>;
  /** Canonical skill id → occupations that use it, best first. */
  occupationsOfSkill: Map<string, string[]>;
  /** Occupation id → its canonical skills, best first. */
  skillsOfOccupation: Map<string, string[]>;
  normalizer: SkillNormalizer;
}

/** The data folder in the source tree; the same path works from `dist/`, since data files are not compiled. */
export const DEFAULT_DATA_DIR = 'subgraphs/skills/data';

const ESCO_BASE = 'http://data.europa.eu/esco/';
const ONET_OCCUPATION_URL = 'https://www.onetonline.org/link/summary/';
/** How many ESCO occupations of the same ISCO unit group `relatedOccupations` lists. */
const ESCO_RELATED_LIMIT = 20;
/** Link strengths, strongest first: hand-picked, then O*NET's "In Demand" and "Hot Technology" flags. */
const CURATED_LINK = 3;
const IN_DEMAND_LINK = 2;
const HOT_LINK = 1;
const PLAIN_LINK = 0;
/** One collator for every title sort: far cheaper than `localeCompare` per comparison. */
const byTitle = new Intl.Collator('en');

interface CuratedFile {
  skills: Array<{
    id: string;
    name: string;
    description: string;
    altLabels: string[];
    sameAs: string[];
    broader: string[];
    occupations: string[];
  }>;
  aliases: Array<{ skill: string; altLabels: string[] }>;
}

/** `http://data.europa.eu/esco/skill/S1.2` → `esco:skill:S1.2`; the URI is recoverable from the id. */
export function escoId(uri: string): string {
  if (!uri.startsWith(ESCO_BASE)) throw new Error(`not an ESCO concept URI: ${uri}`);
  return `esco:${uri.slice(ESCO_BASE.length).replace(/\//g, ':')}`;
}

/** Loads the ESCO, O*NET and curated files and builds the graph, the links and the normaliser. */
export function loadSkillsData(dataDir = join(projectRoot(), DEFAULT_DATA_DIR)): SkillsData {
  const read = (path: string) => readFileSync(join(dataDir, path), 'utf8');
  const skills = new Map<string, SkillNode>();
  const add = (node: SkillNode) => {
    const existing = skills.get(node.id);
    if (existing) {
      existing.altLabels = unique([...existing.altLabels, ...node.altLabels]);
      existing.broader = unique([...existing.broader, ...node.broader]);
      return;
    }
    skills.set(node.id, node);
  };

  loadEscoSkills(read, add, skills);
  loadOnetElements(parseTsv(read('onet/Content Model Reference.txt')), add);
  const technology = parseTsv(read('onet/Technology Skills.txt'));
  loadTechnologies(technology, add);
  const curated = JSON.parse(read('credgraph-skills.json')) as CuratedFile;
  for (const skill of curated.skills) {
    add({
      id: skill.id,
      name: skill.name,
      description: skill.description,
      framework: 'CREDGRAPH',
      source: 'CREDGRAPH',
      code: null,
      url: null,
      altLabels: [...skill.altLabels],
      broader: [...skill.broader],
      sameAs: [],
      depth: 1,
      matchable: true,
    });
  }

  const occupations = loadOccupations(read);
  const problems = checkReferences(curated, skills, occupations);
  if (problems.length > 0) throw new Error(`credgraph-skills.json: ${problems.join('; ')}`);

  const canonicalOf = new Map<string, string>();
  for (const skill of curated.skills) {
    const owner = skills.get(skill.id)!;
    for (const target of skill.sameAs) {
      const claimed = canonicalOf.get(target);
      if (claimed)
        throw new Error(`credgraph-skills.json: ${target} is sameAs both ${claimed} and ${skill.id}`);
      canonicalOf.set(target, skill.id);
      owner.sameAs = unique([...owner.sameAs, target]);
      const other = skills.get(target)!;
      other.sameAs = unique([...other.sameAs, skill.id]);
    }
  }
  for (const alias of curated.aliases) {
    const target = skills.get(alias.skill)!;
    target.altLabels = unique([...target.altLabels, ...alias.altLabels]);
  }

  const normalizer = new SkillNormalizer(vocabularyEntries(skills, canonicalOf));
  const links = new LinkTable();
  for (const skill of curated.skills) {
    for (const occupation of skill.occupations) links.add(occupation, skill.id, CURATED_LINK);
  }
  linkTechnologies(technology, normalizer, canonicalOf, links);
  return {
    skills,
    occupations,
    canonicalOf,
    ...links.ordered(occupations),
    normalizer,
  };
}

type Reader = (path: string) => string;
type Adder = (node: SkillNode) => void;

/** ESCO splits multi-valued cells by newline (the classification files) or by " | " (the collections). */
const splitList = (cell: string | undefined) =>
  (cell ?? '')
    .split(/\n| \| /)
    .map((value) => value.trim())
    .filter(Boolean);

const unique = <T>(values: readonly T[]) => [...new Set(values)];

/** Groups that only say "the rest of X", the roots and the catch-alls are kept as nodes but never matched. */
const UNMATCHABLE_GROUP =
  /not further defined|not elsewhere classified|^field unknown$|^inter-disciplinary programmes|^transversal skills\/competences$/i;

function loadEscoSkills(read: Reader, add: Adder, skills: Map<string, SkillNode>): void {
  for (const row of parseCsv(read('esco/skillGroups_en.csv'))) {
    const id = escoId(row.conceptUri!);
    const isField = id.startsWith('esco:isced-f:');
    const key = id.split(':').at(-1)!;
    const coded = isField || /^[A-Z]/.test(key);
    const depth = isField ? key.length - 1 : coded ? key.split('.').length : 2;
    add({
      id,
      name: row.preferredLabel!,
      description: row.description || null,
      framework: 'ESCO',
      source: isField ? 'ESCO_FIELD' : 'ESCO_GROUP',
      code: coded ? key : null,
      url: row.conceptUri!,
      altLabels: splitList(row.altLabels),
      broader: [],
      sameAs: [],
      depth,
      matchable: !UNMATCHABLE_GROUP.test(row.preferredLabel!) && !/^[A-Z]$/.test(key),
    });
  }
  for (const row of parseCsv(read('esco/skillsHierarchy_en.csv'))) {
    let parent: string | null = null;
    for (let level = 0; level <= 3; level += 1) {
      const uri = row[`Level ${level} URI`];
      if (!uri) break;
      const id = escoId(uri);
      const node = skills.get(id);
      if (node && parent && !node.broader.includes(parent)) node.broader.push(parent);
      parent = id;
    }
  }
  for (const file of ['esco/transversalSkillsCollection_en.csv', 'esco/ictSkillsCollection_en.csv']) {
    for (const row of parseCsv(read(file))) {
      add({
        id: escoId(row.conceptUri!),
        name: row.preferredLabel!,
        description: row.description || null,
        framework: 'ESCO',
        source: 'ESCO_SKILL',
        code: null,
        url: row.conceptUri!,
        altLabels: splitList(row.altLabels),
        broader: splitList(row.broaderConceptUri).map(escoId),
        sameAs: [],
        depth: 1,
        matchable: true,
      });
    }
  }
  // A broader link to a concept outside the files shipped here would dangle: drop it.
  for (const node of skills.values()) node.broader = node.broader.filter((id) => skills.has(id));
}

/** O*NET Content Model: basic skills (2.A), cross-functional skills (2.B) and knowledge (2.C). */
function loadOnetElements(rows: Row[], add: Adder): void {
  const included = rows.filter((row) => /^2\.[ABC](\.|$)/.test(row['Element ID']!));
  const ids = new Set(included.map((row) => row['Element ID']!));
  for (const row of included) {
    const elementId = row['Element ID']!;
    const parent = elementId.split('.').slice(0, -1).join('.');
    const depth = elementId.split('.').length - 1;
    add({
      id: `onet:${elementId}`,
      name: row['Element Name']!,
      description: row.Description || null,
      framework: 'ONET',
      source: elementId.startsWith('2.C') ? 'ONET_KNOWLEDGE' : 'ONET_SKILL',
      code: elementId,
      url: null,
      altLabels: [],
      broader: ids.has(parent) ? [`onet:${parent}`] : [],
      sameAs: [],
      depth,
      matchable: depth > 1,
    });
  }
}

export const technologyId = (example: string) => `onet-tech:${slugOf(example)}`;
export const commodityId = (code: string) => `onet-commodity:${code}`;

/** O*NET technology examples ("Python") as skills under their UNSPSC commodity classes ("Object or component oriented development software"). */
function loadTechnologies(rows: Row[], add: Adder): void {
  for (const row of rows) {
    const code = row['Commodity Code']!;
    add({
      id: commodityId(code),
      name: row['Commodity Title']!,
      description: null,
      framework: 'ONET',
      source: 'ONET_COMMODITY',
      code,
      url: null,
      altLabels: [],
      broader: [],
      sameAs: [],
      depth: 1,
      matchable: true,
    });
    add({
      id: technologyId(row.Example!),
      name: row.Example!,
      description: null,
      framework: 'ONET',
      source: 'ONET_TECHNOLOGY',
      code: null,
      url: null,
      altLabels: [],
      broader: [commodityId(code)],
      sameAs: [],
      depth: 1,
      matchable: true,
    });
  }
}

function loadOccupations(read: Reader): Map<string, OccupationNode> {
  const occupations = new Map<string, OccupationNode>();
  const jobZones = new Map(
    parseTsv(read('onet/Job Zones.txt')).map((row) => [row['O*NET-SOC Code']!, Number(row['Job Zone'])]),
  );
  for (const row of parseTsv(read('onet/Occupation Data.txt'))) {
    const code = row['O*NET-SOC Code']!;
    occupations.set(`onet:${code}`, {
      id: `onet:${code}`,
      title: row.Title!,
      description: row.Description || null,
      framework: 'ONET',
      code,
      url: `${ONET_OCCUPATION_URL}${code}`,
      altTitles: [],
      jobZone: jobZones.get(code) ?? null,
      related: [],
    });
  }
  const related = parseTsv(read('onet/Related Occupations.txt')).sort(
    (a, b) => Number(a.Index) - Number(b.Index),
  );
  for (const row of related) {
    const from = occupations.get(`onet:${row['O*NET-SOC Code']}`);
    const to = `onet:${row['Related O*NET-SOC Code']}`;
    if (from && occupations.has(to)) from.related.push(to);
  }

  const byGroup = new Map<string, OccupationNode[]>();
  for (const row of parseCsv(read('esco/occupations_en.csv'))) {
    const node: OccupationNode = {
      id: escoId(row.conceptUri!),
      title: row.preferredLabel!,
      description: row.description || row.definition || null,
      framework: 'ESCO',
      code: row.iscoGroup!,
      url: row.conceptUri!,
      altTitles: splitList(row.altLabels),
      jobZone: null,
      related: [],
    };
    occupations.set(node.id, node);
    const group = byGroup.get(node.code);
    if (group) group.push(node);
    else byGroup.set(node.code, [node]);
  }
  for (const group of byGroup.values()) {
    group.sort((a, b) => byTitle.compare(a.title, b.title));
    for (const node of group) {
      node.related = group
        .filter((other) => other !== node)
        .slice(0, ESCO_RELATED_LIMIT)
        .map((other) => other.id);
    }
  }
  return occupations;
}

function checkReferences(
  curated: CuratedFile,
  skills: Map<string, SkillNode>,
  occupations: Map<string, OccupationNode>,
): string[] {
  const problems: string[] = [];
  for (const skill of curated.skills) {
    if (!/^credgraph:[a-z0-9-]+$/.test(skill.id)) problems.push(`${skill.id} is not a credgraph:<slug> id`);
    for (const id of [...skill.sameAs, ...skill.broader]) {
      if (!skills.has(id)) problems.push(`${skill.id} refers to unknown skill ${id}`);
    }
    for (const id of skill.sameAs) {
      if (id.startsWith('credgraph:')) problems.push(`${skill.id} is sameAs another curated skill ${id}`);
    }
    for (const id of skill.occupations) {
      if (!occupations.has(id)) problems.push(`${skill.id} refers to unknown occupation ${id}`);
    }
  }
  for (const alias of curated.aliases) {
    if (!skills.has(alias.skill)) problems.push(`alias for unknown skill ${alias.skill}`);
  }
  return problems;
}

/**
 * One normaliser entry per canonical skill. A concept claimed by a curated skill (sameAs) lends its names to that
 * skill as alternative labels instead of answering for itself.
 */
function vocabularyEntries(
  skills: Map<string, SkillNode>,
  canonicalOf: Map<string, string>,
): VocabularyEntry[] {
  const claimed = new Map<string, string[]>();
  for (const [target, owner] of canonicalOf) {
    const node = skills.get(target)!;
    const labels = claimed.get(owner) ?? [];
    labels.push(node.name, ...node.altLabels);
    claimed.set(owner, labels);
  }
  const entries: VocabularyEntry[] = [];
  for (const node of skills.values()) {
    if (!node.matchable || canonicalOf.has(node.id)) continue;
    entries.push({
      id: node.id,
      name: node.name,
      altLabels: [...node.altLabels, ...(claimed.get(node.id) ?? [])],
      rank: SKILL_SOURCES.indexOf(node.source) * 100 + node.depth,
    });
  }
  return entries;
}

/** Occupation–skill links with their strength, kept once per pair at the strongest. */
class LinkTable {
  private readonly strengths = new Map<string, Map<string, number>>();

  add(occupationId: string, skillId: string, strength: number): void {
    let bySkill = this.strengths.get(occupationId);
    if (!bySkill) {
      bySkill = new Map();
      this.strengths.set(occupationId, bySkill);
    }
    bySkill.set(skillId, Math.max(bySkill.get(skillId) ?? strength, strength));
  }

  /** Both directions, strongest first; ties keep insertion order (skills) or go by title (occupations). */
  ordered(occupations: Map<string, OccupationNode>) {
    const skillsOfOccupation = new Map<string, string[]>();
    const reverse = new Map<string, Array<[string, number]>>();
    for (const [occupationId, bySkill] of this.strengths) {
      const sorted = [...bySkill].sort((a, b) => b[1] - a[1]);
      skillsOfOccupation.set(
        occupationId,
        sorted.map(([skillId]) => skillId),
      );
      for (const [skillId, strength] of bySkill) {
        const list = reverse.get(skillId) ?? [];
        list.push([occupationId, strength]);
        reverse.set(skillId, list);
      }
    }
    const titleOf = (id: string) => occupations.get(id)?.title ?? id;
    const occupationsOfSkill = new Map<string, string[]>();
    for (const [skillId, list] of reverse) {
      list.sort((a, b) => b[1] - a[1] || byTitle.compare(titleOf(a[0]), titleOf(b[0])));
      occupationsOfSkill.set(
        skillId,
        list.map(([occupationId]) => occupationId),
      );
    }
    return { skillsOfOccupation, occupationsOfSkill };
  }
}

/**
 * O*NET occupation → technology links: each example goes to the canonical skill its label normalises to
 * exactly (curated skills claim theirs), and the occupation also links to the example's commodity class.
 */
function linkTechnologies(
  rows: Row[],
  normalizer: SkillNormalizer,
  canonicalOf: Map<string, string>,
  links: LinkTable,
): void {
  const canonicalByExample = new Map<string, string>();
  for (const row of rows) {
    const example = row.Example!;
    let skillId = canonicalByExample.get(example);
    if (!skillId) {
      const ownId = technologyId(example);
      skillId = canonicalOf.get(ownId) ?? normalizer.exact(example).skillId ?? ownId;
      canonicalByExample.set(example, skillId);
    }
    const occupationId = `onet:${row['O*NET-SOC Code']}`;
    const strength =
      row['In Demand'] === 'Y' ? IN_DEMAND_LINK : row['Hot Technology'] === 'Y' ? HOT_LINK : PLAIN_LINK;
    links.add(occupationId, skillId, strength);
  }
  for (const row of rows) {
    links.add(`onet:${row['O*NET-SOC Code']}`, commodityId(row['Commodity Code']!), PLAIN_LINK);
  }
}
