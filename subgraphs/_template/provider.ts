import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  type FeedPage,
  type FeedRequest,
  InvalidCursorError,
} from '../kit/index.js';
import { ExemplarClient } from './client.js';
import { type ExemplarConfig, PROVIDER_ID, readConfig } from './config.js';
import { DETAILS_TYPE_NAME, detailsTypeDefs, type ExemplarItemDetails, toDetails } from './details.js';
import { ITEM_KIND, toCredentialRecord } from './mapping.js';

/** What a feed cursor carries: the upstream page to ask for next. */
interface FeedCursor {
  page: number;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const page = (value as Partial<FeedCursor> | null)?.page;
  return typeof page === 'number' && Number.isInteger(page) && page >= 1;
}

/**
 * One feed page: an upstream page of items (page/per_page, following `next_page`), mapped to the common
 * schema. The cursor carries the next page number, so the feed keeps no state between requests.
 */
export async function exemplarFeedPage(client: ExemplarClient, request: FeedRequest): Promise<FeedPage> {
  let page = 1;
  if (request.cursor !== null) {
    const state = decodeCursor(request.cursor, isFeedCursor);
    if (!state) throw new InvalidCursorError();
    page = state.page;
  }
  const perPage = Math.max(1, Math.min(request.limit, client.config.pageSize));
  const answer = await client.listItems({ page, perPage, updatedSince: request.updatedSince });
  const fetchedAt = new Date().toISOString();
  return {
    items: answer.items.map((item) => toCredentialRecord(item, fetchedAt)),
    nextCursor:
      answer.next_page === null ? null : encodeCursor({ page: answer.next_page } satisfies FeedCursor),
  };
}

/**
 * Live details for a DataLoader batch: one `items?ids=` request for up to 50 items. One result per ref, in
 * order (duplicates included); null for ids of another kind and for items the upstream does not know.
 */
export async function loadExemplarDetails(
  client: ExemplarClient,
  refs: readonly ParsedId[],
): Promise<Array<ExemplarItemDetails | null>> {
  const ids = refs.filter((ref) => ref.kind === ITEM_KIND).map((ref) => ref.upstreamId);
  if (ids.length === 0) return refs.map(() => null);
  const items = new Map((await client.getItems(ids)).map((item) => [item.id, item]));
  return refs.map((ref) => {
    const item = ref.kind === ITEM_KIND ? items.get(ref.upstreamId) : undefined;
    return item ? toDetails(item) : null;
  });
}

/** The Exemplar API as a credgraph provider. TODO: your provider's name, kind and home page. */
export const exemplarProvider = defineProvider<ExemplarConfig, ExemplarClient, ExemplarItemDetails>({
  info: { id: PROVIDER_ID, name: 'Exemplar', kind: 'OTHER', url: 'https://exemplar.example' },
  readConfig,
  createClient: (config) => new ExemplarClient(config),
  feedPage: exemplarFeedPage,
  loadDetails: loadExemplarDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs },
});
