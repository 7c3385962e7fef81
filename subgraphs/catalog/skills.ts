import type { CredentialRecord, SkillAlignmentRecord } from '../../schema/index.js';

/** A provider's skill label resolved to a canonical skill by the skills subgraph, or not (kept either way). */
export interface CanonicalSkill {
  id: string;
  name: string;
  confidence: number;
  match: 'EXACT' | 'ALT_LABEL' | 'FUZZY';
}

export type IndexedSkill = SkillAlignmentRecord & { canonical?: CanonicalSkill | null };

/** A record as the catalog indexes it: the provider's record, its skill labels annotated with canonical skills. */
export type IndexedCredential = Omit<CredentialRecord, 'skills'> & { skills: IndexedSkill[] };

export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9+#]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The keys a credential is found under when filtering by skill: its canonical skill id, the provider's label and
 * the canonical name (as `label:<slug>`), so that a filter by id, by any label or by the canonical name all meet.
 * One key per skill is primary (the canonical id, else the label), named for facets to count and show.
 */
export function skillKeys(skill: IndexedSkill): Array<{ key: string; primaryName: string | null }> {
  const labelKey = `label:${slug(skill.label)}`;
  if (!skill.canonical) return [{ key: labelKey, primaryName: skill.label }];
  const keys = [
    { key: skill.canonical.id, primaryName: skill.canonical.name },
    { key: labelKey, primaryName: null },
    { key: `label:${slug(skill.canonical.name)}`, primaryName: null },
  ];
  return keys.filter((entry, index) => keys.findIndex((other) => other.key === entry.key) === index);
}

/** A skill filter value: a canonical skill id (`esco:…`, `credgraph:cybersecurity`) or a label ("Cyber Security"). */
export function skillFilterKey(value: string): string {
  const isId = /^[a-z][a-z0-9-]*:\S+$/.test(value) && !value.startsWith('label:');
  return isId ? value : `label:${slug(value.replace(/^label:/, ''))}`;
}
