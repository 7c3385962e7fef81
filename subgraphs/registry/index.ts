import type { LocalProvider } from '../kit/index.js';
import { registryProvider } from './provider.js';
import { startRegistryStandin } from './standin/server.js';

export { RegistryClient, readSearchPage } from './client.js';
export { isCtid, type RegistryConfig, readConfig } from './config.js';
export { type CtdlRecordDetails, toDetails } from './details.js';
export { registryCredentialId, registryOrganizationId, toCredentialRecord } from './mapping.js';
export { loadRegistryDetails, registryFeedPage, registryProvider } from './provider.js';
export { type RegistryStandinOptions, startRegistryStandin } from './standin/server.js';

/**
 * The registry for the one-command start: the provider, pointed at `REGISTRY_BASE_URL` (and
 * `REGISTRY_RESOURCES_URL`, which follows it by default) or at its stand-in.
 */
export const registry: LocalProvider = {
  provider: registryProvider,
  baseUrlSetting: 'REGISTRY_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startRegistryStandin(options);
    return { baseUrl: `${standin.origin}/`, close: () => standin.close() };
  },
};
