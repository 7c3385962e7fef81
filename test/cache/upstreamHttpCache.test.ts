import { afterEach, describe, expect, it } from 'vitest';
import {
  type RunningStandin,
  runWithRequestContext,
  startStandin,
  UpstreamError,
  UpstreamHttp,
} from '../../subgraphs/kit/index.js';

/**
 * The provider kit's upstream HTTP cache (undici's cache interceptor in UpstreamHttp) against a stand-in that
 * sends the validators and Cache-Control a real upstream would: fresh answers are reused, stale ones are
 * revalidated with ETag (304), served while they revalidate, and served when the upstream fails, within the
 * windows the upstream allowed. A harvest's requests (`fresh`) always revalidate.
 */

let standin: RunningStandin | null = null;
let http: UpstreamHttp | null = null;
const data = { version: 1 };
/** The `If-None-Match` of each request the stand-in received. */
const validators: Array<string | undefined> = [];

async function start(cacheControl: string): Promise<UpstreamHttp> {
  standin = await startStandin(
    (request) => {
      validators.push(request.headers['if-none-match']);
      return request.url.pathname === '/things'
        ? { status: 200, body: { version: data.version } }
        : { status: 404, body: { message: 'no such thing' } };
    },
    { cacheControl },
  );
  http = new UpstreamHttp({
    provider: 'test',
    baseUrl: `${standin.origin}/`,
    // Authenticated, as most upstreams are: the answers must say `public` to be kept.
    headers: { authorization: 'Bearer test' },
    retries: 0,
    timeoutMs: 1_000,
    circuitBreaker: false,
  });
  return http;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await http?.close();
  await standin?.close();
  http = null;
  standin = null;
  data.version = 1;
  validators.length = 0;
});

describe('the upstream HTTP cache', () => {
  it('reuses a fresh answer without asking the upstream again', async () => {
    const client = await start('public, max-age=60');
    expect(await client.getJson('things')).toEqual({ version: 1 });
    data.version = 2;
    expect(await client.getJson('things')).toEqual({ version: 1 });
    expect(standin!.totalRequests()).toBe(1);
  });

  it('revalidates on every use an answer the upstream marked no-cache, and sees a change at once', async () => {
    const client = await start('public, max-age=60, no-cache');
    expect(await client.getJson('things')).toEqual({ version: 1 });
    expect(await client.getJson('things')).toEqual({ version: 1 });
    data.version = 2;
    expect(await client.getJson('things')).toEqual({ version: 2 });
    expect(standin!.totalRequests()).toBe(3);
  });

  it('keeps nothing the upstream does not allow (no Cache-Control, or private with credentials)', async () => {
    for (const cacheControl of ['', 'private, max-age=60']) {
      const client = await start(cacheControl);
      await client.getJson('things');
      await client.getJson('things');
      expect(standin!.totalRequests()).toBe(2);
      await http?.close();
      await standin?.close();
    }
    http = null;
    standin = null;
  });

  it('serves a stale answer while it revalidates with its ETag, then the new one', async () => {
    const client = await start('public, max-age=1, stale-while-revalidate=60');
    await client.getJson('things');
    await sleep(1_100);
    // Stale, within stale-while-revalidate: answered at once, revalidated behind (a 304: nothing changed).
    expect(await client.getJson('things')).toEqual({ version: 1 });
    await sleep(100);
    expect(standin!.totalRequests()).toBe(2);
    expect(validators[1]).toMatch(/^"[\w-]+"$/);

    data.version = 2;
    await sleep(1_100);
    expect(await client.getJson('things')).toEqual({ version: 1 });
    await sleep(100);
    expect(await client.getJson('things')).toEqual({ version: 2 });
  });

  it('answers from the cache when the upstream fails, within stale-if-error', async () => {
    const client = await start('public, max-age=1, stale-if-error=60');
    await client.getJson('things');
    await sleep(1_100);
    standin!.injectFault({ status: 503, times: 1 });
    expect(await client.getJson('things')).toEqual({ version: 1 });

    // A refused connection too (undici's interceptor covers 5xx answers; the kit covers the rest).
    await standin!.close();
    expect(await client.getJson('things')).toEqual({ version: 1 });
  });

  it('does not answer stale past stale-if-error, nor when the upstream allowed none', async () => {
    const client = await start('public, max-age=1');
    await client.getJson('things');
    await sleep(1_100);
    await standin!.close();
    await expect(client.getJson('things')).rejects.toBeInstanceOf(UpstreamError);
  });

  it('revalidates every answer for a harvest (a fresh request), and sees a change at once', async () => {
    const client = await start('public, max-age=60');
    await client.getJson('things');
    const fresh = <T>(work: () => Promise<T>) =>
      runWithRequestContext({ requestId: null, fresh: true }, work);
    expect(await fresh(() => client.getJson('things'))).toEqual({ version: 1 });
    expect(standin!.totalRequests()).toBe(2);
    data.version = 2;
    expect(await fresh(() => client.getJson('things'))).toEqual({ version: 2 });
    // …and what it fetched is what the cache holds from then on.
    expect(await client.getJson('things')).toEqual({ version: 2 });
    expect(standin!.totalRequests()).toBe(3);
  });
});
