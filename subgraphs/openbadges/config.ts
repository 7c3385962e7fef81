import { ConfigError, type Env, envBaseUrl, envInt, envList, envString } from '../kit/index.js';

/** The provider id: credential id prefix, subgraph name, field on `Credential`. */
export const PROVIDER_ID = 'openbadges';

/** The local stand-in (see standin/main.ts), so that the demo runs with no configuration at all. */
export const DEFAULT_OPENBADGES_BASE_URL = 'http://127.0.0.1:4104/';
/** The bearer token the stand-in accepts by default. Not a real OAuth 2.0 access token. */
export const DEFAULT_OPENBADGES_API_TOKEN = 'credgraph-demo-openbadges-token';
/** The most achievements the stand-in returns per listing page; real hosts set their own caps. */
export const OPENBADGES_MAX_PAGE_SIZE = 100;

export interface OpenBadgesConfig {
  /** The OB host's base URL, ending in `/`; the OB API lives at `ims/ob/v3p0/` beneath it. */
  baseUrl: string;
  /** OAuth 2.0 access token, sent as `Authorization: Bearer <token>`. Secret: never logged. */
  apiToken: string;
  /**
   * Issuer Profile URLs to harvest, in order. Empty means: read them from the host's discovery document
   * (`x-issuer-profiles`), which real OB hosts do not all publish.
   */
  issuerUrls: string[];
  timeoutMs: number;
  /** Achievements per listing page (`limit`), 1–100. */
  pageSize: number;
  /** Achievement fetches in flight at once for live details (the OB API has no multi-get). */
  detailsConcurrency: number;
}

/** Reads `OPENBADGES_*` settings; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): OpenBadgesConfig {
  const issuerUrls = envList(env, 'OPENBADGES_ISSUER_URLS', []);
  const malformed = issuerUrls.find((url) => !isIssuerProfileUrl(url));
  if (malformed !== undefined) {
    throw new ConfigError(
      `OPENBADGES_ISSUER_URLS must be comma-separated issuer Profile URLs (http(s)://…/issuers/<id>); got ${JSON.stringify(malformed)}`,
    );
  }
  return {
    baseUrl: envBaseUrl(env, 'OPENBADGES_BASE_URL', DEFAULT_OPENBADGES_BASE_URL),
    apiToken: envString(env, 'OPENBADGES_API_TOKEN', DEFAULT_OPENBADGES_API_TOKEN),
    issuerUrls: [...new Set(issuerUrls)],
    timeoutMs: envInt(env, 'OPENBADGES_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'OPENBADGES_PAGE_SIZE', 50, { min: 1, max: OPENBADGES_MAX_PAGE_SIZE }),
    detailsConcurrency: envInt(env, 'OPENBADGES_DETAILS_CONCURRENCY', 8, { min: 1, max: 32 }),
  };
}

/** An http(s) URL whose path ends in `issuers/<id>`, which is where the host serves the Profile (README "Ids"). */
function isIssuerProfileUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const segments = url.pathname.split('/').filter(Boolean);
    return (url.protocol === 'http:' || url.protocol === 'https:') && segments.at(-2) === 'issuers';
  } catch {
    return false;
  }
}
