import type { CredentialRecord } from '../../schema/index.js';
import type { FeedPage, FeedRequest } from './contract.js';
import type { FeedResponse } from './feed.js';

/**
 * Test support for provider test files: talking to a running provider subgraph over HTTP the way the gateway
 * (`_entities`) and the catalog (`/feed`) do, and paging a provider's feed in-process. The helpers return what
 * they saw and leave the assertions to the test (only `resolveEntities` insists on a 200), so they need no test
 * framework; they are not exported from `index.ts`, since production code has no use for them. Import them as
 * `../kit/testing.js`.
 */

/** A GraphQL response body, as a subgraph sends it. */
export interface GraphQLAnswer<TData> {
  data?: TData | null;
  errors?: Array<{
    message: string;
    path?: Array<string | number>;
    extensions?: { code?: string; [key: string]: unknown };
  }>;
}

/** What `POST /graphql` answered: the raw text too, for tests that check a secret never shows up in it. */
export interface EntitiesAnswer<TEntity> {
  status: number;
  text: string;
  body: GraphQLAnswer<{ _entities: TEntity[] }>;
}

/**
 * Asks the subgraph for `Credential` entities by id, as the gateway does, selecting `id` and `selection` (the
 * provider's own field, e.g. `badgr { name }`) on each.
 */
export async function postEntities<TEntity>(
  subgraphUrl: string,
  selection: string,
  ids: readonly string[],
): Promise<EntitiesAnswer<TEntity>> {
  const response = await fetch(subgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Credential { id ${selection} } } }`,
      variables: { representations: ids.map((id) => ({ __typename: 'Credential', id })) },
    }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLAnswer<{ _entities: TEntity[] }> };
}

/**
 * `postEntities` for the many tests that only read the GraphQL body. A subgraph answers 200 even when fields
 * fail, so any other status fails the test here, with the answer's text, rather than later as a puzzling body.
 */
export async function resolveEntities<TEntity>(
  subgraphUrl: string,
  selection: string,
  ids: readonly string[],
): Promise<GraphQLAnswer<{ _entities: TEntity[] }>> {
  const { status, text, body } = await postEntities<TEntity>(subgraphUrl, selection, ids);
  if (status !== 200) throw new Error(`POST ${subgraphUrl} _entities answered ${status}, not 200: ${text}`);
  return body;
}

/** The `{error}` body `/feed` answers with when it cannot serve a page (400 for a bad request, 502 upstream). */
export interface FeedFailure {
  code: string;
  message: string;
  upstreamStatus?: number | null;
}

/**
 * What `GET /feed` answered. The body is a page when the status is 200 and `{error}` otherwise, so both halves
 * are optional: a test asserts the status first and then reads the half it expects.
 */
export interface FeedAnswer {
  status: number;
  text: string;
  body: Partial<FeedResponse> & { error?: FeedFailure };
}

/** Fetches one page of the subgraph's `/feed`, with `query` as its search parameters (`cursor`, `limit`, …). */
export async function getFeedPage(
  subgraphUrl: string,
  query: Record<string, string> = {},
): Promise<FeedAnswer> {
  const url = new URL('/feed', subgraphUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as FeedAnswer['body'] };
}

/** Everything a walk of the whole feed saw, page after page. */
export interface WholeFeed {
  /** 200 when every page answered 200; otherwise the status of the first page that did not, where the walk stopped. */
  status: number;
  items: CredentialRecord[];
  rejected: FeedResponse['rejected'];
  /** The provider each page named, one entry a page. */
  providers: Array<FeedResponse['provider']>;
}

/** A provider whose cursors never end would otherwise hang the test until its timeout, saying nothing. */
const MAX_FEED_PAGES = 10_000;

/**
 * Walks the subgraph's `/feed` from the first page until `nextCursor` is null, as a harvest does, with `query`
 * (e.g. `{ limit: '100' }`) on every page.
 */
export async function readWholeFeed(
  subgraphUrl: string,
  query: Record<string, string> = {},
): Promise<WholeFeed> {
  const feed: WholeFeed = { status: 200, items: [], rejected: [], providers: [] };
  let cursor: string | null = null;
  for (let pages = 0; pages < MAX_FEED_PAGES; pages += 1) {
    const page = await getFeedPage(subgraphUrl, cursor ? { ...query, cursor } : query);
    if (page.status !== 200) return { ...feed, status: page.status };
    feed.items.push(...(page.body.items ?? []));
    feed.rejected.push(...(page.body.rejected ?? []));
    if (page.body.provider) feed.providers.push(page.body.provider);
    cursor = page.body.nextCursor ?? null;
    if (cursor === null) return feed;
  }
  throw new Error(`the feed still had a next page after ${MAX_FEED_PAGES} pages`);
}

/**
 * Reads a provider's whole feed by calling its `feedPage` in-process, from the first page until `nextCursor` is
 * null: for tests of the paging itself, beneath the subgraph's `/feed` (see `readWholeFeed` for that).
 */
export async function readProviderFeed<TClient>(
  feedPage: (client: TClient, request: FeedRequest) => Promise<FeedPage>,
  client: TClient,
  limit: number,
  updatedSince: string | null = null,
): Promise<{ items: CredentialRecord[]; pages: number }> {
  const items: CredentialRecord[] = [];
  let cursor: string | null = null;
  for (let pages = 1; pages <= MAX_FEED_PAGES; pages += 1) {
    const page = await feedPage(client, { cursor, limit, updatedSince });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return { items, pages };
  }
  throw new Error(`the feed still had a next page after ${MAX_FEED_PAGES} pages`);
}

/**
 * The same skills spelled differently on purpose, so that the skills subgraph has variants to reconcile across
 * records and providers: the sample data of badgr, edx, openbadges and registry carries every one.
 */
export const SKILL_LABEL_VARIANTS: readonly string[] = [
  'Cyber Security',
  'Cybersecurity',
  'Information Security',
  'Python (Programming Language)',
  'CNC Machining',
  'CNC machine operation',
  'Patient Care',
  'Infection Control',
];
