import { credentialRecordProblems } from '../../schema/index.js';
import type { Closable, FeedPage, ProviderDefinition } from './contract.js';
import { isUpstreamError } from './errors.js';
import { currentRequestId, runWithRequestContext } from './requestContext.js';
import { type RouteHandler, sendJson } from './serve.js';

export const FEED_MAX_LIMIT = 500;

/** The JSON body of `GET /feed`: the contract between every provider and the catalog. */
export interface FeedResponse extends FeedPage {
  provider: ProviderDefinition<unknown, Closable, unknown>['info'];
  /** Upstream records that could not be mapped, with why; they are reported, not silently dropped. */
  rejected: Array<{ id: string; problems: string[] }>;
}

/**
 * `GET /feed?cursor=&limit=&updatedSince=`: one page of common-schema credentials. Upstream failures answer
 * 502 with `{error: {code, message}}`, using the same stable codes as the GraphQL errors.
 */
export function feedRoute<TClient extends Closable>(
  provider: ProviderDefinition<unknown, TClient, unknown>,
  client: TClient,
): RouteHandler {
  return async (request, response, url) => {
    if (request.method !== 'GET') {
      return sendJson(
        response,
        405,
        { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET' } },
        { allow: 'GET' },
      );
    }
    const limit = Number(url.searchParams.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > FEED_MAX_LIMIT) {
      return sendJson(response, 400, {
        error: { code: 'BAD_REQUEST', message: `limit must be a whole number from 1 to ${FEED_MAX_LIMIT}` },
      });
    }
    const updatedSince = url.searchParams.get('updatedSince');
    if (updatedSince !== null && Number.isNaN(Date.parse(updatedSince))) {
      return sendJson(response, 400, {
        error: { code: 'BAD_REQUEST', message: 'updatedSince must be a date-time' },
      });
    }
    let page: FeedPage;
    try {
      // A harvest must see what the upstream holds now: every upstream answer is revalidated, not taken from
      // the upstream HTTP cache (a 304 still spares the body).
      page = await runWithRequestContext({ requestId: currentRequestId(), fresh: true }, () =>
        provider.feedPage(client, { cursor: url.searchParams.get('cursor'), limit, updatedSince }),
      );
    } catch (error) {
      if (isUpstreamError(error)) {
        return sendJson(response, 502, {
          error: { code: error.code, message: error.message, upstreamStatus: error.upstreamStatus },
        });
      }
      if (error instanceof InvalidCursorError) {
        return sendJson(response, 400, { error: { code: 'BAD_REQUEST', message: error.message } });
      }
      throw error;
    }
    const body: FeedResponse = {
      provider: provider.info,
      items: [],
      rejected: [],
      nextCursor: page.nextCursor,
    };
    for (const item of page.items) {
      const problems = credentialRecordProblems(item);
      if (problems.length === 0) body.items.push(item);
      else body.rejected.push({ id: item.id, problems });
    }
    sendJson(response, 200, body);
  };
}

/** Thrown by a provider's feedPage for a cursor it did not issue. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('cursor is not one this feed issued');
  }
}
