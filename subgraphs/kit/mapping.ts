import type { Sector } from '../../schema/index.js';

/** Small pure helpers that provider mappings share. */

/** The value when it is an absolute http(s) URL, else null (the common schema's URL scalar rejects others). */
export function httpUrlOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Plain text from upstream text that may carry HTML markup; null for empty. */
export function plainText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  return text || null;
}

/** An ISO 8601 date-time for an upstream date, or the fallback when it is missing or unreadable. */
export function isoDateTime(value: unknown, fallback: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}

/** A BCP 47 tag from upstream language values (`en`, `en-US`, `English`); null when unrecognised. */
export function languageTag(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(trimmed)) {
    const [language, ...rest] = trimmed.split('-');
    return [
      language?.toLowerCase(),
      ...rest.map((part) => (part.length === 2 ? part.toUpperCase() : part)),
    ].join('-');
  }
  return LANGUAGE_NAMES[trimmed.toLowerCase()] ?? null;
}

const LANGUAGE_NAMES: Record<string, string> = {
  english: 'en',
  spanish: 'es',
  french: 'fr',
  german: 'de',
  portuguese: 'pt',
  chinese: 'zh',
  japanese: 'ja',
  arabic: 'ar',
  hindi: 'hi',
  russian: 'ru',
  italian: 'it',
  korean: 'ko',
};

export function uniqueStrings(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

const SECTORS_BY_TAG: Readonly<Record<string, Sector>> = {
  technology: 'TECHNOLOGY',
  'information technology': 'TECHNOLOGY',
  it: 'TECHNOLOGY',
  healthcare: 'HEALTHCARE',
  'health care': 'HEALTHCARE',
  'advanced manufacturing': 'ADVANCED_MANUFACTURING',
  manufacturing: 'ADVANCED_MANUFACTURING',
  business: 'BUSINESS',
  education: 'EDUCATION',
  energy: 'ENERGY',
  finance: 'FINANCE',
  construction: 'CONSTRUCTION',
  logistics: 'LOGISTICS',
  'public service': 'PUBLIC_SERVICE',
  hospitality: 'HOSPITALITY',
  agriculture: 'AGRICULTURE',
  'arts and media': 'ARTS_AND_MEDIA',
};

/**
 * Sectors from an upstream's free tags: a tag that names a sector (`Healthcare`, `advanced manufacturing`,
 * `ADVANCED_MANUFACTURING`, `sector:technology`) counts; topical tags (`Cloud Computing`, `CNC`) do not.
 */
export function sectorsFromTags(tags: readonly string[] | null | undefined): Sector[] {
  const sectors = new Set<Sector>();
  for (const tag of tags ?? []) {
    if (typeof tag !== 'string') continue;
    const key = tag
      .trim()
      .toLowerCase()
      .replace(/^sector\s*:\s*/, '')
      .replace(/[-_\s]+/g, ' ')
      .replace(/\s*&\s*/g, ' and ');
    const sector = SECTORS_BY_TAG[key];
    if (sector) sectors.add(sector);
  }
  return [...sectors];
}
