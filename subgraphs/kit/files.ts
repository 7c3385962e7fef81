import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/**
 * The package root, found by walking up from this module. Data files stay in the source tree, so the same
 * path works whether the code runs from TypeScript sources (tests) or from `dist/` (production).
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('credgraph: cannot find the package root (no package.json above)');
    dir = parent;
  }
  root = dir;
  return dir;
}

/** Reads a JSON file given relative to the package root, e.g. `subgraphs/credly/standin/data/orgs.json`. */
export function readProjectJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(projectRoot(), relativePath), 'utf8')) as T;
}
