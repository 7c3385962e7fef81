import type { UpstreamHeaders } from './http.js';

// One link-value of RFC 8288: `<target>` then `; name=value` parameters, values quoted or not.
const LINK_VALUE = /<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)/g;
const REL_PARAMETER = /;\s*rel\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*))/i;

/**
 * The targets of a `Link` response header (RFC 8288) by relation type, resolved against `base`: what APIs that page
 * in headers (GitHub-style `rel="next"`, the Open Badges API, Badgr's lists) say about the next page. A link with
 * several relation types (`rel="next last"`) is listed under each; the first link of a type wins. Empty when there
 * is no such header.
 */
export function linkTargets(headers: UpstreamHeaders, base: URL): Map<string, URL> {
  const targets = new Map<string, URL>();
  const value = headers.link;
  for (const header of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
    for (const [, target, parameters] of header.matchAll(LINK_VALUE)) {
      const rel = REL_PARAMETER.exec(parameters ?? '');
      const types = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      let url: URL;
      try {
        url = new URL(target!, base);
      } catch {
        continue;
      }
      for (const type of types) if (!targets.has(type)) targets.set(type, url);
    }
  }
  return targets;
}
