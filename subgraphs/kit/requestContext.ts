import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamPolicy } from './upstreamPolicy.js';

/**
 * What a subgraph knows about the client request it is serving, carried implicitly through every await (and
 * DataLoader batch) so that the upstream client can tag its calls without each provider passing it along.
 */
export interface RequestContext {
  /** The gateway's request id (`x-request-id`), or null when the caller sent none. */
  requestId: string | null;
  /**
   * Whether upstream answers must be fresh: revalidated with the upstream rather than served from the upstream
   * HTTP cache (a feed page for a harvest, or a request the gateway sends with `cache-control: no-cache`).
   */
  fresh?: boolean;
  /**
   * The cache policy of the answer being computed, which resolvers narrow through `info.cacheControl` (see
   * cacheControl.ts); set by the GraphQL handler once it knows the operation.
   */
  cachePolicy?: { restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };
  /** The upstream policy of the subgraph serving the request, for upstream clients built while serving it. */
  upstreamPolicy?: UpstreamPolicy;
}

/** The header that carries a request id from client to gateway to subgraph to upstream. */
export const REQUEST_ID_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` as the current request context. */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The context of the request being served, or undefined outside one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Whether the request being served wants fresh upstream answers (see {@link RequestContext.fresh}). */
export function currentRequestWantsFresh(): boolean {
  return storage.getStore()?.fresh === true;
}

/** Whether a caller's `cache-control` header asks for a fresh answer (`no-cache`, `no-store` or `max-age=0`). */
export function wantsFresh(headers: IncomingHttpHeaders): boolean {
  const value = headers['cache-control'];
  return typeof value === 'string' && /(?:^|,)\s*(?:no-cache|no-store|max-age=0)\s*(?:,|$)/i.test(value);
}

/** The cache policy of the GraphQL answer being computed, if any (see {@link RequestContext.cachePolicy}). */
export function currentRequestCachePolicy(): RequestContext['cachePolicy'] {
  return storage.getStore()?.cachePolicy;
}

/** The request id of the request being served, or null outside one. */
export function currentRequestId(): string | null {
  return storage.getStore()?.requestId ?? null;
}

// Opaque, short and printable: anything else a caller sends is dropped rather than echoed into logs and headers.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id in incoming headers, when it is a well-formed one. */
export function requestIdFrom(headers: IncomingHttpHeaders): string | null {
  const value = headers[REQUEST_ID_HEADER];
  const id = Array.isArray(value) ? value[0] : value;
  return id !== undefined && REQUEST_ID.test(id) ? id : null;
}
