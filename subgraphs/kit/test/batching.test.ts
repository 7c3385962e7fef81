import { describe, expect, it } from 'vitest';
import { chunks, forEachConcurrently, loadEachDistinct, UpstreamError } from '../index.js';

/** Resolves after the current macrotask, so that calls overlap the way upstream requests do. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('batching helpers', () => {
  it('cuts values into slices of an upstream page size', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });

  it('keeps at most `concurrency` calls in flight and visits every item', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      seen.push(item);
      inFlight -= 1;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('loads each distinct key once, answers every position, and keeps one key’s failure to itself', async () => {
    const loaded: string[] = [];
    const results = await loadEachDistinct(['a', null, 'b', 'a', 'c'], 2, async (key) => {
      loaded.push(key);
      await tick();
      if (key === 'b') throw new UpstreamError('UPSTREAM_TIMEOUT', 'demo', 'demo: b timed out');
      return key === 'c' ? null : { key };
    });
    expect(loaded.sort()).toEqual(['a', 'b', 'c']);
    expect(results[0]).toEqual({ key: 'a' });
    expect(results[1]).toBeNull();
    expect(results[2]).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(results[3]).toBe(results[0]);
    expect(results[4]).toBeNull();
  });

  it('fails the whole batch when the upstream refuses our credentials, and stops loading', async () => {
    const loaded: string[] = [];
    const batch = loadEachDistinct(['a', 'b', 'c', 'd'], 1, async (key) => {
      loaded.push(key);
      if (key === 'b') throw new UpstreamError('UPSTREAM_UNAUTHORIZED', 'demo', 'demo: token refused', 401);
      return key;
    });
    await expect(batch).rejects.toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED' });
    expect(loaded).toEqual(['a', 'b']);
  });
});
