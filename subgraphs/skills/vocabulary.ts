import { foldTokens } from './folding.js';
import { type OccupationNode, SKILL_SOURCES, type SkillNode, type SkillsData } from './loadData.js';
import type { SkillMatch } from './normalizer.js';

const collator = new Intl.Collator('en');

/** At most this many labels per normalisation request, over HTTP or GraphQL. */
export const MAX_LABELS = 1000;

interface Searchable<T> {
  item: T;
  /** Folded words of the name (first) and of each other label. */
  labels: string[][];
  order: number;
}

/** Read-only questions over the loaded skills data: lookups, links, search and normalisation. */
export class SkillsVocabulary {
  private readonly skillIndex: Searchable<SkillNode>[];
  private readonly occupationIndex: Searchable<OccupationNode>[];

  constructor(private readonly data: SkillsData) {
    this.skillIndex = [...data.skills.values()].map((skill) => ({
      item: skill,
      labels: [skill.name, ...skill.altLabels].map(foldTokens),
      order: SKILL_SOURCES.indexOf(skill.source),
    }));
    this.occupationIndex = [...data.occupations.values()].map((occupation) => ({
      item: occupation,
      labels: [occupation.title, ...occupation.altTitles].map(foldTokens),
      order: occupation.framework === 'ONET' ? 0 : 1,
    }));
  }

  get skillCount(): number {
    return this.data.skills.size;
  }

  get occupationCount(): number {
    return this.data.occupations.size;
  }

  skill(id: string): SkillNode | null {
    return this.data.skills.get(id) ?? null;
  }

  occupation(id: string): OccupationNode | null {
    return this.data.occupations.get(id) ?? null;
  }

  /** The canonical skill for an id: the curated skill that claims it as sameAs, else itself. */
  canonicalId(id: string): string {
    return this.data.canonicalOf.get(id) ?? id;
  }

  broader(skill: SkillNode): SkillNode[] {
    return this.resolveSkills(skill.broader);
  }

  sameAs(skill: SkillNode): SkillNode[] {
    return this.resolveSkills(skill.sameAs);
  }

  /** Occupations linked to the skill's canonical skill, best first. */
  occupationsOf(skill: SkillNode, first: number): OccupationNode[] {
    const ids = this.data.occupationsOfSkill.get(this.canonicalId(skill.id)) ?? [];
    return this.resolveOccupations(ids.slice(0, Math.max(first, 0)));
  }

  skillsOf(occupation: OccupationNode, first: number): SkillNode[] {
    const ids = this.data.skillsOfOccupation.get(occupation.id) ?? [];
    return this.resolveSkills(ids.slice(0, Math.max(first, 0)));
  }

  related(occupation: OccupationNode): OccupationNode[] {
    return this.resolveOccupations(occupation.related);
  }

  normalize(labels: readonly string[]): SkillMatch[] {
    return this.data.normalizer.normalizeAll(labels);
  }

  /** Skills whose name or one label holds every query word (the last as a prefix), best first. */
  searchSkills(query: string | null | undefined): SkillNode[] {
    return search(this.skillIndex, query, (a, b) => collator.compare(a.item.name, b.item.name));
  }

  searchOccupations(query: string | null | undefined): OccupationNode[] {
    return search(this.occupationIndex, query, (a, b) => collator.compare(a.item.title, b.item.title));
  }

  private resolveSkills(ids: readonly string[]): SkillNode[] {
    return ids
      .map((id) => this.data.skills.get(id))
      .filter((skill): skill is SkillNode => skill !== undefined);
  }

  private resolveOccupations(ids: readonly string[]): OccupationNode[] {
    return ids
      .map((id) => this.data.occupations.get(id))
      .filter((occupation): occupation is OccupationNode => occupation !== undefined);
  }
}

/**
 * Ranks entries for a query: the whole name equal to the query first, then a name starting with it, then a name
 * holding every word, then another label holding every word; within a band by source order, then by `byName`.
 * Without a query, every entry by source order and name.
 */
function search<T>(
  index: readonly Searchable<T>[],
  query: string | null | undefined,
  byName: (a: Searchable<T>, b: Searchable<T>) => number,
): T[] {
  const words = foldTokens(query ?? '');
  const rawWords = (query ?? '').trim();
  if (words.length === 0) {
    // A query of only stop words or punctuation matches nothing rather than everything.
    if (rawWords) return [];
    return [...index].sort((a, b) => a.order - b.order || byName(a, b)).map((entry) => entry.item);
  }
  const scored: Array<[Searchable<T>, number]> = [];
  for (const entry of index) {
    const band = matchBand(entry.labels, words);
    if (band !== null) scored.push([entry, band]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].order - b[0].order || byName(a[0], b[0]));
  return scored.map(([entry]) => entry.item);
}

function matchBand(labels: readonly string[][], words: readonly string[]): number | null {
  let best: number | null = null;
  labels.forEach((label, position) => {
    if (!holdsAll(label, words)) return;
    const isName = position === 0;
    const equal = label.length === words.length && words.every((word, i) => label[i] === word);
    const prefix = words.every((word, i) =>
      i === words.length - 1 ? label[i]?.startsWith(word) : label[i] === word,
    );
    const band = isName ? (equal ? 0 : prefix ? 1 : 2) : equal ? 3 : 4;
    if (best === null || band < best) best = band;
  });
  return best;
}

/** Every word appears in the label; the last query word may be the start of a label word. */
function holdsAll(label: readonly string[], words: readonly string[]): boolean {
  return words.every((word, i) =>
    i === words.length - 1 ? label.some((token) => token.startsWith(word)) : label.includes(word),
  );
}
