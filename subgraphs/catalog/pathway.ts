import type { CatalogStore } from './store.js';

export interface PathwayComponentRef {
  id: string;
  partOf: string;
  depth: number;
  order: number | null;
}

/** A guard against cycles and runaway stacks in upstream data. */
const MAX_COMPONENTS = 500;

/**
 * Everything beneath a credential in its stack, breadth first: its parts (in the source's order), then their
 * parts. Each credential appears once, at its shallowest depth, even where stacks share parts or loop.
 */
export async function pathwayComponents(
  store: CatalogStore,
  destination: string,
): Promise<PathwayComponentRef[]> {
  const seen = new Set([destination]);
  const components: PathwayComponentRef[] = [];
  let frontier = [destination];
  for (let depth = 1; frontier.length > 0 && components.length < MAX_COMPONENTS; depth++) {
    const next: string[] = [];
    for (const parent of frontier) {
      for (const part of await store.related(parent, 'HAS_PART')) {
        if (seen.has(part.id)) continue;
        seen.add(part.id);
        components.push({ id: part.id, partOf: parent, depth, order: part.order });
        next.push(part.id);
      }
    }
    frontier = next;
  }
  return components.slice(0, MAX_COMPONENTS);
}
