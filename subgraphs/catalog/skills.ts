/**
 * Skill identity in the catalog until a skills vocabulary normalises labels: a skill is its label, folded to
 * a slug, so that "Network Security" from one provider and "network security" from another meet.
 */
export function skillId(label: string): string {
  return `skill:${slug(label)}`;
}

export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9+#]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Accepts a skill id (`skill:network-security`) or a label ("Network Security") and returns the skill id. */
export function skillIdFromInput(value: string): string {
  return value.startsWith('skill:') ? `skill:${slug(value.slice('skill:'.length))}` : skillId(value);
}
