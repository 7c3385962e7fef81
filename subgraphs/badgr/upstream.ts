/**
 * Canvas Credentials / Badgr API v2, as it answers: the raw shapes, with no interpretation. Field names are
 * Badgr's (`apps/issuer/serializers_v2.py`); values Badgr may leave out or null are optional here.
 */

/** Every v2 answer, errors included. */
export interface BadgrEnvelope<T> {
  status: { success: boolean; description: string };
  result: T[];
  /** Only on the cursor-paginated `…/changed` lists. */
  pagination?: BadgrPagination;
  /** On validation failures (400): field name → messages. */
  fieldErrors?: Record<string, string[]>;
  validationErrors?: string[];
  /** On `…/changed` lists: the server time taken before the query, to pass as the next `since`. */
  timestamp?: string;
}

/** Cursor pagination; the links are absolute URLs carrying Badgr's opaque `cursor`. */
export interface BadgrPagination {
  hasNext: boolean;
  nextResults: string | null;
  hasPrevious: boolean;
  previousResults: string | null;
}

/** `POST /o/token` (OAuth2 password or refresh grant), on success. */
export interface BadgrTokenResponse {
  access_token: string;
  token_type: string;
  /** Seconds; 86400 on Badgr's hosted service. */
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

/** `POST /o/token` on failure: OAuth2's error body (`invalid_grant`, `invalid client_id`, …). */
export interface BadgrTokenError {
  error: string;
  error_description?: string;
}

export interface BadgrIssuer {
  entityType: 'Issuer';
  /** Badgr's opaque 22-character id. */
  entityId: string;
  /** The issuer's Open Badges 2.0 profile URL. */
  openBadgeId: string;
  createdAt?: string;
  createdBy?: string;
  name: string;
  image?: string | null;
  email?: string | null;
  description?: string | null;
  url?: string | null;
  /** Only on Badgr deployments that vouch for issuers (Canvas Credentials' verified issuers). */
  verified?: boolean;
  extensions?: Record<string, unknown>;
  badgrDomain?: string;
}

export interface BadgrAlignment {
  targetName: string;
  targetUrl: string;
  targetDescription?: string | null;
  /** Free text: "ESCO", "O*NET-SOC", an institution's own framework name, … */
  targetFramework?: string | null;
  targetCode?: string | null;
}

export interface BadgrExpiration {
  amount: number | null;
  /** `days`, `weeks`, `months` or `years`. */
  duration: string | null;
}

export interface BadgrBadgeClass {
  entityType: 'BadgeClass';
  entityId: string;
  /** The badge class's Open Badges 2.0 id: `https://api.badgr.io/public/badges/<entityId>`. */
  openBadgeId: string;
  createdAt?: string;
  createdBy?: string;
  /** The issuer's entityId. */
  issuer: string;
  issuerOpenBadgeId?: string;
  name: string;
  image?: string | null;
  /** Plain text (Badgr strips tags). */
  description?: string | null;
  criteriaUrl?: string | null;
  /** Markdown. */
  criteriaNarrative?: string | null;
  alignments?: BadgrAlignment[];
  tags?: string[];
  expires?: BadgrExpiration | null;
  /**
   * Open Badges extensions by name (`extensions:StudyLoadExtension`, …), each a JSON-LD object with `@context`,
   * `type` and its own fields.
   */
  extensions?: Record<string, unknown>;
}
