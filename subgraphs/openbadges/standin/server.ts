import {
  json,
  type RunningStandin,
  readProjectJson,
  type StandinReply,
  type StandinRequest,
  startStandin,
} from '../../kit/index.js';
import { DEFAULT_OPENBADGES_API_TOKEN } from '../config.js';
import type {
  ImsxStatusInfo,
  ObAchievement,
  ObProfile,
  OpenBadgeCredential,
  ServiceDescriptionDocument,
} from '../upstream.js';

/**
 * A local stand-in for an Open Badges 3.0 host serving several issuers, over the sample data in `data/`: the OB
 * API's discovery (public) and `getCredentials`, issuer Profiles and Achievements as JSON-LD at their id paths,
 * each issuer's achievement listing, limit/offset paging with `Link` and `X-Total-Count` headers, OAuth 2.0
 * bearer auth, optional rate limiting (429 with `Retry-After`) and `Imsx_StatusInfo` error bodies.
 *
 * The sample ids are public URLs (`https://badges.lumenhub.example/achievements/…`); the stand-in serves each
 * resource at the same path on its own origin, as the adapter expects of a mirror (README "Ids").
 */

export interface OpenBadgesStandinOptions {
  port?: number;
  host?: string;
  /** The bearer token it accepts (default: the demo token the adapter also defaults to). */
  token?: string;
  /** At most `limit` requests per `windowMs`; further ones get 429 with `Retry-After`. Off by default. */
  rateLimit?: { limit: number; windowMs: number };
  /** Whether listings carry `Link` and `X-Total-Count`; false plays a host that sends neither. Default true. */
  pagingHeaders?: boolean;
}

const DATA_DIR = 'subgraphs/openbadges/standin/data';
export const STANDIN_DEFAULT_LIMIT = 20;
export const STANDIN_MAX_LIMIT = 100;
const OB_API = '/ims/ob/v3p0';

export interface OpenBadgesSampleData {
  issuers: ObProfile[];
  achievements: ObAchievement[];
  credentials: OpenBadgeCredential[];
}

let sample: OpenBadgesSampleData | null = null;

/** The bundled sample data, read once. */
export function openBadgesSampleData(): OpenBadgesSampleData {
  sample ??= {
    issuers: readProjectJson<ObProfile[]>(`${DATA_DIR}/issuers.json`),
    achievements: readProjectJson<ObAchievement[]>(`${DATA_DIR}/achievements.json`),
    credentials: readProjectJson<OpenBadgeCredential[]>(`${DATA_DIR}/credentials.json`),
  };
  return sample;
}

/** An `Imsx_StatusInfo` error reply, as the OB API sends for every failure. */
export function imsxError(
  status: number,
  codeMinor: string,
  description: string,
  headers?: Record<string, string>,
): StandinReply {
  const body: ImsxStatusInfo = {
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: description,
    imsx_codeMinor: {
      imsx_codeMinorField: [
        { imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor },
      ],
    },
  };
  return json(status, body, headers);
}

/** The last segment of an id URL's path: the key under which the stand-in serves the resource. */
function localId(id: string): string {
  try {
    return decodeURIComponent(new URL(id).pathname.split('/').filter(Boolean).at(-1) ?? '');
  } catch {
    return id;
  }
}

function creatorId(achievement: ObAchievement): string | undefined {
  return typeof achievement.creator === 'string' ? achievement.creator : achievement.creator?.id;
}

/** The request handler, separate from the server so that its behaviour reads in one place. */
export function openBadgesStandinHandler(options: OpenBadgesStandinOptions = {}) {
  const token = options.token ?? DEFAULT_OPENBADGES_API_TOKEN;
  const data = openBadgesSampleData();
  const issuers = new Map(data.issuers.map((issuer) => [localId(issuer.id), issuer]));
  const achievements = new Map(
    data.achievements.map((achievement) => [localId(achievement.id), achievement]),
  );
  const limiter = options.rateLimit ? fixedWindow(options.rateLimit) : null;

  return (request: StandinRequest): StandinReply => {
    const wait = limiter?.();
    if (wait !== undefined && wait !== null) {
      return imsxError(429, 'server_busy', 'Too many requests; retry later.', {
        'retry-after': String(Math.max(1, Math.ceil(wait / 1000))),
      });
    }
    if (request.method !== 'GET') {
      return imsxError(405, 'not_allowed', `${request.method} is not supported by this host.`, {
        allow: 'GET',
      });
    }
    const { pathname } = request.url;
    const origin = `${request.url.protocol}//${request.url.host}`;
    // The OB API: "Access to the discovery endpoint MUST NOT be protected."
    if (pathname === `${OB_API}/discovery`) return json(200, serviceDescription(origin, data.issuers));
    if (request.headers.authorization !== `Bearer ${token}`) {
      return imsxError(401, 'unauthorisedrequest', 'The access token is missing, invalid or expired.', {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
    if (pathname === `${OB_API}/credentials`) return listCredentials(request.url, data.credentials);

    const segments = pathname.split('/').filter(Boolean).map(safeDecode);
    const [collection, id, sub] = segments;
    if (collection === 'issuers' && id !== undefined && segments.length <= 3) {
      const issuer = issuers.get(id);
      if (!issuer) return imsxError(404, 'unknownobject', `No issuer Profile "${id}".`);
      if (sub === undefined) return json(200, issuer);
      if (sub === 'achievements') {
        const offered = data.achievements.filter((achievement) => creatorId(achievement) === issuer.id);
        const reply = page(request.url, offered, 'achievement');
        return options.pagingHeaders === false ? { ...reply, headers: {} } : reply;
      }
    }
    if (collection === 'achievements' && id !== undefined && segments.length === 2) {
      const achievement = achievements.get(id);
      return achievement
        ? json(200, achievement)
        : imsxError(404, 'unknownobject', `No Achievement "${id}".`);
    }
    return imsxError(404, 'unknownobject', `Nothing is served at ${pathname}.`);
  };
}

/** `getCredentials`: the credentials issued after `since`, paged, with no VC-JWTs (`compactJwsString` empty). */
function listCredentials(url: URL, credentials: readonly OpenBadgeCredential[]): StandinReply {
  const since = url.searchParams.get('since');
  if (since !== null && Number.isNaN(Date.parse(since))) {
    return imsxError(400, 'invalid_query_parameter', 'since must be an ISO 8601 date-time.');
  }
  const after = since === null ? null : Date.parse(since);
  const issued = credentials.filter(
    (credential) => after === null || Date.parse(credential.awardedDate ?? credential.validFrom) > after,
  );
  const reply = page(url, issued, 'credential');
  if (reply.status === 200) (reply.body as Record<string, unknown>).compactJwsString = [];
  return reply;
}

/**
 * One limit/offset page of `items` under `key`, with the OB API's paging headers: `X-Total-Count`, and `Link`
 * with `next` (when incomplete), `last`, `first` and `prev` (when the offset is past zero).
 */
function page(url: URL, items: readonly unknown[], key: string): StandinReply {
  const limit = intParam(url.searchParams, 'limit', STANDIN_DEFAULT_LIMIT, 1, STANDIN_MAX_LIMIT);
  const offset = intParam(url.searchParams, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (limit === null || offset === null) {
    return imsxError(
      400,
      'invalid_query_parameter',
      `limit must be a whole number from 1 to ${STANDIN_MAX_LIMIT} and offset a whole number of at least 0.`,
    );
  }
  const total = items.length;
  const link = (rel: string, at: number) => {
    const target = new URL(url.href);
    target.searchParams.set('limit', String(limit));
    target.searchParams.set('offset', String(at));
    return `<${target.href}>; rel="${rel}"`;
  };
  const links = [];
  if (offset + limit < total) links.push(link('next', offset + limit));
  links.push(link('last', total === 0 ? 0 : Math.floor((total - 1) / limit) * limit));
  links.push(link('first', 0));
  if (offset > 0) links.push(link('prev', Math.max(0, offset - limit)));
  return json(
    200,
    { [key]: items.slice(offset, offset + limit) },
    { 'x-total-count': String(total), link: links.join(', ') },
  );
}

function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number) {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= min && value <= max ? value : null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A fixed-window limiter: null while under the limit, else the milliseconds until the window resets. */
function fixedWindow({ limit, windowMs }: { limit: number; windowMs: number }): () => number | null {
  let windowStart = Date.now();
  let count = 0;
  return () => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      count = 0;
    }
    count += 1;
    return count > limit ? windowMs - (now - windowStart) : null;
  };
}

/** The Service Description Document: OpenAPI 3.0 with 1EdTech's extensions, and the host's issuers. */
function serviceDescription(origin: string, issuers: readonly ObProfile[]): ServiceDescriptionDocument {
  const publicHost = 'https://badges.lumenhub.example';
  return {
    openapi: '3.0.1',
    info: {
      title: 'Lumen Badges Open Badges API',
      version: '3.0',
      description: 'Open Badges 3.0 host for several issuers (credgraph stand-in).',
      termsOfService: `${publicHost}/terms`,
      'x-imssf-privacyPolicyUrl': `${publicHost}/privacy`,
      'x-imssf-image': `${publicHost}/images/logo.png`,
    },
    servers: [{ url: `${origin}${OB_API}`, description: 'Open Badges 3.0 API' }],
    components: {
      securitySchemes: {
        OAuth2ACG: {
          type: 'oauth2',
          description: 'OAuth 2.0 Authorization Code Grant authorization',
          'x-imssf-name': 'Lumen Badges',
          'x-imssf-privacyPolicyUrl': `${publicHost}/privacy`,
          'x-imssf-registrationUrl': `${publicHost}/oauth/register`,
          'x-imssf-termsOfServiceUrl': `${publicHost}/terms`,
          flows: {
            authorizationCode: {
              tokenUrl: `${publicHost}/oauth/token`,
              authorizationUrl: `${publicHost}/oauth/authorize`,
              refreshUrl: `${publicHost}/oauth/token`,
              scopes: {
                'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly':
                  'Permission to read OpenBadgeCredentials for the authenticated entity.',
                'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly':
                  'Permission to read the profile for the authenticated entity.',
              },
            },
          },
        },
      },
      schemas: {},
    },
    'x-issuer-profiles': issuers.map((issuer) => issuer.id),
  };
}

/** Starts the Open Badges stand-in; its base URL (give it to `OPENBADGES_BASE_URL`) is `${origin}/`. */
export async function startOpenBadgesStandin(
  options: OpenBadgesStandinOptions = {},
): Promise<RunningStandin> {
  return startStandin(openBadgesStandinHandler(options), { port: options.port, host: options.host });
}
