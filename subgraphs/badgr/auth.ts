import { Agent } from 'undici';
import { UpstreamError, type UpstreamErrorCode } from '../kit/index.js';
import { type BadgrConfig, PROVIDER_ID } from './config.js';
import type { BadgrTokenError, BadgrTokenResponse } from './upstream.js';

/** An access token from `POST /o/token`, with when to stop using it. */
export interface AccessToken {
  value: string;
  /** Epoch milliseconds after which the token is not used any more (Infinity when Badgr gave no lifetime). */
  expiresAt: number;
  /** Increases with every token obtained, so that a newer token always wins over an older one. */
  serial: number;
}

/** Renew this long before expiry (or a tenth of the lifetime, if shorter), so a token never lapses mid-call. */
const EXPIRY_MARGIN_MS = 60_000;

/** The settings the error for a refused password grant points at. Never the values. */
const CREDENTIALS_SETTINGS = 'BADGR_USERNAME / BADGR_PASSWORD';

/**
 * Badgr's OAuth2 password grant: `POST /o/token` with a form-encoded body, answered by a Bearer token that lives
 * `expires_in` seconds (a day on Badgr's hosted service). Tokens are cached until shortly before they expire, and
 * concurrent callers share one token request.
 *
 * The kit's `UpstreamHttp` only sends JSON, so this makes its one form-encoded request with undici directly.
 * It is never retried: Badgr backs off (and finally locks out) an account after failed password attempts, and a
 * wrong password does not get better by asking again.
 */
export class BadgrTokenSource {
  private readonly agent: Agent;
  private readonly tokenUrl: URL;
  private current: AccessToken | null = null;
  private pending: Promise<AccessToken> | null = null;
  private serial = 0;

  constructor(
    private readonly config: Pick<
      BadgrConfig,
      'baseUrl' | 'username' | 'password' | 'clientId' | 'scope' | 'timeoutMs'
    >,
    private readonly now: () => number = Date.now,
  ) {
    this.tokenUrl = new URL('o/token', config.baseUrl);
    this.agent = new Agent({
      connections: 2,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
  }

  /** How many tokens this source has obtained so far. */
  get obtained(): number {
    return this.serial;
  }

  /** A token that is still good, from the cache or from Badgr. */
  async token(): Promise<AccessToken> {
    const current = this.current;
    if (current && current.expiresAt > this.now()) return current;
    this.pending ??= this.requestToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /**
   * A token to use after the upstream refused the token `stale` (HTTP 401): a new one, unless another caller has
   * already replaced `stale`, in which case that newer token is shared.
   */
  async renew(stale: string): Promise<AccessToken> {
    if (this.current?.value === stale) this.current = null;
    return this.token();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async requestToken(): Promise<AccessToken> {
    const form = new URLSearchParams({
      grant_type: 'password',
      username: this.config.username,
      password: this.config.password,
      client_id: this.config.clientId,
      scope: this.config.scope,
    });
    let status: number;
    let text: string;
    try {
      const response = await this.agent.request({
        origin: this.tokenUrl.origin,
        path: `${this.tokenUrl.pathname}${this.tokenUrl.search}`,
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.config.timeoutMs + 1_000),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw transportError(error, this.tokenUrl.origin, this.config.timeoutMs);
    }
    const body = parseJson(text);
    if (status !== 200) throw refusal(status, body);
    const token = checkTokenResponse(body);
    const lifetimeMs = token.expires_in * 1_000;
    const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10);
    this.serial += 1;
    this.current = {
      value: token.access_token,
      expiresAt: Number.isFinite(lifetimeMs) ? this.now() + lifetimeMs - margin : Number.POSITIVE_INFINITY,
      serial: this.serial,
    };
    return this.current;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function checkTokenResponse(body: unknown): BadgrTokenResponse {
  const token = body as Partial<BadgrTokenResponse> | undefined;
  if (!token || typeof token.access_token !== 'string' || token.access_token === '') {
    throw authError('UPSTREAM_BAD_RESPONSE', '/o/token answered without an access_token');
  }
  if (typeof token.token_type === 'string' && token.token_type.toLowerCase() !== 'bearer') {
    throw authError(
      'UPSTREAM_BAD_RESPONSE',
      `/o/token answered a ${token.token_type} token, not a Bearer token`,
    );
  }
  // Without a stated lifetime the token is used until Badgr refuses it, which the client handles anyway.
  const expiresIn =
    typeof token.expires_in === 'number' && token.expires_in > 0
      ? token.expires_in
      : Number.POSITIVE_INFINITY;
  return { ...token, access_token: token.access_token, token_type: 'Bearer', expires_in: expiresIn };
}

/**
 * The error for a token request Badgr refused. Badgr answers a wrong password with 400 `invalid_grant` (OAuth2),
 * an unknown client with 400 `invalid client_id`, a scope the client may not have with 400 `invalid scope
 * requested`, and throttles repeated failures with 401 `login attempts throttled` or 429.
 */
function refusal(status: number, body: unknown): UpstreamError {
  const error = body as Partial<BadgrTokenError> | undefined;
  const code = typeof error?.error === 'string' ? error.error : '';
  const said = [code, error?.error_description].filter((part) => typeof part === 'string' && part).join(': ');
  const suffix = said ? ` (Badgr said: ${said.slice(0, 200)})` : '';
  if (code === 'login attempts throttled' || status === 429) {
    return authError(
      'UPSTREAM_RATE_LIMITED',
      `/o/token is throttling logins after failed attempts (HTTP ${status})${suffix}`,
      status,
    );
  }
  if (code === 'invalid_client' || /client_id/i.test(code)) {
    return authError(
      'UPSTREAM_UNAUTHORIZED',
      `/o/token does not know the OAuth client (HTTP ${status}) (check BADGR_CLIENT_ID)${suffix}`,
      status,
    );
  }
  if (code === 'invalid_scope' || /scope/i.test(code)) {
    return authError(
      'UPSTREAM_FORBIDDEN',
      `/o/token refused the requested scope (HTTP ${status}) (check BADGR_SCOPE)${suffix}`,
      status,
    );
  }
  if (code === 'invalid_grant' || status === 401) {
    return authError(
      'UPSTREAM_UNAUTHORIZED',
      `/o/token refused the account's credentials (HTTP ${status}) (check ${CREDENTIALS_SETTINGS})${suffix}`,
      status,
    );
  }
  if (status >= 500)
    return authError('UPSTREAM_UNAVAILABLE', `/o/token is failing (HTTP ${status})${suffix}`, status);
  return authError(
    'UPSTREAM_BAD_REQUEST',
    `/o/token rejected the token request (HTTP ${status})${suffix}`,
    status,
  );
}

function transportError(error: unknown, origin: string, timeoutMs: number): UpstreamError {
  const code = (error as { code?: string })?.code ?? '';
  const name = (error as { name?: string })?.name ?? '';
  if (name === 'TimeoutError' || code.includes('TIMEOUT')) {
    return authError('UPSTREAM_TIMEOUT', `/o/token did not answer within ${timeoutMs} ms`);
  }
  return authError(
    'UPSTREAM_UNAVAILABLE',
    `cannot reach the upstream at ${origin} (${code || name || 'connection failed'})`,
  );
}

function authError(code: UpstreamErrorCode, detail: string, status: number | null = null): UpstreamError {
  return new UpstreamError(code, PROVIDER_ID, `${PROVIDER_ID}: ${detail}`, status);
}
