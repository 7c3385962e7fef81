import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERROR_CODES } from '../gateway/errors.js';
import { projectRoot, UPSTREAM_ERROR_CODES } from '../subgraphs/kit/index.js';

/** Clients branch on these codes, so every one the code can emit must be documented, with the same words. */
describe('error code catalogue', () => {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');

  it.each([...Object.entries(UPSTREAM_ERROR_CODES), ...Object.entries(GATEWAY_ERROR_CODES)])(
    'README documents %s',
    (code, meaning) => {
      expect(readme).toContain(`| \`${code}\` | ${meaning} |`);
    },
  );

  it('README documents no upstream code that the kit does not have', () => {
    const documented = [...readme.matchAll(/^\| `(UPSTREAM_[A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(UPSTREAM_ERROR_CODES).sort());
  });
});
