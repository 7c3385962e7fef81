import { request } from 'undici';

const SERVICE_SDL_QUERY = 'query __ApolloGetServiceDefinition__ { _service { sdl } }';

/** A subgraph could not be introspected: unreachable, too slow, or it answered something other than its SDL. */
export class SubgraphIntrospectionError extends Error {
  constructor(
    readonly subgraph: string,
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`subgraph "${subgraph}" at ${url}: ${reason}`, options);
    this.name = 'SubgraphIntrospectionError';
  }
}

export interface IntrospectOptions {
  /** Deadline for the whole exchange. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Aborts the request, e.g. when the gateway is closed while starting. */
  signal?: AbortSignal;
}

/** Fetches a subgraph's SDL with the Federation `_service { sdl }` query. */
export async function introspectSubgraphSdl(
  subgraph: string,
  url: string,
  options: IntrospectOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let text: string;
  let status: number;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify({ query: SERVICE_SDL_QUERY }),
      signal,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason = timeout.aborted
      ? `no answer to introspection within ${timeoutMs} ms`
      : `unreachable (${describeNetworkError(error)})`;
    throw new SubgraphIntrospectionError(subgraph, url, reason, { cause: error });
  }
  let body: { data?: { _service?: { sdl?: unknown } }; errors?: { message?: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new SubgraphIntrospectionError(
      subgraph,
      url,
      `answered HTTP ${status} with a body that is not JSON`,
    );
  }
  const sdl = body.data?._service?.sdl;
  if (typeof sdl === 'string' && sdl.trim()) return sdl;
  const detail = body.errors?.map((error) => error.message).join('; ');
  throw new SubgraphIntrospectionError(
    subgraph,
    url,
    `answered HTTP ${status} without an SDL${detail ? `: ${detail}` : ''} (is it a Federation subgraph?)`,
  );
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return [typeof code === 'string' ? code : '', error.message, cause].filter(Boolean).join(': ');
}
