/**
 * Pure readers for CTDL JSON-LD: language maps, concepts, alignment objects and resource references, in the
 * several shapes publishers actually use. Nothing here knows the common schema; mapping.ts and details.ts
 * build on these.
 */
import { isCtid } from './config.js';
import type {
  ConceptValue,
  CredentialAlignmentObject,
  LanguageText,
  OneOrMany,
  ResourceReference,
} from './upstream.js';

/** A JSON-LD value that may be one item or a list, as a list (empty for absent, null or undefined). */
export function asArray<T>(value: OneOrMany<T> | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** One string of a language map, with its language tag (`und` for a plain string). */
export interface LanguageString {
  language: string;
  value: string;
}

/** Every string of a language map, in the publisher's order; list-valued entries give one item each. */
export function languageStrings(text: LanguageText | null | undefined): LanguageString[] {
  if (typeof text === 'string') return text.trim() ? [{ language: 'und', value: text.trim() }] : [];
  if (!text || typeof text !== 'object') return [];
  const strings: LanguageString[] = [];
  for (const [language, values] of Object.entries(text)) {
    for (const value of asArray<string>(values)) {
      if (typeof value === 'string' && value.trim()) strings.push({ language, value: value.trim() });
    }
  }
  return strings;
}

/**
 * The language whose strings to show: `en-US`, then `en`, then any other English variant, then a plain
 * string, then the first language given. Tags compare case-insensitively (O*NET's records write `en-us`).
 */
function preferredLanguage(strings: readonly LanguageString[]): string | null {
  const languages = [...new Set(strings.map((string) => string.language))];
  const lower = (tag: string) => tag.toLowerCase();
  return (
    languages.find((tag) => lower(tag) === 'en-us') ??
    languages.find((tag) => lower(tag) === 'en') ??
    languages.find((tag) => lower(tag).startsWith('en-')) ??
    languages.find((tag) => tag === 'und') ??
    languages[0] ??
    null
  );
}

/** The best English value of a language map (see `preferredLanguage`), or null when it holds none. */
export function bestText(text: LanguageText | null | undefined): string | null {
  const strings = languageStrings(text);
  const language = preferredLanguage(strings);
  return strings.find((string) => string.language === language)?.value ?? null;
}

/** All values of the preferred language (for list-valued maps such as `ceterms:keyword`). */
export function bestTexts(text: LanguageText | null | undefined): string[] {
  const strings = languageStrings(text);
  const language = preferredLanguage(strings);
  return strings.filter((string) => string.language === language).map((string) => string.value);
}

/**
 * The concept a value names, as written: `credentialStat:Active`, `audLevel:BeginnerLevel`, or a full URI.
 * CTDL writes concepts as alignment objects (`ceterms:targetNode`), some publishers as the bare term.
 */
export function conceptOf(value: ConceptValue | null | undefined): string | null {
  if (typeof value === 'string') return value.trim() || null;
  const node = value?.['ceterms:targetNode'];
  return typeof node === 'string' && node.trim() ? node.trim() : null;
}

/**
 * The term of a concept without its prefix or path, so that `credentialStat:Active` and
 * `https://purl.org/ctdl/vocabs/credentialStat/Active` compare equal: both give `Active`.
 */
export function conceptTerm(concept: string): string {
  const cut = Math.max(concept.lastIndexOf(':'), concept.lastIndexOf('/'), concept.lastIndexOf('#'));
  return concept.slice(cut + 1);
}

/** The concept terms of a property that holds one or many concepts, in order, without blanks. */
export function conceptTerms(value: OneOrMany<ConceptValue> | null | undefined): string[] {
  return asArray(value)
    .map(conceptOf)
    .filter((concept): concept is string => concept !== null)
    .map(conceptTerm);
}

const CTID_IN_URI = /(ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?(?:[?#].*)?$/i;

/**
 * The CTID a reference points to: the last path segment of a registry URI (`…/resources/ce-…`,
 * `…/graph/ce-…`), or the `ceterms:ctid` of an embedded description. Null for blank nodes (`_:…`) and
 * references outside the registry. Lower case, as the registry mints them.
 */
export function ctidOf(reference: ResourceReference | null | undefined): string | null {
  if (typeof reference === 'string') return CTID_IN_URI.exec(reference.trim())?.[1]?.toLowerCase() ?? null;
  if (!reference || typeof reference !== 'object') return null;
  const ctid = reference['ceterms:ctid'];
  if (typeof ctid === 'string' && isCtid(ctid.trim())) return ctid.trim().toLowerCase();
  return typeof reference['@id'] === 'string' ? ctidOf(reference['@id']) : null;
}

/** The URI of a reference: the string itself, or an embedded description's `@id`; null for blank nodes. */
export function uriOf(reference: ResourceReference | null | undefined): string | null {
  const value = typeof reference === 'string' ? reference : reference?.['@id'];
  return typeof value === 'string' && /^https?:\/\//i.test(value.trim()) ? value.trim() : null;
}

/** An alignment object's label: `targetNodeName`, or an embedded CTDL-ASN competency's label or text. */
export function alignmentLabel(alignment: CredentialAlignmentObject): string | null {
  return (
    bestText(alignment['ceterms:targetNodeName']) ??
    bestText(alignment['ceasn:competencyLabel']) ??
    bestText(alignment['ceasn:competencyText'])
  );
}

/** An alignment object's code: `ceterms:codedNotation`, or an embedded competency's `ceasn:codedNotation`. */
export function alignmentCode(alignment: CredentialAlignmentObject): string | null {
  const code = alignment['ceterms:codedNotation'] ?? alignment['ceasn:codedNotation'];
  return typeof code === 'string' && code.trim() ? code.trim() : null;
}

/** An alignment object's target URI: `ceterms:targetNode`, or an embedded competency's `@id`. */
export function alignmentTarget(alignment: CredentialAlignmentObject): string | null {
  const target = alignment['ceterms:targetNode'] ?? alignment['@id'];
  return typeof target === 'string' && target.trim() ? target.trim() : null;
}

/** An alignment object's framework URI: `ceterms:framework`, or an embedded competency's `ceasn:isPartOf`. */
export function alignmentFramework(alignment: CredentialAlignmentObject): string | null {
  const framework = alignment['ceterms:framework'] ?? alignment['ceasn:isPartOf'];
  return typeof framework === 'string' && framework.trim() ? framework.trim() : null;
}

/** Whether a value is a JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
