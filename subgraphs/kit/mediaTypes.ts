/** The answer types a subgraph speaks, in order of preference when a client accepts both equally. */
export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json; charset=utf-8';

const CANDIDATES = [
  { mediaType: JSON_MEDIA_TYPE, type: 'application', subtype: 'json' },
  { mediaType: GRAPHQL_RESPONSE_MEDIA_TYPE, type: 'application', subtype: 'graphql-response+json' },
] as const;

interface AcceptEntry {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

interface Priority {
  /** Quality, specificity (4 type, 2 subtype, 1 parameters), position in the Accept header, in our list. */
  q: number;
  s: number;
  o: number;
  i: number;
}

const ACCEPT_ENTRY = /^\s*([^\s/;]+)\/([^;\s]+)\s*(?:;(.*))?$/;

function parseEntry(text: string): AcceptEntry | null {
  const match = ACCEPT_ENTRY.exec(text);
  if (!match) return null;
  const params: Record<string, string> = Object.create(null);
  let q = 1;
  for (const pair of (match[3] ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const key = pair.slice(0, equals).trim().toLowerCase();
    let value = pair.slice(equals + 1).trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (key === 'q') {
      q = Number.parseFloat(value);
      break;
    }
    params[key] = value;
  }
  return { type: match[1]!, subtype: match[2]!, params, q };
}

/**
 * How well an Accept entry fits one of our types, as the `negotiator` package (Apollo Server's) judges it: the
 * type and subtype must match or be `*`, and every parameter the entry names must match ours (`charset=utf-8`).
 */
function specificity(candidate: (typeof CANDIDATES)[number], entry: AcceptEntry): number | null {
  let score = 0;
  if (entry.type.toLowerCase() === candidate.type) score |= 4;
  else if (entry.type !== '*') return null;
  if (entry.subtype.toLowerCase() === candidate.subtype) score |= 2;
  else if (entry.subtype !== '*') return null;
  const keys = Object.keys(entry.params);
  if (keys.length > 0) {
    const matches = keys.every((key) => {
      const wanted = entry.params[key]!;
      return wanted === '*' || wanted.toLowerCase() === (key === 'charset' ? 'utf-8' : '');
    });
    if (!matches) return null;
    score |= 1;
  }
  return score;
}

function negotiate(accept: string): string | null {
  const entries = accept
    .split(',')
    .map(parseEntry)
    .filter((entry): entry is AcceptEntry => entry !== null);
  let best: Priority | null = null;
  let chosen: string | null = null;
  for (const [i, candidate] of CANDIDATES.entries()) {
    let priority: Priority = { q: 0, s: 0, o: -1, i };
    for (const [o, entry] of entries.entries()) {
      const s = specificity(candidate, entry);
      if (s !== null && (priority.s - s || priority.q - entry.q || priority.o - o) < 0) {
        priority = { q: entry.q, s, o, i };
      }
    }
    if (!(priority.q > 0)) continue;
    if (
      best === null ||
      (priority.q - best.q || priority.s - best.s || best.o - priority.o || best.i - i) > 0
    ) {
      best = priority;
      chosen = candidate.mediaType;
    }
  }
  return chosen;
}

const chosenByAccept = new Map<string, string | null>();

/**
 * The media type to answer with for a request's Accept header, or null when it accepts neither JSON nor
 * GraphQL-response JSON. No header means JSON. Clients send the same few Accept values again and again, so
 * the choice is remembered per value.
 */
export function responseMediaType(accept: string | undefined): string | null {
  if (!accept) return JSON_MEDIA_TYPE;
  let chosen = chosenByAccept.get(accept);
  if (chosen === undefined) {
    chosen = negotiate(accept);
    if (chosenByAccept.size < 100) chosenByAccept.set(accept, chosen);
  }
  return chosen;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A Content-Type's `type/subtype`, lower-cased, or null when it does not parse as a MIME type (WHATWG rules). */
export function mimeEssence(contentType: string): string | null {
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim();
  const slash = essence.indexOf('/');
  if (slash === -1) return null;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  return `${type}/${subtype}`.toLowerCase();
}
