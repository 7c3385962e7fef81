import {
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import { DEFAULT_REGISTRY_API_KEY, MAX_REGISTRY_PAGE_SIZE } from '../config.js';
import type { CtdlCredential, CtdlOrganization } from '../upstream.js';

/**
 * A local stand-in for the Credential Engine Registry over the sample data in `data/`: the assistant's search
 * API (`POST /assistant/search/ctdl` with `Authorization: ApiToken <key>`, Skip/Take paging and the
 * `{data, valid, status, messages, extra: {TotalResults}}` envelope) and the public records
 * (`GET /resources/{ctid}`, `GET /graph/{ctid}`, no key needed), both on one origin.
 */

export interface RegistryStandinOptions {
  port?: number;
  host?: string;
  /** The search API key it accepts (default: the demo key the adapter also defaults to). */
  apiKey?: string;
  /** When set, search requests beyond this many per second answer 429 with `Retry-After: 1`. */
  searchRequestsPerSecond?: number;
}

const DATA_DIR = 'subgraphs/registry/standin/data';
/** What the search API takes when a request gives no `Take`. */
export const STANDIN_DEFAULT_TAKE = 10;
const SORTS = new Set(
  ['search:relevance', 'search:recordCreated', 'search:recordUpdated'].flatMap((sort) => [sort, `^${sort}`]),
);
/** Query terms the stand-in understands; it refuses others rather than silently ignore them. */
const QUERY_TERMS = new Set(['@type', 'ceterms:ctid', 'ceterms:ownedBy', 'ceterms:name']);

export interface RegistrySampleData {
  credentials: CtdlCredential[];
  organizations: CtdlOrganization[];
}

let sample: RegistrySampleData | null = null;

/** The bundled sample data, read once. */
export function registrySampleData(): RegistrySampleData {
  sample ??= {
    credentials: readProjectJson<CtdlCredential[]>(`${DATA_DIR}/credentials.json`),
    organizations: readProjectJson<CtdlOrganization[]>(`${DATA_DIR}/organizations.json`),
  };
  return sample;
}

type Resource = Record<string, unknown> & { '@type': string; 'ceterms:ctid': string };

/** The assistant's error envelope. */
const assistantError = (status: number, message: string, headers?: Record<string, string>): StandinReply =>
  json(status, { data: null, valid: false, status: 'error', messages: [message] }, headers);

/** The API key of an `Authorization: ApiToken <key>` header (public clients also send `Bearer <key>`). */
function apiKeyOf(request: StandinRequest): string | null {
  return /^(?:ApiToken|Bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

function strings(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return null;
}

/**
 * One query term as a predicate over records, or the message explaining why the stand-in cannot run it.
 * `@type` takes a class, a list (any of them) or `{"search:value", "search:matchType": "search:subClassOf"}`;
 * `ceterms:Credential` with subClassOf (or alone) matches every credential class.
 */
function termMatcher(term: string, value: unknown): ((resource: Resource) => boolean) | string {
  const lower = (items: string[]) => items.map((item) => item.toLowerCase());
  if (term === '@type') {
    const spec = value as { 'search:value'?: unknown; 'search:matchType'?: unknown } | null;
    const types = strings(
      spec && typeof spec === 'object' && !Array.isArray(spec) ? spec['search:value'] : value,
    );
    if (!types) return '"@type" must be a class, a list of classes or {"search:value": …}';
    const subclasses =
      types.includes('ceterms:Credential') &&
      (typeof spec !== 'object' ||
        spec === null ||
        Array.isArray(spec) ||
        spec['search:matchType'] === 'search:subClassOf');
    return (resource) =>
      types.includes(resource['@type']) || (subclasses && !/Organization$/.test(resource['@type']));
  }
  if (term === 'ceterms:ctid') {
    const ctids = strings(value);
    if (!ctids) return '"ceterms:ctid" must be a CTID or a list of CTIDs';
    const wanted = new Set(lower(ctids));
    return (resource) => wanted.has(resource['ceterms:ctid'].toLowerCase());
  }
  if (term === 'ceterms:ownedBy') {
    const owners = strings((value as { 'ceterms:ctid'?: unknown } | null)?.['ceterms:ctid']);
    if (!owners) return '"ceterms:ownedBy" must be {"ceterms:ctid": <CTID or list of CTIDs>}';
    const wanted = lower(owners);
    return (resource) =>
      (resource['ceterms:ownedBy'] as string[] | undefined)?.some((uri) =>
        wanted.some((ctid) => uri.toLowerCase().endsWith(`/${ctid}`)),
      ) ?? false;
  }
  const words = strings(value);
  if (!words) return '"ceterms:name" must be text or a list of texts';
  return (resource) => {
    const names = Object.values((resource['ceterms:name'] as Record<string, string> | undefined) ?? {});
    return words.some((word) => names.some((name) => name.toLowerCase().includes(word.toLowerCase())));
  };
}

/** A whole number in the body, within bounds, or the message explaining what is wrong with it. */
function intField(body: Record<string, unknown>, name: string, fallback: number, min: number, max: number) {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return `${name} must be a whole number from ${min} to ${max}`;
  return value;
}

function search(resources: readonly Resource[], body: unknown): StandinReply {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return assistantError(400, 'The request body must be a JSON object with a Query.');
  const request = body as Record<string, unknown>;
  const query = request.Query;
  if (typeof query !== 'object' || query === null || Array.isArray(query))
    return assistantError(400, 'Query must be a JSON object of CTDL terms.');
  const skip = intField(request, 'Skip', 0, 0, Number.MAX_SAFE_INTEGER);
  if (typeof skip === 'string') return assistantError(400, skip);
  const take = intField(request, 'Take', STANDIN_DEFAULT_TAKE, 1, MAX_REGISTRY_PAGE_SIZE);
  if (typeof take === 'string') return assistantError(400, take);
  if (request.Sort !== undefined && !SORTS.has(String(request.Sort)))
    return assistantError(400, `Unknown Sort "${String(request.Sort)}".`);
  const matchers: Array<(resource: Resource) => boolean> = [];
  for (const [term, value] of Object.entries(query)) {
    if (!QUERY_TERMS.has(term))
      return assistantError(400, `The stand-in does not support the query term "${term}".`);
    const matcher = termMatcher(term, value);
    if (typeof matcher === 'string') return assistantError(400, matcher);
    matchers.push(matcher);
  }
  // Without search text every match is equally relevant, so relevance (and the record dates, which the
  // sample data does not keep) falls back to the data's own order: stable, so that Skip/Take paging is exact.
  const matched = resources.filter((resource) => matchers.every((matches) => matches(resource)));
  return json(200, {
    data: matched.slice(skip, skip + take),
    valid: true,
    status: 'success',
    messages: [],
    extra: { TotalResults: matched.length },
  });
}

/** The request handler, separate from the server so that its behaviour reads in one place. */
export function registryStandinHandler(options: RegistryStandinOptions = {}) {
  const apiKey = options.apiKey ?? DEFAULT_REGISTRY_API_KEY;
  const data = registrySampleData();
  const resources = [...data.credentials, ...data.organizations] as Resource[];
  const byCtid = new Map(resources.map((resource) => [resource['ceterms:ctid'].toLowerCase(), resource]));
  const limit = options.searchRequestsPerSecond;
  let window = { start: 0, count: 0 };

  return (request: StandinRequest): StandinReply => {
    const path = request.url.pathname.replace(/\/+$/, '');
    if (path === '/assistant/search/ctdl') {
      if (request.method !== 'POST')
        return assistantError(405, 'Use POST for the search API.', { allow: 'POST' });
      if (apiKeyOf(request) !== apiKey)
        return assistantError(
          401,
          'A valid API key is required: send the header Authorization: ApiToken <key>.',
        );
      if (limit !== undefined) {
        const now = Date.now();
        if (now - window.start >= 1_000) window = { start: now, count: 0 };
        window.count += 1;
        if (window.count > limit)
          return assistantError(429, 'Too many requests; slow down.', { 'retry-after': '1' });
      }
      return search(resources, request.body);
    }
    const record = /^\/(resources|graph)\/(ce-[0-9a-f-]{36})$/i.exec(path);
    if (record) {
      if (request.method !== 'GET')
        return json(405, { errors: ['Use GET for registry records.'] }, { allow: 'GET' });
      const [, kind, ctid] = record;
      const resource = byCtid.get(ctid!.toLowerCase());
      if (!resource) return json(404, { errors: [`No resource with CTID ${ctid}.`] });
      if (kind === 'resources') return json(200, resource);
      const { '@context': context, ...node } = resource;
      return json(200, {
        '@context': context,
        '@id': String(resource['@id']).replace('/resources/', '/graph/'),
        '@graph': [node],
      });
    }
    return json(404, { errors: [`No route ${request.url.pathname}.`] });
  };
}

/** Starts the registry stand-in; its base URL (for search and records alike) is `${origin}/`. */
export async function startRegistryStandin(options: RegistryStandinOptions = {}): Promise<RunningStandin> {
  return startStandin(registryStandinHandler(options), { port: options.port, host: options.host });
}
