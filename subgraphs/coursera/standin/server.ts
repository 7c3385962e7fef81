import {
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import type { CourseraCourse, CourseraPartner, CourseraSpecialization } from '../upstream.js';

/**
 * A local stand-in for Coursera's legacy catalog API (Naptime) over the sample data in `data/`: the same
 * paths under `/api/`, the same envelope (`elements`, `paging`, `linked`), `fields` projection, `includes`,
 * `ids` multi-gets, finders (`q=search`, `q=slug`), start/limit paging and Naptime-style error bodies.
 */

export interface CourseraStandinOptions {
  port?: number;
  host?: string;
  /** When set, a request that sends an `Authorization` header must carry `Bearer <token>`; none is still fine. */
  token?: string;
  /**
   * Answer as if `includes` were not requested (no `linked`), so that the adapter's `partners.v1` fallback
   * can be exercised.
   */
  ignoreIncludes?: boolean;
}

const DATA_DIR = 'subgraphs/coursera/standin/data';
const MAX_LIMIT = 100;

type Element = { id: string } & Record<string, unknown>;

interface Resource {
  elements: readonly Element[];
  /** Fields Naptime returns whatever `fields` says. */
  defaultFields: readonly string[];
  /** Fields a linked element carries (Naptime's defaults for that resource when it is included). */
  linkedFields: readonly string[];
  /** Include name → the resource its ids point into and the field holding those ids. */
  includes: Readonly<Record<string, { resource: string; field: string }>>;
  finders: Readonly<Record<string, (params: URLSearchParams) => readonly Element[] | StandinReply>>;
}

interface SampleData {
  courses: CourseraCourse[];
  partners: CourseraPartner[];
  specializations: CourseraSpecialization[];
}

let sample: SampleData | null = null;

/** The bundled sample data, read once. */
export function courseraSampleData(): SampleData {
  sample ??= {
    courses: readProjectJson<CourseraCourse[]>(`${DATA_DIR}/courses.json`),
    partners: readProjectJson<CourseraPartner[]>(`${DATA_DIR}/partners.json`),
    specializations: readProjectJson<CourseraSpecialization[]>(`${DATA_DIR}/specializations.json`),
  };
  return sample;
}

const naptimeError = (status: number, errorCode: string, message: string): StandinReply =>
  json(status, { errorCode, message, details: null });

function matchesAllTerms(element: Element, query: string): boolean {
  const haystack = `${element.name ?? ''} ${element.description ?? ''}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => haystack.includes(term));
}

function bySlug(elements: readonly Element[]) {
  return (params: URLSearchParams): readonly Element[] | StandinReply => {
    const slug = params.get('slug');
    if (!slug) return naptimeError(400, 'BadRequest', 'Finder "slug" requires the parameter "slug"');
    return elements.filter((element) => element.slug === slug);
  };
}

function buildResources(data: SampleData): Record<string, Resource> {
  const courses = data.courses as unknown as Element[];
  const partners = data.partners as unknown as Element[];
  const specializations = data.specializations as unknown as Element[];
  return {
    'courses.v1': {
      elements: courses,
      defaultFields: ['id', 'slug', 'courseType', 'name'],
      linkedFields: ['id', 'slug', 'courseType', 'name'],
      includes: { partnerIds: { resource: 'partners.v1', field: 'partnerIds' } },
      finders: {
        search: (params) => {
          const query = params.get('query')?.trim();
          if (!query)
            return naptimeError(400, 'BadRequest', 'Finder "search" requires the parameter "query"');
          return courses.filter((course) => matchesAllTerms(course, query));
        },
        slug: bySlug(courses),
      },
    },
    'partners.v1': {
      elements: partners,
      defaultFields: ['id', 'name', 'shortName'],
      linkedFields: ['id', 'name', 'shortName', 'homeLink'],
      includes: {},
      finders: {},
    },
    'onDemandSpecializations.v1': {
      elements: specializations,
      defaultFields: ['id', 'slug', 'name'],
      linkedFields: ['id', 'slug', 'name'],
      includes: {
        partnerIds: { resource: 'partners.v1', field: 'partnerIds' },
        courseIds: { resource: 'courses.v1', field: 'courseIds' },
      },
      finders: { slug: bySlug(specializations) },
    },
  };
}

function listParam(params: URLSearchParams, name: string): string[] {
  return (params.get(name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function project(element: Element, fields: readonly string[]): Element {
  const projected: Element = { id: element.id };
  for (const field of fields) if (field in element) projected[field] = element[field];
  return projected;
}

/** A whole number parameter within bounds, or the error reply Naptime gives for it. */
function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number) {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    return naptimeError(
      400,
      'BadRequest',
      `Parameter "${name}" must be a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

function answer(
  resources: Record<string, Resource>,
  name: string,
  resource: Resource,
  params: URLSearchParams,
  pathId: string | null,
  options: CourseraStandinOptions,
): StandinReply {
  const allFields = new Set(resource.elements.flatMap((element) => Object.keys(element)));
  const requested = listParam(params, 'fields');
  const unknownField = requested.find((field) => !allFields.has(field));
  if (unknownField) return naptimeError(400, 'BadRequest', `Unknown field "${unknownField}" for ${name}`);
  const includes = listParam(params, 'includes');
  const unknownInclude = includes.find((include) => !resource.includes[include]);
  if (unknownInclude)
    return naptimeError(400, 'BadRequest', `Cannot include "${unknownInclude}" from ${name}`);

  let selected: readonly Element[];
  let paging: { next?: string; total?: number } = {};
  if (pathId !== null) {
    const element = resource.elements.find((candidate) => candidate.id === pathId);
    if (!element) return naptimeError(404, 'NotFound', `No ${name} element with id "${pathId}"`);
    selected = [element];
  } else if (params.has('ids')) {
    const byId = new Map(resource.elements.map((element) => [element.id, element]));
    selected = listParam(params, 'ids')
      .map((id) => byId.get(id))
      .filter((element): element is Element => element !== undefined);
  } else {
    const finderName = params.get('q');
    let matched: readonly Element[] = resource.elements;
    if (finderName !== null) {
      const finder = resource.finders[finderName];
      if (!finder) return naptimeError(400, 'BadRequest', `Unknown finder "${finderName}" for ${name}`);
      const found = finder(params);
      if (!Array.isArray(found)) return found as StandinReply;
      matched = found;
    }
    const start = intParam(params, 'start', 0, 0, Number.MAX_SAFE_INTEGER);
    if (typeof start !== 'number') return start;
    const limit = intParam(params, 'limit', MAX_LIMIT, 1, MAX_LIMIT);
    if (typeof limit !== 'number') return limit;
    selected = matched.slice(start, start + limit);
    paging =
      start + limit < matched.length
        ? { next: String(start + limit), total: matched.length }
        : { total: matched.length };
  }

  const fields = [...resource.defaultFields, ...requested];
  const body: Record<string, unknown> = {
    elements: selected.map((element) => project(element, fields)),
    paging,
  };
  if (includes.length > 0 && !options.ignoreIncludes) {
    const linked: Record<string, Element[]> = {};
    for (const include of includes) {
      const { resource: target, field } = resource.includes[include]!;
      const targetResource = resources[target]!;
      const wanted = new Set(selected.flatMap((element) => (element[field] as string[] | undefined) ?? []));
      linked[target] = targetResource.elements
        .filter((element) => wanted.has(element.id))
        .map((element) => project(element, targetResource.linkedFields));
    }
    body.linked = linked;
  }
  return json(200, body);
}

/** The request handler, separate from the server so that its behaviour reads in one place. */
export function courseraStandinHandler(options: CourseraStandinOptions = {}) {
  const resources = buildResources(courseraSampleData());
  return (request: StandinRequest): StandinReply => {
    const authorization = request.headers.authorization;
    if (
      options.token !== undefined &&
      authorization !== undefined &&
      authorization !== `Bearer ${options.token}`
    ) {
      return naptimeError(401, 'Unauthorized', 'Invalid or expired access token');
    }
    if (request.method !== 'GET')
      return naptimeError(405, 'MethodNotAllowed', 'The catalog API is read-only');
    const match = /^\/api\/([^/]+)(?:\/([^/]+))?\/?$/.exec(request.url.pathname);
    const name = match?.[1] ?? '';
    const resource = resources[name];
    if (!match || !resource) return naptimeError(404, 'NotFound', `No resource at ${request.url.pathname}`);
    const pathId = match[2] === undefined ? null : decodeURIComponent(match[2]);
    return answer(resources, name, resource, request.url.searchParams, pathId, options);
  };
}

/** Starts the Coursera stand-in; its API base URL is `${origin}/api/`. */
export async function startCourseraStandin(options: CourseraStandinOptions = {}): Promise<RunningStandin> {
  return startStandin(courseraStandinHandler(options), { port: options.port, host: options.host });
}
