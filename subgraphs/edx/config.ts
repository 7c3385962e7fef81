import { type Env, envBaseUrl, envInt, envString } from '../kit/index.js';

/** The provider id: credential id prefix, subgraph name, field on `Credential`. */
export const PROVIDER_ID = 'edx';

/** DRF's `max_page_size` in Course Discovery: a larger `page_size` is silently cut to this. */
export const EDX_MAX_PAGE_SIZE = 100;

/** DRF's `PAGE_SIZE` in Course Discovery: what a list answers when no `page_size` is given. */
export const EDX_DEFAULT_PAGE_SIZE = 20;

/**
 * The token the stand-in accepts unless told otherwise, so that the one-command demo needs no setup. It is not
 * a secret: it opens nothing but the local stand-in.
 */
export const EDX_DEMO_TOKEN = 'credgraph-demo-edx-jwt';

export const EDX_DEFAULT_BASE_URL = 'http://127.0.0.1:4106/api/v1/';

export interface EdxConfig {
  /** Course Discovery API base, ending in `/` (`https://discovery.edx.org/api/v1/` in production). */
  baseUrl: string;
  /** A JWT for the Discovery service, sent as `Authorization: JWT <token>`. Secret: never logged. */
  apiToken: string;
  timeoutMs: number;
  /** `page_size` of upstream list requests, 1–100; a feed page holds at most this many records. */
  pageSize: number;
}

/** Reads `EDX_*` settings; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): EdxConfig {
  return {
    baseUrl: envBaseUrl(env, 'EDX_BASE_URL', EDX_DEFAULT_BASE_URL),
    apiToken: envString(env, 'EDX_API_TOKEN', EDX_DEMO_TOKEN),
    timeoutMs: envInt(env, 'EDX_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'EDX_PAGE_SIZE', EDX_MAX_PAGE_SIZE, { min: 1, max: EDX_MAX_PAGE_SIZE }),
  };
}
