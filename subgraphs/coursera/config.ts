import { type Env, envBaseUrl, envInt, envOptional } from '../kit/index.js';

/** The provider id: credential id prefix, subgraph name, field on `Credential`. */
export const PROVIDER_ID = 'coursera';

/** Naptime refuses a `limit` above 100. */
export const COURSERA_MAX_PAGE_SIZE = 100;

export interface CourseraConfig {
  /** Naptime base URL, ending in `/` (`https://api.coursera.org/api/` in production). */
  baseUrl: string;
  /** Optional: the public catalog needs no auth; when set, sent as `Authorization: Bearer <token>`. */
  apiToken: string | null;
  timeoutMs: number;
  /** Courses or specializations per upstream page (`limit`), 1–100. */
  pageSize: number;
}

/** Reads `COURSERA_*` settings; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): CourseraConfig {
  return {
    baseUrl: envBaseUrl(env, 'COURSERA_BASE_URL', 'http://127.0.0.1:4103/api/'),
    apiToken: envOptional(env, 'COURSERA_API_TOKEN'),
    timeoutMs: envInt(env, 'COURSERA_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'COURSERA_PAGE_SIZE', COURSERA_MAX_PAGE_SIZE, {
      min: 1,
      max: COURSERA_MAX_PAGE_SIZE,
    }),
  };
}
