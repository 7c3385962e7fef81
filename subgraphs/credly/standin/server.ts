import {
  basicCredentials,
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import { DEFAULT_CREDLY_API_TOKEN } from '../config.js';
import type { CredlyBadgeTemplate, CredlyOrganization } from '../upstream.js';

/**
 * A local stand-in for Credly's Web Service API v1 over the sample data in `data/`: the same paths under
 * `/v1/`, HTTP Basic auth with the organization token as user name, the `{data, metadata}` envelope, page/per
 * paging with absolute `next_page_url` links, `filter` and `sort`, and Credly's `{data: {message}}` errors.
 */

export interface CredlyStandinOptions {
  port?: number;
  host?: string;
  /** The organization token it accepts (default: the demo token the adapter also defaults to). */
  token?: string;
}

const DATA_DIR = 'subgraphs/credly/standin/data';
export const STANDIN_DEFAULT_PER = 25;
export const STANDIN_MAX_PER = 100;

export interface CredlySampleData {
  organizations: CredlyOrganization[];
  badgeTemplates: CredlyBadgeTemplate[];
}

let sample: CredlySampleData | null = null;

/** The bundled sample data, read once. */
export function credlySampleData(): CredlySampleData {
  sample ??= {
    organizations: readProjectJson<CredlyOrganization[]>(`${DATA_DIR}/organizations.json`),
    badgeTemplates: readProjectJson<CredlyBadgeTemplate[]>(`${DATA_DIR}/badge_templates.json`),
  };
  return sample;
}

const credlyError = (status: number, message: string): StandinReply => json(status, { data: { message } });

export async function startCredlyStandin(options: CredlyStandinOptions = {}): Promise<RunningStandin> {
  const token = options.token ?? DEFAULT_CREDLY_API_TOKEN;
  const data = credlySampleData();
  return startStandin((request) => handle(request, token, data), { port: options.port, host: options.host });
}

function handle(request: StandinRequest, token: string, data: CredlySampleData): StandinReply {
  if (basicCredentials(request.headers)?.user !== token) {
    return credlyError(401, 'You must provide a valid authorization token to access this resource.');
  }
  const match = /^\/v1\/organizations\/([^/]+)(?:\/badge_templates(?:\/([^/]+))?)?\/?$/.exec(
    request.url.pathname,
  );
  if (!match) return credlyError(404, 'The requested resource could not be found.');
  if (request.method !== 'GET')
    return credlyError(405, `${request.method} is not supported by this stand-in.`);

  const [, organizationId, templateId] = match.map((part) =>
    part === undefined ? undefined : decodeURIComponent(part),
  );
  const organization = data.organizations.find((org) => org.id === organizationId);
  if (!organization) return credlyError(404, 'Organization not found.');
  const templates = data.badgeTemplates.filter((template) => template.owner?.id === organization.id);

  if (!request.url.pathname.includes('/badge_templates'))
    return json(200, { data: organization, metadata: {} });
  if (templateId !== undefined) {
    const template = templates.find((candidate) => candidate.id === templateId);
    return template
      ? json(200, { data: template, metadata: {} })
      : credlyError(404, 'Badge template not found.');
  }
  return listTemplates(request.url, templates);
}

function listTemplates(url: URL, templates: readonly CredlyBadgeTemplate[]): StandinReply {
  const params = url.searchParams;
  const page = positiveInt(params.get('page'), 1);
  const requestedPer = positiveInt(params.get('per'), STANDIN_DEFAULT_PER);
  if (page === null || requestedPer === null) {
    return credlyError(400, 'page and per must be positive whole numbers.');
  }
  const per = Math.min(requestedPer, STANDIN_MAX_PER);

  const filtered = applyFilter(templates, params.get('filter'));
  if ('status' in filtered) return filtered;
  const sorted = applySort(filtered, params.get('sort'));
  if ('status' in sorted) return sorted;

  const totalPages = Math.max(1, Math.ceil(sorted.length / per));
  const data = sorted.slice((page - 1) * per, page * per);
  const link = (target: number) => {
    const next = new URL(url);
    next.searchParams.set('page', String(target));
    next.searchParams.set('per', String(per));
    return next.href;
  };
  return json(200, {
    data,
    metadata: {
      count: data.length,
      current_page: page,
      total_count: sorted.length,
      total_pages: totalPages,
      per,
      previous_page_url: page > 1 ? link(Math.min(page - 1, totalPages)) : null,
      next_page_url: page < totalPages ? link(page + 1) : null,
    },
  });
}

function positiveInt(raw: string | null, fallback: number): number | null {
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1 ? value : null;
}

const FILTERS: Record<string, (template: CredlyBadgeTemplate, value: string) => boolean> = {
  state: (template, value) => value.split(',').includes(template.state),
  public: (template, value) => String(template.public) === value,
  name: (template, value) => template.name.toLowerCase() === value.toLowerCase(),
  query: (template, value) => {
    const text = [
      template.name,
      template.description ?? '',
      ...(template.skills ?? []).map((skill) => (typeof skill === 'string' ? skill : skill.name)),
    ]
      .join(' ')
      .toLowerCase();
    return text.includes(value.toLowerCase());
  },
};

/** Credly filter expressions: `key::value` terms joined by `|`, all of which must hold. */
function applyFilter(
  templates: readonly CredlyBadgeTemplate[],
  filter: string | null,
): CredlyBadgeTemplate[] | StandinReply {
  let result = [...templates];
  for (const term of (filter ?? '').split('|').filter(Boolean)) {
    const separator = term.indexOf('::');
    const key = separator < 0 ? term : term.slice(0, separator);
    const test = FILTERS[key];
    if (separator < 0 || !test) return credlyError(422, `Unsupported filter "${term}".`);
    const value = term.slice(separator + 2);
    result = result.filter((template) => test(template, value));
  }
  return result;
}

const SORT_KEYS: Record<string, (template: CredlyBadgeTemplate) => string> = {
  name: (template) => template.name.toLowerCase(),
  created_at: (template) => template.created_at ?? '',
  updated_at: (template) => template.updated_at ?? '',
};

/** `sort=key` or `sort=-key`; ties break on id so that pages never overlap. Unsorted, creation order. */
function applySort(
  templates: CredlyBadgeTemplate[],
  sort: string | null,
): CredlyBadgeTemplate[] | StandinReply {
  const descending = sort?.startsWith('-') ?? false;
  const key = sort ? sort.replace(/^-/, '') : 'created_at';
  const keyOf = SORT_KEYS[key];
  if (!keyOf) return credlyError(422, `Unsupported sort "${sort}".`);
  const direction = descending ? -1 : 1;
  return templates.sort((a, b) => {
    const order = keyOf(a).localeCompare(keyOf(b)) || a.id.localeCompare(b.id);
    return order * direction;
  });
}
