import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  json,
  linkTargets,
  type RunningStandin,
  startStandin,
  type UpstreamError,
  UpstreamHttp,
} from '../index.js';

/** The kit's upstream client against a real local server that misbehaves on request. */
let standin: RunningStandin;
let http: UpstreamHttp;

beforeAll(async () => {
  standin = await startStandin((request) => {
    if (request.headers.authorization !== 'Bearer good') return json(401, { detail: 'Invalid token.' });
    if (request.url.pathname === '/api/paged') {
      const page = Number(request.url.searchParams.get('page') ?? '1');
      return json(
        200,
        { page },
        {
          'cache-control': 'public, max-age=60',
          'x-total-count': '3',
          link: page < 3 ? `</api/paged?page=${page + 1}>; rel="next", </api/paged?page=3>; rel=last` : '',
        },
      );
    }
    return json(200, { path: request.url.pathname, query: Object.fromEntries(request.url.searchParams) });
  });
  http = new UpstreamHttp({
    provider: 'demo',
    baseUrl: `${standin.origin}/api/`,
    headers: { authorization: 'Bearer good' },
    credentialsSetting: 'DEMO_TOKEN',
    timeoutMs: 300,
    retries: 2,
  });
});

afterAll(async () => {
  await http.close();
  await standin.close();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as UpstreamError,
  );

describe('UpstreamHttp', () => {
  it('resolves paths under the base URL and sends query parameters', async () => {
    expect(await http.getJson('things', { page: 2, empty: undefined })).toEqual({
      path: '/api/things',
      query: { page: '2' },
    });
  });

  it('answers with the response headers too, from the upstream and from its HTTP cache alike', async () => {
    standin.resetCounts();
    const first = await http.getAnswer<{ page: number }>('paged', { page: 1 });
    const again = await http.getAnswer<{ page: number }>('paged', { page: 1 });
    expect(standin.requestCounts.get('GET /api/paged')).toBe(1);
    for (const answer of [first, again]) {
      expect(answer.body).toEqual({ page: 1 });
      expect(answer.headers['x-total-count']).toBe('3');
      const links = linkTargets(answer.headers, http.baseUrl);
      expect(links.get('next')?.href).toBe(`${standin.origin}/api/paged?page=2`);
      expect(links.get('last')?.href).toBe(`${standin.origin}/api/paged?page=3`);
    }
    const last = await http.getAnswer('paged', { page: 3 });
    expect(linkTargets(last.headers, http.baseUrl).has('next')).toBe(false);
  });

  it('reads Link headers as RFC 8288 writes them', () => {
    const base = new URL('https://api.example/v1/items');
    const links = linkTargets(
      {
        link: [
          '<https://api.example/v1/items?cursor=a,b>; title="next, please"; rel="next last", </v1/items?p=1>;rel=first',
          '<https://api.example/v1/other>; rel="next"',
        ],
      },
      base,
    );
    expect(links.get('next')?.href).toBe('https://api.example/v1/items?cursor=a,b');
    expect(links.get('last')?.href).toBe('https://api.example/v1/items?cursor=a,b');
    expect(links.get('first')?.href).toBe('https://api.example/v1/items?p=1');
    expect(linkTargets({}, base).size).toBe(0);
  });

  it('refuses to follow a link to another host, so credentials never leave the upstream', async () => {
    const error = await failure(http.getJson('http://127.0.0.2:9/elsewhere'));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('retries a 5xx and succeeds', async () => {
    standin.resetCounts();
    standin.injectFault({ status: 503, times: 2 });
    expect(await http.getJson('flaky')).toMatchObject({ path: '/api/flaky' });
    expect(standin.requestCounts.get('GET /api/flaky')).toBe(3);
  });

  it('honours Retry-After on 429, then reports rate limiting when it persists', async () => {
    standin.injectFault({ status: 429, headers: { 'retry-after': '1' }, times: 1 });
    const started = Date.now();
    await http.getJson('limited');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    standin.injectFault({ status: 429, headers: { 'retry-after': '0' }, times: 5 });
    expect((await failure(http.getJson('limited'))).code).toBe('UPSTREAM_RATE_LIMITED');
    standin.clearFaults();
  });

  it('stops calling an upstream that asks for a longer wait than a call can take, until that wait is over', async () => {
    const patient = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${standin.origin}/api/`,
      headers: { authorization: 'Bearer good' },
      retries: 2,
      retryMaxDelayMs: 100,
    });
    try {
      standin.resetCounts();
      expect(await patient.getJson('paged', { page: 2 })).toEqual({ page: 2 });
      standin.injectFault({ status: 429, headers: { 'retry-after': '1' }, times: 1 });
      expect((await failure(patient.getJson('busy'))).code).toBe('UPSTREAM_RATE_LIMITED');
      const held = await failure(patient.getJson('busy'));
      expect(held).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 429 });
      expect(held.message).toMatch(/asked us to wait .*not calling it for 1 s/);
      expect(standin.requestCounts.get('GET /api/busy')).toBe(1);
      // What the upstream allowed us to keep is still answered meanwhile.
      expect(await patient.getJson('paged', { page: 2 })).toEqual({ page: 2 });
      expect(standin.requestCounts.get('GET /api/paged')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await patient.getJson('busy')).toMatchObject({ path: '/api/busy' });
      expect(standin.requestCounts.get('GET /api/busy')).toBe(2);
    } finally {
      await patient.close();
    }
  });

  it('takes Authorization from a source that renews it once after a 401, and reports a second 401', async () => {
    let current = 'Bearer expired';
    let renewals = 0;
    const rotating = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${standin.origin}/api/`,
      authorization: {
        header: async () => current,
        renew: async (rejected) => {
          renewals += 1;
          if (rejected === current) current = current === 'Bearer expired' ? 'Bearer good' : 'Bearer revoked';
        },
      },
      credentialsSetting: 'DEMO_TOKEN',
    });
    try {
      standin.resetCounts();
      expect(await rotating.getJson('rotated')).toMatchObject({ path: '/api/rotated' });
      expect([renewals, standin.requestCounts.get('GET /api/rotated')]).toEqual([1, 2]);
      expect(await rotating.getJson('rotated')).toMatchObject({ path: '/api/rotated' });
      expect(renewals).toBe(1);
      current = 'Bearer stolen';
      const refused = await failure(rotating.getJson('rotated'));
      expect(refused.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(renewals).toBe(2);
      expect(refused.message).not.toMatch(/stolen|revoked|good/);
    } finally {
      await rotating.close();
    }
  });

  it('maps 401 to UPSTREAM_UNAUTHORIZED naming the setting, never the token', async () => {
    const bad = new UpstreamHttp({
      provider: 'demo',
      baseUrl: `${standin.origin}/api/`,
      headers: { authorization: 'Bearer s3cr3t-value' },
      credentialsSetting: 'DEMO_TOKEN',
    });
    const error = await failure(bad.getJson('things'));
    await bad.close();
    expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(error.upstreamStatus).toBe(401);
    expect(error.message).toBe(
      'demo: the upstream refused our credentials (HTTP 401) (check DEMO_TOKEN): Invalid token.',
    );
  });

  it('reports a body that is not JSON, a slow upstream and a reset connection precisely', async () => {
    standin.injectFault({ rawBody: '<html>oops</html>' });
    expect((await failure(http.getJson('garbage'))).code).toBe('UPSTREAM_BAD_RESPONSE');
    standin.injectFault({ delayMs: 1_000, times: 3 });
    expect((await failure(http.getJson('slow'))).code).toBe('UPSTREAM_TIMEOUT');
    standin.clearFaults();
    standin.injectFault({ resetMidBody: true, times: 3 });
    expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE']).toContain(
      (await failure(http.getJson('reset'))).code,
    );
    standin.clearFaults();
  });

  it('reports an upstream that is down', async () => {
    const down = new UpstreamHttp({ provider: 'demo', baseUrl: 'http://127.0.0.1:9/', retries: 0 });
    const error = await failure(down.getJson('x'));
    await down.close();
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/cannot reach the upstream at http:\/\/127.0.0.1:9/);
  });
});
