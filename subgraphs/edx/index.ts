import type { LocalProvider } from '../kit/index.js';
import { edxProvider } from './provider.js';
import { startEdxStandin } from './standin/server.js';

export { EdxClient, type EdxPage, type ListRequest } from './client.js';
export { EDX_DEMO_TOKEN, type EdxConfig, readConfig } from './config.js';
export {
  type EdxCourseDetails,
  type EdxItemDetails,
  type EdxProgramDetails,
  toCourseDetails,
  toProgramDetails,
} from './details.js';
export { courseToRecord, edxCourseId, edxOrganizationId, edxProgramId, programToRecord } from './mapping.js';
export { edxFeedPage, edxProvider, loadEdxDetails } from './provider.js';
export { type EdxStandinOptions, startEdxStandin } from './standin/server.js';

/** edX for the one-command start: the provider, pointed at `EDX_BASE_URL` or at its stand-in. */
export const edx: LocalProvider = {
  provider: edxProvider,
  baseUrlSetting: 'EDX_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startEdxStandin(options);
    return { baseUrl: `${standin.origin}/api/v1/`, close: () => standin.close() };
  },
};
