/**
 * Open Badges 2.0 extensions on Badgr badge classes that carry effort, level and language. Badgr itself defines
 * none of them; these names are the ones edubadges and Open Educational Badges (both Badgr deployments) write,
 * each a JSON-LD object such as `{"@context": …, "type": ["Extension", "extensions:StudyLoadExtension"],
 * "StudyLoad": 40}`. Pure: reading only, with values that are not what the extension promises read as absent.
 */

export const STUDY_LOAD_EXTENSION = 'extensions:StudyLoadExtension';
export const EQF_EXTENSION = 'extensions:EQFExtension';
export const ECTS_EXTENSION = 'extensions:ECTSExtension';
export const LANGUAGE_EXTENSION = 'extensions:LanguageExtension';

type Extensions = Readonly<Record<string, unknown>> | null | undefined;

/** One field of one extension, or undefined. */
export function extensionField(extensions: Extensions, name: string, field: string): unknown {
  const extension = extensions?.[name];
  if (extension === null || typeof extension !== 'object' || Array.isArray(extension)) return undefined;
  return (extension as Record<string, unknown>)[field];
}

/** A positive finite number, also from a numeric string ("40"); otherwise null. */
function positiveNumber(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : null;
}

/** `StudyLoadExtension.StudyLoad` as written; its unit depends on the deployment (README "Extensions"). */
export function studyLoadOf(extensions: Extensions): number | null {
  return positiveNumber(extensionField(extensions, STUDY_LOAD_EXTENSION, 'StudyLoad'));
}

/** `EQFExtension.EQF`: a European Qualifications Framework level, 1–8. */
export function eqfLevelOf(extensions: Extensions): number | null {
  const level = positiveNumber(extensionField(extensions, EQF_EXTENSION, 'EQF'));
  return level !== null && Number.isInteger(level) && level <= 8 ? level : null;
}

/** `ECTSExtension.ECTS`: European credit points. */
export function ectsOf(extensions: Extensions): number | null {
  return positiveNumber(extensionField(extensions, ECTS_EXTENSION, 'ECTS'));
}

/** `LanguageExtension.Language` verbatim, e.g. `en_EN` or `nl_NL`. */
export function languageOf(extensions: Extensions): string | null {
  const language = extensionField(extensions, LANGUAGE_EXTENSION, 'Language');
  return typeof language === 'string' && language.trim() ? language.trim() : null;
}
