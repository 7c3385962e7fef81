import { UpstreamError } from './errors.js';

/**
 * Helpers for answering a batch of ids (a DataLoader batch, an `_entities` call) with as few upstream calls as
 * the upstream allows: chunks for list endpoints that take many ids, bounded concurrency for one-id endpoints.
 */

/** `values` cut into consecutive slices of at most `size` (an upstream's page size for multi-id lookups). */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < values.length; start += size) slices.push(values.slice(start, start + size));
  return slices;
}

/** Runs `work` over `items` with at most `concurrency` calls in flight; rejects with the first failure. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * One result per position of `keys`, for upstreams with no multi-get: each distinct key is loaded once, at most
 * `concurrency` at a time, and its result given to every position that asked for it; a null key (an id the
 * provider does not own) gets null. A refusal of our credentials (`UPSTREAM_UNAUTHORIZED`) fails the whole
 * batch, since no other key could fare better; any other failure is that key's Error.
 */
export async function loadEachDistinct<T>(
  keys: readonly (string | null)[],
  concurrency: number,
  load: (key: string) => Promise<T | null>,
): Promise<Array<T | null | Error>> {
  const results: Array<T | null | Error> = keys.map(() => null);
  const positions = new Map<string, number[]>();
  keys.forEach((key, index) => {
    if (key !== null) positions.set(key, [...(positions.get(key) ?? []), index]);
  });
  let refused: UpstreamError | null = null;
  await forEachConcurrently([...positions.keys()], concurrency, async (key) => {
    if (refused) return;
    let result: T | null | Error;
    try {
      result = await load(key);
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'UPSTREAM_UNAUTHORIZED') {
        refused ??= error;
        return;
      }
      result = error instanceof Error ? error : new Error(String(error));
    }
    for (const index of positions.get(key) ?? []) results[index] = result;
  });
  if (refused) throw refused;
  return results;
}
