import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A client request the response cache (and in-flight sharing) can key: one operation, read from its HTTP form. */
export interface KeyableRequest {
  /** sha256 (hex) of the document, as APQ names it: the same key whether the text or only its hash was sent. */
  documentHash: string;
  /** The document's text, when the client sent it. */
  query: string | null;
  operationName: string | null;
  /** The variables as JSON ('' for none). */
  variables: string;
}

const MAX_REMEMBERED_DOCUMENTS = 1_000;
const MAX_REMEMBERED_LENGTH = 16_384;
const documentHashes = new Map<string, string>();

/** sha256 of a document's text, remembered for the documents clients send again and again. */
export function documentHashOf(query: string): string {
  let hash = documentHashes.get(query);
  if (hash === undefined) {
    hash = createHash('sha256').update(query).digest('hex');
    // Documents are kept as keys: only ordinary-sized ones, so that the map stays small.
    if (query.length > MAX_REMEMBERED_LENGTH) return hash;
    if (documentHashes.size >= MAX_REMEMBERED_DOCUMENTS) {
      documentHashes.delete(documentHashes.keys().next().value as string);
    }
    documentHashes.set(query, hash);
  }
  return hash;
}

/**
 * The operation a GET or POST asks for, or null when it is not one the caches take: a batch, extensions other
 * than APQ's, variables that are not an object, or an APQ hash that does not match the text sent with it
 * (Apollo answers that one with an error, which it should keep doing).
 */
export function keyableRequest(
  method: string,
  body: unknown,
  search: URLSearchParams,
): KeyableRequest | null {
  let fields: { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown };
  if (method === 'POST') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    fields = body as typeof fields;
  } else if (method === 'GET') {
    try {
      fields = {
        query: search.get('query') ?? undefined,
        operationName: search.get('operationName') ?? undefined,
        variables: search.has('variables') ? JSON.parse(search.get('variables')!) : undefined,
        extensions: search.has('extensions') ? JSON.parse(search.get('extensions')!) : undefined,
      };
    } catch {
      return null;
    }
  } else {
    return null;
  }
  const { query, operationName, variables, extensions } = fields;
  let persistedHash: string | null = null;
  if (extensions !== undefined && extensions !== null) {
    if (typeof extensions !== 'object' || Array.isArray(extensions)) return null;
    const { persistedQuery, ...others } = extensions as Record<string, unknown>;
    if (Object.keys(others).length > 0) return null;
    const hash = (persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
    if (persistedQuery !== undefined && typeof hash !== 'string') return null;
    persistedHash = typeof hash === 'string' ? hash.toLowerCase() : null;
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    return null;
  }
  let documentHash: string;
  if (typeof query === 'string') {
    documentHash = documentHashOf(query);
    if (persistedHash !== null && persistedHash !== documentHash) return null;
  } else if (query === undefined || query === null) {
    if (persistedHash === null) return null;
    documentHash = persistedHash;
  } else {
    return null;
  }
  return {
    documentHash,
    query: typeof query === 'string' ? query : null,
    operationName: typeof operationName === 'string' ? operationName : null,
    variables: variables ? JSON.stringify(variables) : '',
  };
}

/**
 * The key of an answer: the operation, its variables, and the request headers that can change the answer. A
 * query sends subgraphs nothing of the client's but the request id, so of the headers only `accept` (which
 * picks the answer's media type) matters; a user's identity is not in it (PRIVATE answers are stored under a
 * session).
 */
export function answerKey(request: KeyableRequest, accept: string | undefined): string {
  return createHash('sha256')
    .update(request.documentHash)
    .update('\u0000')
    .update(request.operationName ?? '')
    .update('\u0000')
    .update(request.variables)
    .update('\u0000')
    .update(accept ?? '')
    .digest('base64url');
}

/**
 * The session a request belongs to, for PRIVATE answers: a digest of its session headers (`authorization`
 * by default), or null for a request that carries none. The headers themselves are never stored.
 */
export function sessionOf(headers: IncomingHttpHeaders, sessionHeaders: readonly string[]): string | null {
  let hash: ReturnType<typeof createHash> | null = null;
  for (const name of sessionHeaders) {
    const value = headers[name];
    if (value === undefined || value === '') continue;
    hash ??= createHash('sha256');
    hash
      .update(name)
      .update('\u0000')
      .update(Array.isArray(value) ? value.join(', ') : value)
      .update('\u0000');
  }
  return hash ? hash.digest('base64url').slice(0, 32) : null;
}
