import { connect } from 'node:net';
import { type Dispatcher, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/index.js';
import { type FixtureSubgraphs, startFixtureSubgraphs } from '../gateway/helpers.js';

/**
 * More than a thousand generated hostile requests against a gateway over small fixture subgraphs: malformed
 * JSON, wrong content types, invalid UTF-8, depth, alias and fragment bombs, circular fragments, huge
 * variables, oversized bodies, batch floods, unknown operations, odd methods and paths, and malformed HTTP.
 * Every answer must be a clear JSON message (never a 5xx), and good requests mixed in must keep working.
 */

/** A deterministic pseudo-random generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_128);
const next = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
const repeat = (count: number, make: (index: number) => string, separator = ' ') =>
  Array.from({ length: count }, (_, index) => make(index)).join(separator);

interface Case {
  category: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** When set, the answer's HTTP status must be one of these. */
  statuses?: number[];
  /** When set, the first error's code must be one of these. */
  codes?: string[];
  /** A good request: must answer 200 with data and no errors. */
  good?: true;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const GOOD_QUERIES = [
  '{ topProducts(first: 2) { upc name price } }',
  '{ topProducts { name reviews { body stars } } }',
  'query Cheap($n: Int) { topProducts(first: $n) { name price } }',
  '{ __typename }',
];
const post = (category: string, body: unknown, extra: Partial<Case> = {}): Case => ({
  category,
  headers: JSON_HEADERS,
  body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  ...extra,
});

function good(): Case {
  const query = pick(GOOD_QUERIES);
  return post(
    'good',
    { query, variables: query.includes('$n') ? { n: between(1, 3) } : undefined },
    { good: true },
  );
}

function malformedJson(): Case {
  const valid = JSON.stringify({ query: pick(GOOD_QUERIES) });
  const variants = [
    () => valid.slice(0, between(1, valid.length - 1)),
    () => valid.replace('"query"', 'query'),
    () => `${valid}}`,
    () => `{"query": ${pick(['', 'undefined', 'NaN', "'x'", '{'])}}`,
    () => repeat(between(1, 50), () => pick(['{', '[', '"', ':', ',', '}', ']']), ''),
    () => `${'['.repeat(between(1_000, 20_000))}${']'.repeat(between(0, 10))}`,
    () => `{"a":${'{"a":'.repeat(between(1_000, 5_000))}1`,
    () => pick(['null', 'true', '42', '"just a string"', '[]', '{}', '']),
    () => String.fromCharCode(...Array.from({ length: between(1, 200) }, () => between(0, 127))),
  ];
  return post('malformed JSON', pick(variants)(), { statuses: [400] });
}

function wrongContentType(): Case {
  const contentType = pick([
    'text/plain',
    'text/html',
    'application/xml',
    'multipart/form-data; boundary=xyz',
    'application/x-www-form-urlencoded',
    'application/graphql',
    'image/png',
    'application/json-patch',
    '',
    'application/json; charset=utf-16',
    ';;;',
  ]);
  const body = pick([
    JSON.stringify({ query: pick(GOOD_QUERIES) }),
    'query={__typename}',
    '<xml/>',
    '--xyz--',
  ]);
  return {
    category: 'wrong content type',
    headers: contentType ? { 'content-type': contentType } : {},
    body,
  };
}

function invalidUtf8(): Case {
  const bad = pick([
    [0xff],
    [0xfe, 0xff],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    Array.from({ length: between(1, 64) }, () => between(0x80, 0xff)),
  ]);
  const before = Buffer.from('{"query":"{ topProducts { name } }","operationName":"');
  return post('invalid UTF-8', Buffer.concat([before, Buffer.from(bad), Buffer.from('"}')]), {
    statuses: [400],
    codes: ['BAD_REQUEST'],
  });
}

function depthBomb(): Case {
  const depth = between(13, 400);
  const variants = [
    () => `{ ${'... on Query { '.repeat(depth)}__typename${' }'.repeat(depth)} }`,
    () => `{ topProducts { ${'... on Product { '.repeat(depth)}name${' }'.repeat(depth)} } }`,
    () => `{ ${'a { '.repeat(depth)}b${' }'.repeat(depth)} }`,
    () => `{ __schema { types { ${'fields { type { '.repeat(between(3, 200))}name${' } }'.repeat(0)} } } }`,
    () => `${'{'.repeat(depth * 10)}`,
  ];
  return post('depth bomb', { query: pick(variants)() }, { statuses: [400] });
}

function aliasBomb(): Case {
  const count = between(31, 2_000);
  const variants = [
    () => `{ topProducts { ${repeat(count, (i) => `a${i}: name`)} } }`,
    () => `{ ${repeat(count, (i) => `t${i}: __typename`)} }`,
    () => `{ ${repeat(count, (i) => `p${i}: topProducts { upc }`)} }`,
    () =>
      `{ topProducts { ...F ...F ...F } } fragment F on Product { ${repeat(count, (i) => `x${i}: price`)} }`,
  ];
  return post('alias bomb', { query: pick(variants)() }, { statuses: [400] });
}

function circularFragments(): Case {
  const size = between(1, 6);
  const names = Array.from({ length: size }, (_, i) => `F${i}`);
  const fragments = names
    .map((name, i) => `fragment ${name} on Query { __typename ...${names[(i + 1) % size]} }`)
    .join(' ');
  return post(
    'circular fragments',
    { query: `{ ...F0 } ${fragments}` },
    {
      statuses: [400],
      codes: ['GRAPHQL_VALIDATION_FAILED'],
    },
  );
}

function fragmentBomb(): Case {
  const levels = between(10, 40);
  let fragments = 'fragment F0 on Product { name upc price }';
  for (let i = 1; i <= levels; i++) fragments += ` fragment F${i} on Product { ...F${i - 1} ...F${i - 1} }`;
  return post(
    'fragment bomb',
    { query: `{ topProducts { ...F${levels} } } ${fragments}` },
    { statuses: [400] },
  );
}

function hugeVariables(): Case {
  const query = 'query Cheap($n: Int) { topProducts(first: $n) { name } }';
  const variants: Array<() => unknown> = [
    () => ({ n: 'x'.repeat(between(100_000, 900_000)) }),
    () => Object.fromEntries(Array.from({ length: between(1_000, 50_000) }, (_, i) => [`v${i}`, i])),
    () => ({ n: JSON.parse(`${'['.repeat(2_000)}1${']'.repeat(2_000)}`) }),
    () => ({ n: 1e308 }),
    () => ({ n: -99_999_999_999 }),
    () => ({ n: { nested: { deeper: true } } }),
    () => pick(['a string', 42, [1, 2, 3], true]),
  ];
  return post('huge variables', { query, variables: pick(variants)() });
}

function oversizedBody(): Case {
  const size = between(1_000_001, 3_000_000);
  return post('oversized body', `{"query":"{ __typename }","pad":"${'x'.repeat(size)}"}`, {
    statuses: [413],
    codes: ['PAYLOAD_TOO_LARGE'],
  });
}

function batchFlood(): Case {
  const count = between(0, 3_000);
  const operation = pick([{ query: pick(GOOD_QUERIES) }, { query: '{ nope }' }, 'garbage', null, 7]);
  return post(
    'batch flood',
    Array.from({ length: count }, () => operation),
    { statuses: [400] },
  );
}

function unknownOperation(): Case {
  const variants: Array<() => unknown> = [
    () => ({ query: 'query A { __typename } query B { __typename }' }),
    () => ({ query: 'query A { __typename }', operationName: 'Nope' }),
    () => ({ query: '{ __typename }', operationName: 42 }),
    () => ({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }),
    () => ({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } }, query: '{ x }' }),
    () => ({ documentId: 'sha256:abc' }),
    () => ({ query: 42 }),
    () => ({ query: { nested: 'object' } }),
    () => ({ query: null }),
    () => ({ variables: {} }),
    () => ({ query: 'mutation { doSomething }' }),
    () => ({ query: 'subscription { ticks }' }),
    () => ({ query: '{ __typename }', extensions: 'not an object' }),
    () => ({ query: '{ __typename }', variables: 'not an object' }),
    () => ({ query: `{ ${pick(['nope', 'topProduct', '__schema', 'topProducts { nope }'])} }` }),
    () => ({ query: '{ topProducts(first: "two") { name } }' }),
  ];
  return post('unknown operation', pick(variants)());
}

function oddMethodOrPath(): Case {
  const variants: Array<() => Case> = [
    () => ({ category: 'odd method', method: pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']), body: '{}' }),
    () => ({
      category: 'odd path',
      method: pick(['GET', 'POST']),
      path: pick([
        '/',
        '/../../etc/passwd',
        '/%00',
        '/graphql/extra',
        '/ide/../server.js',
        `/${'a'.repeat(5_000)}`,
      ]),
      headers: { accept: 'application/json' },
    }),
    () => ({
      category: 'odd GET',
      method: 'GET',
      path: `/graphql?${pick([
        'query=%7B%20__typename%20%7D',
        'query=%ff%fe',
        `query=${encodeURIComponent('{ __typename }')}&variables=%7Bbroken`,
        'query=',
        `query=${'%7B'.repeat(3_000)}`,
      ])}`,
      headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
    }),
    () => ({
      category: 'huge URL',
      method: 'GET',
      path: `/graphql?query=${'x'.repeat(between(20_000, 60_000))}`,
      statuses: [431],
    }),
  ];
  return pick(variants)();
}

/** Raw bytes on a socket, for what no HTTP client will send. */
const RAW_REQUESTS = [
  'HELLO\r\n\r\n',
  'GET / HTTP/9.9\r\n\r\n',
  'GET /graphql HTTP/1.1\r\nHost: x\r\nNo-Colon-Here\r\n\r\n',
  'POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\ncontent-type: application/json\r\n\r\nzz\r\nnot hex\r\n0\r\n\r\n',
  'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}',
  `GET /graphql HTTP/1.1\r\nHost: x\r\n${repeat(300, (i) => `X-H${i}: ${'v'.repeat(100)}`, '\r\n')}\r\n\r\n`,
  'GET /graphql\0 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET //:99999/graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'POST http://elsewhere.example/graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\ncontent-length: 2\r\n\r\n{}',
  'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
];

const GENERATORS: Array<[() => Case, number]> = [
  [malformedJson, 140],
  [wrongContentType, 90],
  [invalidUtf8, 60],
  [depthBomb, 80],
  [aliasBomb, 80],
  [circularFragments, 50],
  [fragmentBomb, 30],
  [hugeVariables, 60],
  [oversizedBody, 25],
  [batchFlood, 50],
  [unknownOperation, 120],
  [oddMethodOrPath, 90],
  [good, 150],
];

let fixtures: FixtureSubgraphs;
let gateway: RunningGateway;

beforeAll(async () => {
  fixtures = await startFixtureSubgraphs();
  gateway = await startGateway({
    supergraphPath: fixtures.supergraphPath,
    port: 0,
    rateLimit: false,
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await gateway?.close();
  await fixtures?.close();
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(item: Case): Promise<Answer> {
  const origin = new URL(gateway.url).origin;
  const response = await request(`${origin}${item.path ?? '/graphql'}`, {
    method: (item.method ?? 'POST') as Dispatcher.HttpMethod,
    headers: item.headers ?? {},
    body: item.body ?? null,
  });
  const text = await response.body.text();
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text };
}

function sendRaw(raw: string): Promise<Answer> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(raw));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        contentType: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
        text: text.slice(text.indexOf('\r\n\r\n') + 4),
      });
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let index = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (index < items.length) {
        const mine = index++;
        results[mine] = await work(items[mine]!);
      }
    }),
  );
  return results;
}

function checkAnswer(item: Pick<Case, 'category' | 'statuses' | 'codes' | 'good'>, answer: Answer): void {
  const where = `${item.category} (seed ${SEED}): ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeGreaterThanOrEqual(200);
  expect(answer.status, where).toBeLessThan(500);
  if (item.statuses) expect(item.statuses, where).toContain(answer.status);
  expect(answer.contentType, where).toMatch(/^application\/(graphql-response\+)?json/);
  const body = JSON.parse(answer.text) as unknown;
  if (item.good) {
    expect(answer.status, where).toBe(200);
    expect((body as { errors?: unknown }).errors, where).toBeUndefined();
    expect((body as { data?: unknown }).data, where).toBeTruthy();
    return;
  }
  const bodies = Array.isArray(body) ? body : [body];
  for (const one of bodies) {
    const { data, errors } = one as {
      data?: unknown;
      errors?: Array<{ message: unknown; extensions?: { code?: unknown } }>;
    };
    if (answer.status >= 400) expect(errors?.length, where).toBeGreaterThan(0);
    if (!errors) {
      expect(data, where).toBeTruthy();
      continue;
    }
    for (const error of errors) {
      expect(typeof error.message, where).toBe('string');
      expect((error.message as string).length, where).toBeGreaterThan(0);
      expect(typeof error.extensions?.code, where).toBe('string');
      expect(error.message, where).not.toMatch(/\n\s+at /);
    }
  }
  if (item.codes) {
    const first = (bodies[0] as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions
      .code;
    expect(item.codes, where).toContain(first);
  }
}

describe('hostile input', () => {
  const cases = GENERATORS.flatMap(([generate, count]) => Array.from({ length: count }, generate));

  it(`answers ${cases.length} generated hostile and good HTTP requests with clear JSON, never a 5xx`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const answers = await pool(cases, 8, send);
    for (const [index, answer] of answers.entries()) checkAnswer(cases[index]!, answer);
    const categories = new Set(cases.map((item) => item.category));
    expect(categories.size).toBeGreaterThanOrEqual(14);
  }, 120_000);

  it('answers malformed HTTP on the wire with JSON, never a 5xx', async () => {
    for (const raw of RAW_REQUESTS) {
      const answer = await sendRaw(raw);
      checkAnswer({ category: `raw ${JSON.stringify(raw.slice(0, 40))}` }, answer);
      expect(answer.status, raw).toBeGreaterThanOrEqual(400);
    }
  });

  it('answers normally afterwards', async () => {
    const answer = await send(good());
    checkAnswer({ category: 'after', good: true }, answer);
    const health = await fetch(new URL('/health', gateway.url));
    expect(health.status).toBe(200);
    const ready = await fetch(new URL('/ready', gateway.url));
    expect(ready.status).toBe(200);
  });
});
