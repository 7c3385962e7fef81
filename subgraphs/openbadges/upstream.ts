/**
 * 1EdTech Open Badges 3.0 as an issuing host serves it: the raw JSON-LD shapes (OB 3.0 data model, context
 * 3.0.3) and the OB API envelopes, with no interpretation. JSON-LD lets a value that is "one or many" be written
 * either way, and lets an object be replaced by its id, so the types say so where issuers do it in practice.
 */

export type OneOrMany<T> = T | T[];

/** `@context`: URLs and inline contexts, in order. */
export type JsonLdContext = OneOrMany<string | Record<string, unknown>>;

/** The JSON-LD contexts every OB 3.0 document starts with. */
export const OB_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
] as const;

/** `Image`: `id` is a URL or a `data:` URI. Older issuers write the URL alone. */
export interface ObImage {
  id: string;
  type: string;
  caption?: string;
}

/** `IdentifierEntry`: an identifier in another system (`sourcedId`, `systemId`, `ext:…`). */
export interface ObIdentifierEntry {
  type: string;
  identifier: string;
  identifierType: string;
}

/** `Profile`: a person or organisation; here the issuer, the achievement's creator, or a parent organisation. */
export interface ObProfile {
  '@context'?: JsonLdContext;
  /** A URL (that dereferences to this Profile) or a DID. */
  id: string;
  /** ∋ `Profile`. */
  type: OneOrMany<string>;
  name?: string;
  /** The organisation's home page, not the Profile document. */
  url?: string;
  phone?: string;
  email?: string;
  description?: string;
  image?: ObImage | string;
  address?: Record<string, unknown>;
  otherIdentifier?: ObIdentifierEntry[];
  /** The name of the authorised official who signs for the issuer. */
  official?: string;
  parentOrg?: ObProfile | string;
  endorsement?: unknown[];
}

/** `Criteria`: `id` is a human-readable page of the criteria; `narrative` is Markdown. */
export interface ObCriteria {
  id?: string;
  narrative?: string;
}

/**
 * `Alignment`. `targetType` is `ceasn:Competency`, `ceterms:Credential`, `CFItem`, `CFRubric`,
 * `CFRubricCriterion`, `CFRubricCriterionLevel`, `CTDL` or an `ext:` extension.
 */
export interface ObAlignment {
  type: OneOrMany<string>;
  targetName: string;
  targetUrl: string;
  targetDescription?: string;
  targetCode?: string;
  targetFramework?: string;
  targetType?: string;
}

/**
 * `Related`: another achievement. The spec means alternate editions (another language or version); the issuers
 * this adapter targets also list a whole's parts here (README "Stacking").
 */
export interface ObRelated {
  id: string;
  type?: OneOrMany<string>;
  inLanguage?: string;
  /** How 1EdTech's JSON Schema binds `inLanguage`. */
  '@language'?: string;
  version?: string;
}

/** `Achievement`: the definition of what a credential certifies, independent of any earner. */
export interface ObAchievement {
  '@context'?: JsonLdContext;
  /** An https URL (dereferences to this Achievement) or a URN. */
  id: string;
  /** ∋ `Achievement`. */
  type: OneOrMany<string>;
  /** `MicroCredential`, `Badge`, `Certificate`, `Certification`, `Course`, … or `ext:…`. Optional. */
  achievementType?: string;
  name: string;
  description: string;
  criteria: ObCriteria;
  alignment?: ObAlignment[];
  /** The Profile that defined the achievement, embedded or by id. */
  creator?: ObProfile | string;
  creditsAvailable?: number;
  fieldOfStudy?: string;
  humanCode?: string;
  image?: ObImage | string;
  inLanguage?: string;
  '@language'?: string;
  otherIdentifier?: ObIdentifierEntry[];
  related?: ObRelated[];
  resultDescription?: unknown[];
  specialization?: string;
  tag?: string[];
  version?: string;
  endorsement?: unknown[];
}

/**
 * The achievements an issuer offers, one page: `GET issuers/{id}/achievements?limit=&offset=`. The OB API
 * defines no such listing; this is the shape of its `getCredentials` answer with `achievement` in place of
 * `credential`, paged the same way (`Link`, `X-Total-Count`).
 */
export interface AchievementsPage {
  achievement: ObAchievement[];
}

/** `OpenBadgeCredential` (AchievementCredential): an achievement awarded to one earner. */
export interface OpenBadgeCredential {
  '@context': JsonLdContext;
  id: string;
  type: OneOrMany<string>;
  issuer: ObProfile | string;
  validFrom: string;
  validUntil?: string;
  awardedDate?: string;
  name: string;
  description?: string;
  credentialSubject: {
    id?: string;
    type: OneOrMany<string>;
    identifier?: Array<{
      type: string;
      identityHash: string;
      identityType: string;
      hashed: boolean;
      salt?: string;
    }>;
    achievement: ObAchievement;
  };
  proof?: unknown[];
}

/** `GET ims/ob/v3p0/credentials`: signed-as-JSON credentials in `credential`, VC-JWTs in `compactJwsString`. */
export interface GetOpenBadgeCredentialsResponse {
  credential?: OpenBadgeCredential[];
  compactJwsString?: string[];
}

/**
 * `GET ims/ob/v3p0/discovery`: the Service Description Document, an OpenAPI 3.0 document with 1EdTech's
 * `x-imssf-*` extensions. `x-issuer-profiles` is the extension through which a host lists the issuers it serves
 * (README "Discovery"); the OB API has no issuer listing of its own.
 */
export interface ServiceDescriptionDocument {
  openapi: string;
  info: {
    title: string;
    version: string;
    description?: string;
    termsOfService?: string;
    'x-imssf-privacyPolicyUrl'?: string;
    'x-imssf-image'?: string;
  };
  servers?: Array<{ url: string; description?: string }>;
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, unknown> };
  'x-issuer-profiles'?: string[];
}

/** The OB API's error body. */
export interface ImsxStatusInfo {
  imsx_codeMajor: 'success' | 'processing' | 'failure' | 'unsupported';
  imsx_severity: 'status' | 'warning' | 'error';
  imsx_description?: string;
  imsx_codeMinor?: {
    imsx_codeMinorField: Array<{ imsx_codeMinorFieldName: string; imsx_codeMinorFieldValue: string }>;
  };
}

/** Whether a JSON-LD `type` value names the given class. */
export function hasType(type: OneOrMany<string> | undefined, name: string): boolean {
  return Array.isArray(type) ? type.includes(name) : type === name;
}

/** A JSON-LD "one or many" value as a list. */
export function toArray<T>(value: OneOrMany<T> | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
