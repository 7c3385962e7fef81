import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgrProvider } from '../../subgraphs/badgr/provider.js';
import { startBadgrStandin } from '../../subgraphs/badgr/standin/server.js';
import { courseraProvider } from '../../subgraphs/coursera/provider.js';
import { startCourseraStandin } from '../../subgraphs/coursera/standin/server.js';
import { credlyProvider } from '../../subgraphs/credly/provider.js';
import { startCredlyStandin } from '../../subgraphs/credly/standin/server.js';
import { edxProvider } from '../../subgraphs/edx/provider.js';
import { startEdxStandin } from '../../subgraphs/edx/standin/server.js';
import { providerConformanceSuite } from '../../subgraphs/kit/index.js';
import { openBadgesProvider } from '../../subgraphs/openbadges/provider.js';
import { startOpenBadgesStandin } from '../../subgraphs/openbadges/standin/server.js';
import { registryProvider } from '../../subgraphs/registry/provider.js';
import { startRegistryStandin } from '../../subgraphs/registry/standin/server.js';

/** The partner conformance suite, run against the providers that ship with credgraph. */
const runner = { describe, it, expect, beforeAll, afterAll };

providerConformanceSuite(runner, {
  provider: credlyProvider,
  baseUrlSetting: 'CREDLY_BASE_URL',
  startStandin: () => startCredlyStandin(),
  envFor: (standin) => ({ CREDLY_BASE_URL: `${standin.origin}/v1/`, CREDLY_PAGE_SIZE: '10' }),
});

providerConformanceSuite(runner, {
  provider: courseraProvider,
  baseUrlSetting: 'COURSERA_BASE_URL',
  startStandin: () => startCourseraStandin(),
  envFor: (standin) => ({ COURSERA_BASE_URL: `${standin.origin}/api/`, COURSERA_PAGE_SIZE: '10' }),
});

providerConformanceSuite(runner, {
  provider: badgrProvider,
  baseUrlSetting: 'BADGR_BASE_URL',
  startStandin: () => startBadgrStandin(),
  envFor: (standin) => ({ BADGR_BASE_URL: `${standin.origin}/`, BADGR_PAGE_SIZE: '10' }),
});

providerConformanceSuite(runner, {
  provider: edxProvider,
  baseUrlSetting: 'EDX_BASE_URL',
  startStandin: () => startEdxStandin(),
  envFor: (standin) => ({ EDX_BASE_URL: `${standin.origin}/api/v1/`, EDX_PAGE_SIZE: '10' }),
});

providerConformanceSuite(runner, {
  provider: openBadgesProvider,
  baseUrlSetting: 'OPENBADGES_BASE_URL',
  startStandin: () => startOpenBadgesStandin(),
  envFor: (standin) => ({ OPENBADGES_BASE_URL: `${standin.origin}/`, OPENBADGES_PAGE_SIZE: '10' }),
});

providerConformanceSuite(runner, {
  provider: registryProvider,
  baseUrlSetting: 'REGISTRY_BASE_URL',
  startStandin: () => startRegistryStandin(),
  envFor: (standin) => ({ REGISTRY_BASE_URL: `${standin.origin}/`, REGISTRY_PAGE_SIZE: '10' }),
});
