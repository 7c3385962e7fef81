import { type Env, envBaseUrl, envInt, envString } from '../kit/index.js';

/** The provider id: credential id prefix, subgraph name, field on `Credential`. */
export const PROVIDER_ID = 'exemplar';

/** TODO: the most items your API returns per page (and per multi-get). */
export const EXEMPLAR_MAX_PAGE_SIZE = 50;

/** The local stand-in (see standin/main.ts), so that the demo runs with no configuration at all. */
export const DEFAULT_EXEMPLAR_BASE_URL = 'http://127.0.0.1:4199/v1/';
/** The token the stand-in accepts by default. Not a real token of any API. */
export const DEFAULT_EXEMPLAR_API_TOKEN = 'credgraph-demo-exemplar-token';

export interface ExemplarConfig {
  /** API base URL, ending in `/`. TODO: your production base URL, e.g. `https://api.exemplar.example/v1/`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. Secret: never logged. TODO: your API's authentication. */
  apiToken: string;
  timeoutMs: number;
  /** Items per upstream page (`per_page`), 1–50. */
  pageSize: number;
}

/** Reads `EXEMPLAR_*` settings; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): ExemplarConfig {
  return {
    baseUrl: envBaseUrl(env, 'EXEMPLAR_BASE_URL', DEFAULT_EXEMPLAR_BASE_URL),
    apiToken: envString(env, 'EXEMPLAR_API_TOKEN', DEFAULT_EXEMPLAR_API_TOKEN),
    timeoutMs: envInt(env, 'EXEMPLAR_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'EXEMPLAR_PAGE_SIZE', EXEMPLAR_MAX_PAGE_SIZE, {
      min: 1,
      max: EXEMPLAR_MAX_PAGE_SIZE,
    }),
  };
}
