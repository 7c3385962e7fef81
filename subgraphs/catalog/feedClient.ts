import { Agent } from 'undici';
import type { FeedResponse } from '../kit/index.js';

/** A harvest failure in plain words, with the stable code the provider's feed reported (or one of ours). */
export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads provider feeds (`GET /feed`, see the provider kit) over keep-alive HTTP. */
export class FeedClient {
  private readonly agent: Agent;

  constructor(private readonly timeoutMs = 60_000) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  async page(
    provider: string,
    feedUrl: string,
    params: { cursor: string | null; limit: number; updatedSince?: string | null },
  ): Promise<FeedResponse> {
    const url = new URL(feedUrl);
    url.searchParams.set('limit', String(params.limit));
    if (params.cursor) url.searchParams.set('cursor', params.cursor);
    if (params.updatedSince) url.searchParams.set('updatedSince', params.updatedSince);
    let status: number;
    let text: string;
    try {
      const response = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const reason = (error as { code?: string; name?: string }).code ?? (error as Error).name;
      throw new FeedError(
        'FEED_UNREACHABLE',
        `${provider}: cannot reach its feed at ${url.origin} (${reason})`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new FeedError(
        'FEED_BAD_RESPONSE',
        `${provider}: its feed answered HTTP ${status} with a body that is not JSON`,
      );
    }
    if (status !== 200) {
      const error = (body as { error?: { code?: string; message?: string } }).error;
      throw new FeedError(
        error?.code ?? 'FEED_FAILED',
        error?.message ?? `${provider}: its feed answered HTTP ${status}`,
      );
    }
    const page = body as FeedResponse;
    if (!Array.isArray(page.items) || !page.provider || page.provider.id !== provider) {
      throw new FeedError(
        'FEED_BAD_RESPONSE',
        `${provider}: its feed answered in a shape that is not the feed contract`,
      );
    }
    return page;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
