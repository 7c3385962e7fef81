/** Who may share a cached answer: everyone, or only the user it was computed for. */
export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** How long a piece of an answer may be cached, and for whom (Apollo's cache hint shape). */
export interface CacheHint {
  maxAge: number;
  scope?: CacheScope;
}

/** The part of Apollo's per-request cache policy the gateway narrows as subgraph answers come in. */
export interface RestrictablePolicy {
  restrict(hint: CacheHint): void;
}

/**
 * The cache hint a subgraph's `Cache-Control` header gives its answer. `no-store`, `no-cache` and `max-age=0`
 * mean not cacheable; `s-maxage` (meant for shared caches like this one) wins over `max-age`; `private` scopes
 * the answer to one user. A subgraph that sends no header gets `defaultMaxAge` (0 leaves it uncacheable, as
 * Apollo does).
 */
export function hintFromCacheControl(header: string | null | undefined, defaultMaxAge: number): CacheHint {
  if (!header) return { maxAge: defaultMaxAge };
  let maxAge: number | null = null;
  let sharedMaxAge: number | null = null;
  let scope: CacheScope | undefined;
  for (const part of header.split(',')) {
    const [rawName = '', rawValue] = part.split('=', 2);
    const name = rawName.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"|"$/g, '');
    if (name === 'no-store' || name === 'no-cache') return { maxAge: 0 };
    if (name === 'private') scope = 'PRIVATE';
    else if (name === 'public' && scope === undefined) scope = 'PUBLIC';
    else if (name === 'max-age' && value !== undefined && /^\d+$/.test(value)) maxAge = Number(value);
    else if (name === 's-maxage' && value !== undefined && /^\d+$/.test(value)) sharedMaxAge = Number(value);
  }
  const age = sharedMaxAge ?? maxAge ?? defaultMaxAge;
  return scope ? { maxAge: age, scope } : { maxAge: age };
}

/** The `Cache-Control` header of an answer with this policy (Apollo's own format). */
export function cacheControlHeader(maxAge: number, scope: CacheScope): string {
  return maxAge > 0 ? `max-age=${maxAge}, ${scope.toLowerCase()}` : 'no-store';
}
