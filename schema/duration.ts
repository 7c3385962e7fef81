/**
 * ISO 8601 durations (`P3M`, `PT40H`, `P1DT12H`). Providers state effort as text ("4-6 hours/week"), weeks
 * or hours; the common schema keeps one ISO 8601 value and derives hours from it so that users can filter
 * and sort by a number.
 */

const ISO_DURATION =
  /^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Hours of *effort* per calendar unit. A credential that "takes 3 months" is rarely 2,190 hours of work:
 * the conventions below (a working week of 40 h, a month of 4 such weeks) are the ones CTDL publishers
 * and course catalogs use when they convert between the two.
 */
const HOURS = { Y: 2080, M: 160, W: 40, D: 8, H: 1, MIN: 1 / 60, S: 1 / 3600 } as const;

export function isIsoDuration(value: string): boolean {
  return ISO_DURATION.test(value);
}

/** Effort hours for an ISO 8601 duration, or null when the value is not one. */
export function durationToHours(value: string): number | null {
  const match = ISO_DURATION.exec(value);
  if (!match) return null;
  const [, y, mo, w, d, h, mi, s] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const hours =
    (y ?? 0) * HOURS.Y +
    (mo ?? 0) * HOURS.M +
    (w ?? 0) * HOURS.W +
    (d ?? 0) * HOURS.D +
    (h ?? 0) * HOURS.H +
    (mi ?? 0) * HOURS.MIN +
    (s ?? 0) * HOURS.S;
  return Math.round(hours * 100) / 100;
}

/** The ISO 8601 duration for a number of effort hours (`PT12.5H`). */
export function hoursToDuration(hours: number): string {
  const rounded = Math.round(hours * 100) / 100;
  return `PT${rounded}H`;
}
