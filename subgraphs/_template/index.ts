import type { LocalProvider } from '../kit/index.js';
import { exemplarProvider } from './provider.js';
import { startExemplarStandin } from './standin/server.js';

export { ExemplarClient } from './client.js';
export { type ExemplarConfig, readConfig } from './config.js';
export { type ExemplarItemDetails, toDetails } from './details.js';
export { itemId, toCredentialRecord } from './mapping.js';
export { exemplarFeedPage, exemplarProvider, loadExemplarDetails } from './provider.js';
export { type ExemplarStandinOptions, startExemplarStandin } from './standin/server.js';

/** Exemplar for the one-command start: the provider, pointed at `EXEMPLAR_BASE_URL` or at its stand-in. */
export const exemplar: LocalProvider = {
  provider: exemplarProvider,
  baseUrlSetting: 'EXEMPLAR_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startExemplarStandin(options);
    return { baseUrl: `${standin.origin}/v1/`, close: () => standin.close() };
  },
};
