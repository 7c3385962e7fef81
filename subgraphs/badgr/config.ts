import { ConfigError, type Env, envBaseUrl, envInt, envString } from '../kit/index.js';

/** The provider id: credential id prefix, subgraph name, field on `Credential`. */
export const PROVIDER_ID = 'badgr';

/** The local stand-in (see standin/main.ts), so that the demo runs with no configuration at all. */
export const DEFAULT_BADGR_BASE_URL = 'http://127.0.0.1:4105/';
/** The account the stand-in accepts by default. Not a real Badgr account. */
export const DEFAULT_BADGR_USERNAME = 'demo@credgraph.example';
export const DEFAULT_BADGR_PASSWORD = 'credgraph-demo-badgr-password';
/** Badgr's own default OAuth client for the password grant. */
export const DEFAULT_BADGR_CLIENT_ID = 'public';
/** The scope Badgr's issuer, badge class and `changed` endpoints accept. */
export const DEFAULT_BADGR_SCOPE = 'rw:issuer';
/** Badgr caps `?num=` at 500 per page. */
export const BADGR_MAX_PAGE_SIZE = 500;

/** The unit of `extensions:StudyLoadExtension.StudyLoad`: deployments disagree (see README "Extensions"). */
export type StudyLoadUnit = 'hours' | 'minutes';

/** Settings of the Badgr adapter, read from `BADGR_*` environment variables. */
export interface BadgrConfig {
  /** Badgr API base, ending in `/`: `https://api.badgr.io/` (or a regional host) in production. */
  baseUrl: string;
  /** The Badgr account's e-mail address, for the OAuth2 password grant. */
  username: string;
  /** The account's password. Secret: never logged nor echoed in errors. */
  password: string;
  clientId: string;
  /** Space-separated OAuth2 scopes to ask for. */
  scope: string;
  timeoutMs: number;
  /** Badge classes per upstream page (`?num=`), 1–500. */
  pageSize: number;
  studyLoadUnit: StudyLoadUnit;
}

/** Reads `BADGR_*` settings; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): BadgrConfig {
  const studyLoadUnit = envString(env, 'BADGR_STUDY_LOAD_UNIT', 'hours');
  if (studyLoadUnit !== 'hours' && studyLoadUnit !== 'minutes') {
    throw new ConfigError(
      `BADGR_STUDY_LOAD_UNIT must be "hours" or "minutes"; got ${JSON.stringify(studyLoadUnit)}`,
    );
  }
  return {
    baseUrl: envBaseUrl(env, 'BADGR_BASE_URL', DEFAULT_BADGR_BASE_URL),
    username: envString(env, 'BADGR_USERNAME', DEFAULT_BADGR_USERNAME),
    password: envString(env, 'BADGR_PASSWORD', DEFAULT_BADGR_PASSWORD),
    clientId: envString(env, 'BADGR_CLIENT_ID', DEFAULT_BADGR_CLIENT_ID),
    scope: envString(env, 'BADGR_SCOPE', DEFAULT_BADGR_SCOPE),
    timeoutMs: envInt(env, 'BADGR_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'BADGR_PAGE_SIZE', 100, { min: 1, max: BADGR_MAX_PAGE_SIZE }),
    studyLoadUnit,
  };
}
