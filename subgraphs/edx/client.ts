import { type Closable, chunks, type Query, UpstreamError, UpstreamHttp } from '../kit/index.js';
import { EDX_MAX_PAGE_SIZE, type EdxConfig, PROVIDER_ID } from './config.js';
import type { DrfPage, EdxCourse, EdxProgram } from './upstream.js';

/** One DRF page of a list, with the number of the next page read out of `next`. */
export interface EdxPage<T> {
  results: T[];
  /** DRF's `count`: matching records over all pages. */
  count: number;
  /** The page number in `next`, or null on the last page. */
  nextPage: number | null;
}

export interface ListRequest {
  /** 1-based, as DRF counts. */
  page: number;
  /** 1–100. */
  pageSize: number;
  /** Only records changed at or after this date-time (Discovery's `timestamp` filter); null for all. */
  modifiedSince?: string | null;
}

/**
 * edX Course Discovery over the kit's `UpstreamHttp`: JWT auth, DRF page-number pagination, the `keys`/`uuids`
 * multi-get filters, envelope checks. Knows HTTP and DRF, nothing of GraphQL or of the common schema.
 */
export class EdxClient implements Closable {
  private readonly http: UpstreamHttp;

  constructor(readonly config: EdxConfig) {
    this.http = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.baseUrl,
      headers: { authorization: `JWT ${config.apiToken}` },
      credentialsSetting: 'EDX_API_TOKEN',
      timeoutMs: config.timeoutMs,
    });
  }

  /** `GET courses/?page=&page_size=[&timestamp=]`: one page of the catalog, in Discovery's key order. */
  async listCourses(request: ListRequest): Promise<EdxPage<EdxCourse>> {
    return this.listPage<EdxCourse>('courses/', request);
  }

  /** `GET programs/?page=&page_size=[&timestamp=]`: one page of programs, whatever their status. */
  async listPrograms(request: ListRequest): Promise<EdxPage<EdxProgram>> {
    return this.listPage<EdxProgram>('programs/', request);
  }

  /** `GET courses/?keys=a,b`: courses by key, one request per 100 keys; unknown keys are absent. */
  async coursesByKeys(keys: readonly string[]): Promise<EdxCourse[]> {
    return this.multiGet<EdxCourse>('courses/', 'keys', keys);
  }

  /** `GET programs/?uuids=a,b`: programs by UUID, one request per 100; unknown UUIDs are absent. */
  async programsByUuids(uuids: readonly string[]): Promise<EdxProgram[]> {
    return this.multiGet<EdxProgram>('programs/', 'uuids', uuids);
  }

  /** `GET courses/{key}/`: one course by key (or UUID), null when Discovery answers 404. */
  async course(key: string): Promise<EdxCourse | null> {
    return this.getOne<EdxCourse>(`courses/${encodeURIComponent(key)}/`);
  }

  /** `GET programs/{uuid}/`: one program, null when Discovery answers 404. */
  async program(uuid: string): Promise<EdxProgram | null> {
    return this.getOne<EdxProgram>(`programs/${encodeURIComponent(uuid)}/`);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async listPage<T>(path: string, request: ListRequest): Promise<EdxPage<T>> {
    checkPageSize(request.pageSize);
    const query: Query = { page: request.page, page_size: request.pageSize };
    if (request.modifiedSince) query.timestamp = request.modifiedSince;
    const body = checkPage<T>(await this.http.getJson<unknown>(path, query), path);
    return {
      results: body.results,
      count: body.count,
      nextPage: nextPageNumber(body.next, request.page, path),
    };
  }

  private async multiGet<T>(path: string, filter: string, values: readonly string[]): Promise<T[]> {
    const found: T[] = [];
    for (const chunk of chunks([...new Set(values)], EDX_MAX_PAGE_SIZE)) {
      // A chunk fits one page; `next` is still followed, in case the upstream pages at fewer than we ask for.
      let page: number | null = 1;
      while (page !== null) {
        const body: DrfPage<T> = checkPage<T>(
          await this.http.getJson<unknown>(path, {
            [filter]: chunk.join(','),
            page,
            page_size: EDX_MAX_PAGE_SIZE,
          }),
          path,
        );
        found.push(...body.results);
        page = nextPageNumber(body.next, page, path);
      }
    }
    return found;
  }

  private async getOne<T>(path: string): Promise<T | null> {
    try {
      const body = await this.http.getJson<unknown>(path);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw badResponse(`${path} answered with something that is not an object`);
      }
      return body as T;
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'UPSTREAM_NOT_FOUND') return null;
      throw error;
    }
  }
}

/** The DRF envelope, checked: a `results` array of objects and a numeric `count`. */
function checkPage<T>(body: unknown, path: string): DrfPage<T> {
  const page = body as Partial<DrfPage<T>> | null;
  const resultsOk =
    Array.isArray(page?.results) &&
    page.results.every((result) => result !== null && typeof result === 'object' && !Array.isArray(result));
  if (!resultsOk) throw badResponse(`${path} answered without a "results" array of objects`);
  if (typeof page?.count !== 'number') throw badResponse(`${path} answered without a numeric "count"`);
  const next = page.next ?? null;
  if (next !== null && typeof next !== 'string')
    throw badResponse(`${path} answered a "next" that is not a URL`);
  return { count: page.count, next, previous: page.previous ?? null, results: page.results as T[] };
}

/**
 * The `page` inside DRF's `next` link. DRF builds that link from the Host header it was reached by, which
 * behind a proxy can name an internal host; so the adapter reads only the page number and asks its own base
 * URL for it. A `next` that does not move forward would make the feed loop forever, so it is refused.
 */
export function nextPageNumber(next: string | null, current: number, path: string): number | null {
  if (next === null || next === '') return null;
  let page: number;
  try {
    page = Number(new URL(next, 'http://edx.invalid/').searchParams.get('page'));
  } catch {
    throw badResponse(`${path} answered a "next" that is not a URL`);
  }
  if (!Number.isInteger(page) || page <= current) {
    throw badResponse(`${path} answered a "next" link without a page after ${current}`);
  }
  return page;
}

function checkPageSize(pageSize: number): void {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > EDX_MAX_PAGE_SIZE) {
    throw new RangeError(`edx: page size must be a whole number from 1 to ${EDX_MAX_PAGE_SIZE}`);
  }
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER_ID, `${PROVIDER_ID}: ${detail}`);
}
