import type { LocalProvider } from '../kit/index.js';
import { openBadgesProvider } from './provider.js';
import { startOpenBadgesStandin } from './standin/server.js';

export { mapConcurrent, OpenBadgesClient } from './client.js';
export { type OpenBadgesConfig, readConfig } from './config.js';
export { type OpenBadgesAchievementDetails, toDetails } from './details.js';
export { achievementCredentialId, decodeUpstreamId, issuerRecordId } from './ids.js';
export { resolveCreator, toCredentialRecord } from './mapping.js';
export { loadOpenBadgesDetails, openBadgesFeedPage, openBadgesProvider } from './provider.js';
export { type OpenBadgesStandinOptions, startOpenBadgesStandin } from './standin/server.js';

/** Open Badges for the one-command start: the provider, pointed at `OPENBADGES_BASE_URL` or at its stand-in. */
export const openbadges: LocalProvider = {
  provider: openBadgesProvider,
  baseUrlSetting: 'OPENBADGES_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startOpenBadgesStandin(options);
    return { baseUrl: `${standin.origin}/`, close: () => standin.close() };
  },
};
