import type { LocalProvider } from '../kit/index.js';
import { badgrProvider } from './provider.js';
import { startBadgrStandin } from './standin/server.js';

export { type AccessToken, BadgrTokenSource } from './auth.js';
export { type BadgeClassPage, BadgrClient } from './client.js';
export { type BadgrConfig, readConfig } from './config.js';
export { type BadgrBadgeClassDetails, toDetails } from './details.js';
export { toCredentialRecord } from './mapping.js';
export { badgrFeedPage, badgrProvider, loadBadgrDetails } from './provider.js';
export { type BadgrStandin, type BadgrStandinOptions, startBadgrStandin } from './standin/server.js';

/** Badgr for the one-command start: the provider, pointed at `BADGR_BASE_URL` or at its stand-in. */
export const badgr: LocalProvider = {
  provider: badgrProvider,
  baseUrlSetting: 'BADGR_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startBadgrStandin(options);
    return { baseUrl: `${standin.origin}/`, close: () => standin.close() };
  },
};
