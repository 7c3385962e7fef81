import { credentialId } from '../../schema/index.js';
import { PROVIDER_ID } from './config.js';

/**
 * The id scheme (README "Ids"). OB 3.0 identifies an Achievement and a Profile by a URL (or a URN or DID), so the
 * upstream part of our ids is that identifier percent-encoded with `encodeURIComponent`: reversible without a
 * lookup, and free of `/`, `:`, `?` and `#`, so it is safe in URL paths and query strings.
 */

export const ACHIEVEMENT_KIND = 'achievement';
export const ISSUER_KIND = 'issuer';

/** `openbadges:achievement:<encoded achievement id>`. */
export function achievementCredentialId(achievementId: string): string {
  return credentialId(PROVIDER_ID, ACHIEVEMENT_KIND, encodeURIComponent(achievementId));
}

/** `openbadges:issuer:<encoded Profile id>`. */
export function issuerRecordId(profileId: string): string {
  return credentialId(PROVIDER_ID, ISSUER_KIND, encodeURIComponent(profileId));
}

/** The OB identifier inside the upstream part of one of our ids, or null when it is not one we issued. */
export function decodeUpstreamId(upstreamId: string): string | null {
  try {
    const decoded = decodeURIComponent(upstreamId);
    return encodeURIComponent(decoded) === upstreamId ? decoded : null;
  } catch {
    return null;
  }
}

export type HostCollection = 'achievements' | 'issuers';

/**
 * Where the configured host serves a resource, relative to its base URL: `<collection>/<local id>`, taken from
 * the last two segments of the resource's id URL. On the real host the id is that same URL; against the
 * stand-in (or a mirror), the id's public origin is replaced by the configured one. Null for ids that are not
 * URLs of that form (URNs, DIDs), which the host cannot be asked for.
 */
export function hostPath(resourceId: string, collection: HostCollection): string | null {
  let url: URL;
  try {
    url = new URL(resourceId);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const segments = url.pathname.split('/').filter(Boolean);
  const localId = segments.at(-1);
  if (segments.length < 2 || segments.at(-2) !== collection || localId === undefined) return null;
  try {
    return `${collection}/${encodeURIComponent(decodeURIComponent(localId))}`;
  } catch {
    return null;
  }
}
