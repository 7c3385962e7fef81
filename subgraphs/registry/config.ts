import { ConfigError, type Env, envBaseUrl, envInt, envList, envString } from '../kit/index.js';

/** The provider id: credential id prefix, subgraph name, field on `Credential`. */
export const PROVIDER_ID = 'registry';

/** The local stand-in (see standin/main.ts), so that the demo runs with no configuration at all. */
export const DEFAULT_REGISTRY_BASE_URL = 'http://127.0.0.1:4107/';
/** The key the stand-in accepts by default. Not a real Credential Engine key. */
export const DEFAULT_REGISTRY_API_KEY = 'credgraph-demo-registry-key';
/**
 * The search API's largest `Take`. Credential Engine documents no maximum; 100 is what public clients use
 * and what the stand-in enforces (README "Quirks").
 */
export const MAX_REGISTRY_PAGE_SIZE = 100;

const CTID = /^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a Credential Transparency Identifier (`ce-<uuid>`). */
export function isCtid(value: string): boolean {
  return CTID.test(value);
}

/** Settings of the registry adapter, read from `REGISTRY_*` environment variables. */
export interface RegistryConfig {
  /** Base of the search API (`https://apps.credentialengine.org/` in production), ending in `/`. */
  baseUrl: string;
  /** Base of the registry's public records (`https://credentialengineregistry.org/`), ending in `/`. */
  resourcesUrl: string;
  /** The search API key, sent as `Authorization: ApiToken <key>`. Secret: never logged. */
  apiKey: string;
  /** When not empty, only credentials owned by these organizations (CTIDs) make up the feed. */
  ownerCtids: string[];
  timeoutMs: number;
  /** Records per search page (`Take`), 1–100. */
  pageSize: number;
  /** Record requests in flight at once when loading details and organizations. */
  concurrency: number;
}

/** Parses the environment; throws `ConfigError` naming the variable at fault. */
export function readConfig(env: Env): RegistryConfig {
  const baseUrl = envBaseUrl(env, 'REGISTRY_BASE_URL', DEFAULT_REGISTRY_BASE_URL);
  const ownerCtids = envList(env, 'REGISTRY_OWNER_CTIDS', []);
  const malformed = ownerCtids.find((ctid) => !isCtid(ctid));
  if (malformed !== undefined) {
    throw new ConfigError(
      `REGISTRY_OWNER_CTIDS must be comma-separated organization CTIDs (ce-<uuid>); got ${JSON.stringify(malformed)}`,
    );
  }
  return {
    baseUrl,
    // Records follow the search API unless told otherwise, so that pointing REGISTRY_BASE_URL at a stand-in
    // moves both, as the one-command start does.
    resourcesUrl: envBaseUrl(env, 'REGISTRY_RESOURCES_URL', baseUrl),
    apiKey: envString(env, 'REGISTRY_API_KEY', DEFAULT_REGISTRY_API_KEY),
    ownerCtids: [...new Set(ownerCtids.map((ctid) => ctid.toLowerCase()))],
    timeoutMs: envInt(env, 'REGISTRY_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    pageSize: envInt(env, 'REGISTRY_PAGE_SIZE', 50, { min: 1, max: MAX_REGISTRY_PAGE_SIZE }),
    concurrency: envInt(env, 'REGISTRY_CONCURRENCY', 6, { min: 1, max: 32 }),
  };
}
