import { randomBytes } from 'node:crypto';
import {
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import {
  BADGR_MAX_PAGE_SIZE,
  DEFAULT_BADGR_CLIENT_ID,
  DEFAULT_BADGR_PASSWORD,
  DEFAULT_BADGR_USERNAME,
} from '../config.js';
import type { BadgrBadgeClass, BadgrIssuer } from '../upstream.js';

/**
 * A local stand-in for Canvas Credentials / Badgr API v2 over the sample data in `data/`: the OAuth2 password grant
 * at `POST /o/token` (form-encoded, Badgr's OAuth2 error bodies), Bearer tokens that expire, the v2 envelope
 * `{status, result}` for answers and errors alike, `?num=` cursor paging with a `Link` header on entity lists and
 * a `pagination` object on the `changed` list, and optional rate limiting with `Retry-After`.
 */

export interface BadgrStandinOptions {
  port?: number;
  host?: string;
  /** The account it accepts (default: the demo account the adapter also defaults to). */
  username?: string;
  password?: string;
  /** The OAuth client it knows (default `public`, as on Badgr). */
  clientId?: string;
  /** Scopes the client may ask for. */
  allowedScopes?: readonly string[];
  /** Lifetime of access tokens, in seconds (Badgr: 86400). */
  tokenLifetimeSeconds?: number;
  /** Answer 429 with `Retry-After` once a token has made this many API requests within `windowMs`. */
  rateLimit?: { requests: number; windowMs: number };
}

/** The stand-in, with controls that tests use to play the upstream's part. */
export interface BadgrStandin extends RunningStandin {
  /** Invalidates every access token issued so far, as a server-side expiry or revocation would. */
  revokeTokens(): void;
  /** Marks a badge class as changed at `at` (default: now), for the `changed` list's `since` filter. */
  touch(entityId: string, at?: string): void;
}

const DATA_DIR = 'subgraphs/badgr/standin/data';
/** EncryptedCursorPagination's page size when `num` is not given. */
const CHANGED_DEFAULT_PAGE_SIZE = 100;
const DEFAULT_SCOPES = ['rw:issuer', 'rw:profile', 'rw:backpack', 'r:profile'];

export interface BadgrSampleData {
  issuers: BadgrIssuer[];
  badgeClasses: BadgrBadgeClass[];
}

let sample: BadgrSampleData | null = null;

/** The bundled sample data, read once. */
export function badgrSampleData(): BadgrSampleData {
  sample ??= {
    issuers: readProjectJson<BadgrIssuer[]>(`${DATA_DIR}/issuers.json`),
    badgeClasses: readProjectJson<BadgrBadgeClass[]>(`${DATA_DIR}/badgeclasses.json`),
  };
  return sample;
}

/** The v2 envelope of an error: `success: false`, an empty result, and field errors where Badgr gives them. */
function v2Error(
  status: number,
  description: string,
  extra: { fieldErrors?: Record<string, string[]>; validationErrors?: string[] } = {},
  headers?: Record<string, string>,
): StandinReply {
  return json(status, { status: { success: false, description }, result: [], ...extra }, headers);
}

function v2Ok(result: unknown[], extra: Record<string, unknown> = {}, headers?: Record<string, string>) {
  return json(200, { status: { success: true, description: 'ok' }, result, ...extra }, headers);
}

interface IssuedToken {
  expiresAt: number;
  windowStart: number;
  requests: number;
}

class BadgrStandinState {
  readonly tokens = new Map<string, IssuedToken>();
  readonly refreshTokens = new Set<string>();
  readonly updatedAt = new Map<string, string>();

  constructor(
    readonly data: BadgrSampleData,
    readonly options: Required<Omit<BadgrStandinOptions, 'port' | 'host' | 'rateLimit'>> &
      Pick<BadgrStandinOptions, 'rateLimit'>,
  ) {}

  handle(request: StandinRequest): StandinReply {
    const path = request.url.pathname.replace(/\/+$/, '');
    if (path === '/o/token') return this.token(request);
    if (!path.startsWith('/v2/')) return v2Error(404, 'Not found.');
    const denied = this.authenticate(request);
    if (denied) return denied;
    if (request.method !== 'GET') return v2Error(405, `Method "${request.method}" not allowed.`);
    return this.route(path.slice('/v2/'.length).split('/').map(decodeURIComponent), request.url);
  }

  private token(request: StandinRequest): StandinReply {
    if (request.method !== 'POST') return json(405, { detail: `Method "${request.method}" not allowed.` });
    // Badgr's token view reads a form; a JSON body is not a form, so it reads as empty.
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const clientId = form.get('client_id') ?? DEFAULT_BADGR_CLIENT_ID;
    if (clientId !== this.options.clientId) return json(400, { error: 'invalid client_id' });
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.some((scope) => !this.options.allowedScopes.includes(scope))) {
      return json(400, { error: 'invalid scope requested' });
    }
    const grantType = form.get('grant_type') ?? 'password';
    if (grantType === 'password') {
      if (form.get('username') !== this.options.username || form.get('password') !== this.options.password) {
        return json(400, { error: 'invalid_grant', error_description: 'Invalid credentials given.' });
      }
    } else if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      if (!this.refreshTokens.delete(refreshToken)) {
        return json(400, { error: 'invalid_grant', error_description: 'Invalid credentials given.' });
      }
    } else {
      return json(400, { error: 'unsupported_grant_type' });
    }
    const accessToken = randomBytes(15).toString('hex');
    const refreshToken = randomBytes(15).toString('hex');
    const lifetime = this.options.tokenLifetimeSeconds;
    this.tokens.set(accessToken, {
      expiresAt: Date.now() + lifetime * 1_000,
      windowStart: Date.now(),
      requests: 0,
    });
    this.refreshTokens.add(refreshToken);
    return json(
      200,
      {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: lifetime,
        refresh_token: refreshToken,
        scope: scopes.length > 0 ? scopes.join(' ') : 'rw:profile rw:issuer rw:backpack',
      },
      { 'cache-control': 'no-store' },
    );
  }

  /** A 401 or 429 reply, or null when the request may proceed. */
  private authenticate(request: StandinRequest): StandinReply | null {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1] ? this.tokens.get(match[1]) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      return v2Error(
        401,
        'Authentication credentials were not provided.',
        {},
        { 'www-authenticate': 'Bearer realm="api"' },
      );
    }
    const limit = this.options.rateLimit;
    if (limit) {
      const now = Date.now();
      if (now - token.windowStart >= limit.windowMs) {
        token.windowStart = now;
        token.requests = 0;
      }
      token.requests += 1;
      if (token.requests > limit.requests) {
        const seconds = Math.max(1, Math.ceil((token.windowStart + limit.windowMs - now) / 1_000));
        return v2Error(
          429,
          `Request was throttled. Expected available in ${seconds} seconds.`,
          {},
          {
            'retry-after': String(seconds),
          },
        );
      }
    }
    return null;
  }

  private route(segments: string[], url: URL): StandinReply {
    const [collection, id, sub, ...rest] = segments;
    if (rest.length > 0) return v2Error(404, 'Not found.');
    if (collection === 'issuers') {
      if (id === undefined) return v2Ok(this.data.issuers);
      const issuer = this.data.issuers.find((candidate) => candidate.entityId === id);
      if (!issuer) return v2Error(404, 'Not found.');
      if (sub === undefined) return v2Ok([issuer]);
      if (sub !== 'badgeclasses') return v2Error(404, 'Not found.');
      return this.entityList(
        this.data.badgeClasses.filter((badgeClass) => badgeClass.issuer === issuer.entityId),
        url,
      );
    }
    if (collection === 'badgeclasses') {
      if (id === undefined) return this.entityList(this.data.badgeClasses, url);
      if (id === 'changed' && sub === undefined) return this.changed(url);
      const badgeClass = this.data.badgeClasses.find((candidate) => candidate.entityId === id);
      if (!badgeClass || sub !== undefined) return v2Error(404, 'Not found.');
      return v2Ok([badgeClass]);
    }
    return v2Error(404, 'Not found.');
  }

  /**
   * An entity list (`UncachedPaginatedViewMixin`): the whole list without `num`; with it, newest first, `num`
   * (clamped to 1–500) per page and the links in a `Link` header, none in the body.
   */
  private entityList(items: readonly BadgrBadgeClass[], url: URL): StandinReply {
    const num = pageSize(url.searchParams.get('num'), null);
    if (num === null) return v2Ok([...items]);
    const ordered = [...items].sort(
      (a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.entityId.localeCompare(b.entityId),
    );
    const page = pageOf(ordered, url, num);
    if ('status' in page) return page;
    const links: string[] = [];
    if (page.next) links.push(`<${page.next}>; rel="next"`);
    if (page.previous) links.push(`<${page.previous}>; rel="prev"`);
    return v2Ok(page.items, {}, links.length > 0 ? { link: links.join(', ') } : undefined);
  }

  /** `GET /v2/badgeclasses/changed?since=`: changed after `since`, oldest change first, links in `pagination`. */
  private changed(url: URL): StandinReply {
    const timestamp = new Date().toISOString();
    const since = url.searchParams.get('since');
    let sinceTime: number | null = null;
    if (since !== null) {
      sinceTime = /(Z|[+-]\d{2}:?\d{2})$/.test(since) ? Date.parse(since) : Number.NaN;
      if (Number.isNaN(sinceTime)) {
        return v2Error(400, 'bad request', {
          fieldErrors: { since: ['must be ISO-8601 format with time zone'] },
          validationErrors: [],
        });
      }
    }
    const updatedAt = (badgeClass: BadgrBadgeClass) =>
      this.updatedAt.get(badgeClass.entityId) ?? badgeClass.createdAt ?? '1970-01-01T00:00:00Z';
    const ordered = this.data.badgeClasses
      .filter((badgeClass) => sinceTime === null || Date.parse(updatedAt(badgeClass)) > sinceTime)
      .sort(
        (a, b) => Date.parse(updatedAt(a)) - Date.parse(updatedAt(b)) || a.entityId.localeCompare(b.entityId),
      );
    const page = pageOf(ordered, url, pageSize(url.searchParams.get('num'), CHANGED_DEFAULT_PAGE_SIZE) ?? 1);
    if ('status' in page) return page;
    return v2Ok(page.items, {
      pagination: {
        hasNext: page.next !== null,
        nextResults: page.next,
        hasPrevious: page.previous !== null,
        previousResults: page.previous,
      },
      timestamp,
    });
  }
}

/** `num` as Badgr reads it: not a whole number means "do not paginate"; otherwise clamped to 1–500. */
function pageSize(raw: string | null, fallback: number | null): number | null {
  if (raw === null || !/^-?\d+$/.test(raw.trim())) return fallback;
  return Math.min(BADGR_MAX_PAGE_SIZE, Math.max(1, Number(raw)));
}

/** One page at the request's cursor, with absolute links to its neighbours, or Badgr's 404 for a bad cursor. */
function pageOf<T>(
  ordered: readonly T[],
  url: URL,
  num: number,
): { items: T[]; next: string | null; previous: string | null } | StandinReply {
  const cursor = url.searchParams.get('cursor');
  let offset = 0;
  if (cursor !== null) {
    const decoded = /^o=(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!decoded?.[1] || Number(decoded[1]) > ordered.length) return v2Error(404, 'Invalid cursor');
    offset = Number(decoded[1]);
  }
  const link = (at: number) => {
    const target = new URL(url);
    target.searchParams.set('num', String(num));
    if (at === 0) target.searchParams.delete('cursor');
    else target.searchParams.set('cursor', Buffer.from(`o=${at}`).toString('base64url'));
    return target.href;
  };
  return {
    items: ordered.slice(offset, offset + num),
    next: offset + num < ordered.length ? link(offset + num) : null,
    previous: offset > 0 ? link(Math.max(0, offset - num)) : null,
  };
}

/** Starts the Badgr stand-in; its API base URL is its origin followed by `/`. */
export async function startBadgrStandin(options: BadgrStandinOptions = {}): Promise<BadgrStandin> {
  const state = new BadgrStandinState(badgrSampleData(), {
    username: options.username ?? DEFAULT_BADGR_USERNAME,
    password: options.password ?? DEFAULT_BADGR_PASSWORD,
    clientId: options.clientId ?? DEFAULT_BADGR_CLIENT_ID,
    allowedScopes: options.allowedScopes ?? DEFAULT_SCOPES,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86_400,
    rateLimit: options.rateLimit,
  });
  const standin = await startStandin((request) => state.handle(request), {
    port: options.port,
    host: options.host,
  });
  return {
    ...standin,
    revokeTokens: () => state.tokens.clear(),
    touch: (entityId, at = new Date().toISOString()) => {
      state.updatedAt.set(entityId, at);
    },
  };
}
