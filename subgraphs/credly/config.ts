import { ConfigError, type Env, envBaseUrl, envInt, envList, envString } from '../kit/index.js';

/** Settings of the Credly adapter, read from `CREDLY_*` environment variables. */
export interface CredlyConfig {
  /** Credly API base, ending in `/`: `https://api.credly.com/v1/` in production. */
  baseUrl: string;
  /** An organization authorization token; sent as the HTTP Basic username. Secret: never logged. */
  apiToken: string;
  /** Organizations whose badge templates make up the feed, harvested in this order. */
  organizationIds: string[];
  timeoutMs: number;
  /** Templates per upstream page (`per`); Credly allows up to 100. */
  pageSize: number;
}

/** The local stand-in (see standin/main.ts), so that the demo runs with no configuration at all. */
export const DEFAULT_CREDLY_BASE_URL = 'http://127.0.0.1:4102/v1/';
/** The token the stand-in accepts by default. Not a real Credly token. */
export const DEFAULT_CREDLY_API_TOKEN = 'credgraph-demo-credly-token';
/** The organizations of the stand-in's sample data (standin/data/organizations.json); a test keeps them in step. */
export const DEFAULT_CREDLY_ORGANIZATION_IDS: readonly string[] = [
  'd2264779-fd7d-556a-9632-25a4879630ee',
  'ccfacb0a-5cf4-5d09-8f76-353848eeb879',
  'c05b719c-9748-5832-bbb0-a0ad614aa8d3',
  '670ec6a5-bb55-565d-8a78-c51c6b984488',
  '294ba004-1eb9-5e9e-99ca-3ee7e7d34c3f',
  'cd71dbe4-ee08-54a3-809a-88e8bcded0e8',
];
export const MAX_CREDLY_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value has the shape of a Credly id (organizations, templates and skills are all UUIDs). */
export function isCredlyId(value: string): boolean {
  return UUID.test(value);
}

/** Parses the environment; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): CredlyConfig {
  const organizationIds = envList(env, 'CREDLY_ORGANIZATION_IDS', DEFAULT_CREDLY_ORGANIZATION_IDS);
  if (organizationIds.length === 0) {
    throw new ConfigError('CREDLY_ORGANIZATION_IDS must list at least one organization id');
  }
  const malformed = organizationIds.find((id) => !isCredlyId(id));
  if (malformed !== undefined) {
    throw new ConfigError(
      `CREDLY_ORGANIZATION_IDS must be comma-separated Credly organization UUIDs; got ${JSON.stringify(malformed)}`,
    );
  }
  return {
    baseUrl: envBaseUrl(env, 'CREDLY_BASE_URL', DEFAULT_CREDLY_BASE_URL),
    apiToken: envString(env, 'CREDLY_API_TOKEN', DEFAULT_CREDLY_API_TOKEN),
    organizationIds: [...new Set(organizationIds.map((id) => id.toLowerCase()))],
    timeoutMs: envInt(env, 'CREDLY_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'CREDLY_PAGE_SIZE', 25, { min: 1, max: MAX_CREDLY_PAGE_SIZE }),
  };
}
