import { type Closable, chunks, UpstreamError, UpstreamHttp } from '../kit/index.js';
import { EXEMPLAR_MAX_PAGE_SIZE, type ExemplarConfig, PROVIDER_ID } from './config.js';
import type { ExemplarItem, ExemplarItemBatch, ExemplarItemPage } from './upstream.js';

export interface PageRequest {
  /** 1-based page number. */
  page: number;
  perPage: number;
  /** Only items changed since this ISO date-time, when given. */
  updatedSince?: string | null;
}

/**
 * The upstream API over the kit's `UpstreamHttp` (keep-alive, retries, timeouts, stable error codes): builds
 * requests and checks that answers have the shape we rely on. Knows HTTP and the API, nothing of GraphQL.
 * TODO: your API's paths, query parameters and authentication.
 */
export class ExemplarClient implements Closable {
  private readonly http: UpstreamHttp;

  constructor(readonly config: ExemplarConfig) {
    this.http = new UpstreamHttp({
      provider: PROVIDER_ID,
      baseUrl: config.baseUrl,
      headers: { authorization: `Bearer ${config.apiToken}` },
      credentialsSetting: 'EXEMPLAR_API_TOKEN',
      timeoutMs: config.timeoutMs,
    });
  }

  /** `GET items?page=&per_page=&updated_since=`: one page of the whole catalog. */
  async listItems(request: PageRequest): Promise<ExemplarItemPage> {
    const body = await this.http.getJson<unknown>('items', {
      page: request.page,
      per_page: checkPageSize(request.perPage),
      updated_since: request.updatedSince ?? undefined,
    });
    const page = body as Partial<ExemplarItemPage> | null;
    const items = checkItems(page?.items, 'items');
    const next = page?.next_page;
    // A next page that does not move forward would make the feed loop forever: refuse it.
    if (next !== null && (!Number.isInteger(next) || (next as number) <= request.page)) {
      throw badResponse(`items answered next_page ${JSON.stringify(next)} after page ${request.page}`);
    }
    return { ...(page as ExemplarItemPage), items };
  }

  /** `GET items?ids=`: one request per 50 ids (one for a typical DataLoader batch); unknown ids are absent. */
  async getItems(ids: readonly string[]): Promise<ExemplarItem[]> {
    const items: ExemplarItem[] = [];
    for (const chunk of chunks([...new Set(ids)], EXEMPLAR_MAX_PAGE_SIZE)) {
      const body = await this.http.getJson<unknown>('items', { ids: chunk.join(',') });
      items.push(...checkItems((body as Partial<ExemplarItemBatch> | null)?.items, 'items?ids'));
    }
    return items;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** The items of an answer, or UPSTREAM_BAD_RESPONSE when it has none in the shape we rely on. */
function checkItems(items: unknown, path: string): ExemplarItem[] {
  const ok =
    Array.isArray(items) &&
    items.every((item) => item !== null && typeof item === 'object' && typeof item.id === 'string');
  if (!ok) throw badResponse(`${path} answered without an "items" array of objects with ids`);
  return items as ExemplarItem[];
}

function checkPageSize(perPage: number): number {
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > EXEMPLAR_MAX_PAGE_SIZE) {
    throw new RangeError(
      `${PROVIDER_ID}: per_page must be a whole number from 1 to ${EXEMPLAR_MAX_PAGE_SIZE}`,
    );
  }
  return perPage;
}

function badResponse(detail: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', PROVIDER_ID, `${PROVIDER_ID}: ${detail}`);
}
