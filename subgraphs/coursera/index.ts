import type { LocalProvider } from '../kit/index.js';
import { courseraProvider } from './provider.js';
import { startCourseraStandin } from './standin/server.js';

export { CourseraClient } from './client.js';
export { type CourseraConfig, readConfig } from './config.js';
export {
  type CourseraCourseDetails,
  type CourseraSpecializationDetails,
  toDetails,
  toSpecializationDetails,
} from './details.js';
export { parseWorkload, toCredentialRecord, toSpecializationRecord } from './mapping.js';
export { courseraFeedPage, courseraProvider, loadCourseraDetails } from './provider.js';
export { type CourseraStandinOptions, startCourseraStandin } from './standin/server.js';

/** Coursera for the one-command start: the provider, pointed at `COURSERA_BASE_URL` or at its stand-in. */
export const coursera: LocalProvider = {
  provider: courseraProvider,
  baseUrlSetting: 'COURSERA_BASE_URL',
  async startStandin(options = {}) {
    const standin = await startCourseraStandin(options);
    return { baseUrl: `${standin.origin}/api/`, close: () => standin.close() };
  },
};
