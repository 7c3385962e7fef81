/**
 * Coursera's `workload` is free text ("4-6 hours/week", "Approx. 13 hours to complete", "Approximately 3
 * months at 10 hours a week"). The common schema wants total effort, so this turns the text into an ISO 8601
 * duration of effort when, and only when, the text states a total or enough to compute one.
 *
 * Rules (README "Workload"):
 * 1. A rate ("N hours/week", "N hours a week", "N hours per day") counts only with a period in the same unit
 *    family ("6 weeks", "3 months", "5 days"): total = rate × period. A month counts 4 weeks, as in the
 *    common schema's duration arithmetic. A rate alone, or with a period it cannot convert, gives null.
 * 2. Without a rate, stated hours and minutes are the total ("Approx. 13 hours to complete" → PT13H).
 * 3. A period alone ("3 months") is calendar time, not effort: null.
 * 4. A range ("4-6") counts as its upper figure, so that "at most N hours" never admits a course that may
 *    take longer.
 */

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

const NUMBER = `(\\d+(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).join('|')})`;
const RANGE = `\\b${NUMBER}(?:\\s*(?:-|–|—|to)\\s*${NUMBER})?`;
const HOURS = '(?:hours?|hrs?|h)';
const MINUTES = '(?:minutes?|mins?)';
const PER = '\\s*(?:/|per|a|an|each|every)\\s*';

const RATE = new RegExp(`${RANGE}\\s*${HOURS}${PER}(day|week|wk|month)\\b`, 'i');
const PERIOD = new RegExp(`${RANGE}\\s*(days?|weeks?|wks?|months?)\\b`, 'i');
const TOTAL_HOURS = new RegExp(`${RANGE}\\s*${HOURS}\\b`, 'i');
const TOTAL_MINUTES = new RegExp(`${RANGE}\\s*${MINUTES}\\b`, 'i');

type Unit = 'day' | 'week' | 'month';

/** How many rate units one period unit holds, per rate unit; a missing pair cannot be converted. */
const RATE_UNITS_PER_PERIOD: Record<Unit, Partial<Record<Unit, number>>> = {
  day: { day: 1 },
  week: { week: 1, month: 4 },
  month: { month: 1 },
};

/** Total effort as an ISO 8601 duration (`PT13H`, `PT1H30M`), or null when the text states no total. */
export function parseWorkload(workload: string | null | undefined): string | null {
  const hours = workloadHours(workload);
  return hours === null ? null : formatEffort(hours);
}

/** Total effort hours stated by a workload text, or null (see the rules above). */
export function workloadHours(workload: string | null | undefined): number | null {
  const text = workload?.trim();
  if (!text) return null;
  const rate = RATE.exec(text);
  if (rate) {
    const perUnit = upperFigure(rate[1], rate[2]);
    const rateUnit = unitOf(rate[3]);
    const rest = text.slice(0, rate.index) + text.slice(rate.index + rate[0].length);
    const period = PERIOD.exec(rest);
    if (perUnit === null || !rateUnit || !period) return null;
    const periodCount = upperFigure(period[1], period[2]);
    const periodUnit = unitOf(period[3]);
    const factor = periodUnit ? RATE_UNITS_PER_PERIOD[rateUnit][periodUnit] : undefined;
    if (periodCount === null || factor === undefined) return null;
    return positiveOrNull(perUnit * periodCount * factor);
  }
  const hours = TOTAL_HOURS.exec(text);
  const minutes = TOTAL_MINUTES.exec(text);
  if (!hours && !minutes) return null;
  const total =
    (hours ? (upperFigure(hours[1], hours[2]) ?? 0) : 0) +
    (minutes ? (upperFigure(minutes[1], minutes[2]) ?? 0) / 60 : 0);
  return positiveOrNull(total);
}

/** Hours as an ISO 8601 duration in hours and minutes: 13 → `PT13H`, 1.5 → `PT1H30M`, 0.75 → `PT45M`. */
export function formatEffort(hours: number): string | null {
  if (!Number.isFinite(hours) || hours <= 0) return null;
  let whole = Math.floor(hours);
  let minutes = Math.round((hours - whole) * 60);
  if (minutes === 60) {
    whole += 1;
    minutes = 0;
  }
  if (whole === 0 && minutes === 0) return null;
  return `PT${whole > 0 ? `${whole}H` : ''}${minutes > 0 ? `${minutes}M` : ''}`;
}

function upperFigure(low: string | undefined, high: string | undefined): number | null {
  return numberOf(high ?? low);
}

function numberOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const word = NUMBER_WORDS[text.toLowerCase()];
  if (word !== undefined) return word;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function unitOf(text: string | undefined): Unit | null {
  const lower = text?.toLowerCase() ?? '';
  if (lower.startsWith('day')) return 'day';
  if (lower.startsWith('w')) return 'week';
  if (lower.startsWith('month')) return 'month';
  return null;
}

function positiveOrNull(value: number): number | null {
  return Number.isFinite(value) && value > 0 ? Math.round(value * 100) / 100 : null;
}
