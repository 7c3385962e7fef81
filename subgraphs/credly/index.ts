import type { LocalProvider } from '../kit/index.js';
import { credlyProvider } from './provider.js';
import { startCredlyStandin } from './standin/server.js';

export { type BadgeTemplateListOptions, CredlyClient } from './client.js';
export { type CredlyConfig, readConfig } from './config.js';
export { type CredlyBadgeTemplateDetails, toDetails } from './details.js';
export { type CredlyMappingContext, toCredentialRecord } from './mapping.js';
export { credlyFeedPage, credlyProvider, feedablePrerequisites, loadCredlyDetails } from './provider.js';
export { type CredlyStandinOptions, startCredlyStandin } from './standin/server.js';

/** Credly for the one-command start: the provider, pointed at `CREDLY_BASE_URL` or at its stand-in. */
export const credly: LocalProvider = {
  provider: credlyProvider,
  baseUrlSetting: 'CREDLY_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startCredlyStandin(options);
    return { baseUrl: `${standin.origin}/v1/`, close: () => standin.close() };
  },
};
