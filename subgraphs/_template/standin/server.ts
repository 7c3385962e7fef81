import {
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import { DEFAULT_EXEMPLAR_API_TOKEN, EXEMPLAR_MAX_PAGE_SIZE } from '../config.js';
import type { ExemplarItem, ExemplarItemPage } from '../upstream.js';

/**
 * A local stand-in for the upstream API over the sample data in `data/`: the same paths under `/v1/`, bearer
 * token auth, page/per_page paging with `next_page`, `ids` multi-gets, `updated_since`, and the API's
 * `{error: {code, message}}` bodies. TODO: make it answer exactly as your API does (paths, envelope, paging,
 * errors), so that the adapter is tested against the real shapes.
 */

export interface ExemplarStandinOptions {
  port?: number;
  host?: string;
  /** The token it accepts (default: the demo token the adapter also defaults to). */
  token?: string;
}

const DATA_DIR = 'subgraphs/_template/standin/data';

let sample: ExemplarItem[] | null = null;

/** The bundled sample data, read once. */
export function exemplarSampleItems(): ExemplarItem[] {
  sample ??= readProjectJson<ExemplarItem[]>(`${DATA_DIR}/items.json`);
  return sample;
}

const apiError = (status: number, code: string, message: string): StandinReply =>
  json(status, { error: { code, message } });

/** A whole number parameter within bounds, or the error reply the API gives for it. */
function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number) {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    return apiError(400, 'bad_request', `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function listItems(items: readonly ExemplarItem[], params: URLSearchParams): StandinReply {
  const page = intParam(params, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  if (typeof page !== 'number') return page;
  const perPage = intParam(params, 'per_page', 20, 1, EXEMPLAR_MAX_PAGE_SIZE);
  if (typeof perPage !== 'number') return perPage;
  const since = params.get('updated_since');
  if (since !== null && Number.isNaN(Date.parse(since))) {
    return apiError(400, 'bad_request', 'updated_since must be an ISO 8601 date-time');
  }
  const matching =
    since === null ? items : items.filter((item) => Date.parse(item.updated_at) >= Date.parse(since));
  const start = (page - 1) * perPage;
  const body: ExemplarItemPage = {
    items: matching.slice(start, start + perPage),
    page,
    per_page: perPage,
    total: matching.length,
    next_page: start + perPage < matching.length ? page + 1 : null,
  };
  return json(200, body);
}

function getItems(byId: ReadonlyMap<string, ExemplarItem>, ids: string[]): StandinReply {
  if (ids.length > EXEMPLAR_MAX_PAGE_SIZE) {
    return apiError(400, 'bad_request', `at most ${EXEMPLAR_MAX_PAGE_SIZE} ids per request`);
  }
  const items = ids.map((id) => byId.get(id)).filter((item): item is ExemplarItem => item !== undefined);
  return json(200, { items });
}

/** The request handler, separate from the server so that its behaviour reads in one place. */
export function exemplarStandinHandler(options: ExemplarStandinOptions = {}) {
  const token = options.token ?? DEFAULT_EXEMPLAR_API_TOKEN;
  const items = exemplarSampleItems();
  const byId = new Map(items.map((item) => [item.id, item]));
  return (request: StandinRequest): StandinReply => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      return apiError(401, 'unauthorized', 'missing or invalid API token');
    }
    if (request.method !== 'GET') return apiError(405, 'method_not_allowed', 'the API is read-only');
    const match = /^\/v1\/items(?:\/([^/]+))?\/?$/.exec(request.url.pathname);
    if (!match) return apiError(404, 'not_found', `no resource at ${request.url.pathname}`);
    const params = request.url.searchParams;
    if (match[1] !== undefined) {
      const item = byId.get(decodeURIComponent(match[1]));
      return item ? json(200, item) : apiError(404, 'not_found', `no item ${match[1]}`);
    }
    if (params.has('ids')) {
      const ids = (params.get('ids') ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      return getItems(byId, ids);
    }
    return listItems(items, params);
  };
}

/** Starts the stand-in; its API base URL is `${origin}/v1/`. */
export async function startExemplarStandin(options: ExemplarStandinOptions = {}): Promise<RunningStandin> {
  return startStandin(exemplarStandinHandler(options), { port: options.port, host: options.host });
}
