import { badgr } from '../subgraphs/badgr/index.js';
import { coursera } from '../subgraphs/coursera/index.js';
import { credly } from '../subgraphs/credly/index.js';
import { edx } from '../subgraphs/edx/index.js';
import type { LocalProvider } from '../subgraphs/kit/index.js';
import { openbadges } from '../subgraphs/openbadges/index.js';
import { registry } from '../subgraphs/registry/index.js';

/**
 * The providers the one-command start runs in-process, each with its stand-in. A provider that runs as its
 * own process (a partner's, in any language) is not listed here: an entry in gateway/supergraph.yaml suffices.
 */
export const localProviders: readonly LocalProvider[] = [credly, coursera, badgr, edx, openbadges, registry];
