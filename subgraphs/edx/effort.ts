import type { EdxCourseRun, EdxProgram } from './upstream.js';

/**
 * edX states effort in numbers, never free text: a run may give its total (`estimated_hours`) and always may
 * give a weekly range (`min_effort`–`max_effort` hours) over `weeks_to_complete`; a program gives the same
 * weekly range and weeks. The common schema wants total effort, so (README "Duration"):
 *
 * 1. A run's `estimated_hours`, when positive, is the total.
 * 2. Otherwise `max_effort × weeks_to_complete`: the upper figure of the range, so that a filter "at most N
 *    hours" never admits a course that may take longer (the rule Coursera's ranges follow too).
 * 3. A program's total is `max_hours_effort_per_week × weeks_to_complete`, an upper bound for the same reason.
 * 4. Anything less (a weekly range without weeks, weeks without a range) is null: no total is stated.
 */

/** Total effort hours of a run, or null when it states no total (rules 1, 2 and 4). */
export function runEffortHours(run: EdxCourseRun | null | undefined): number | null {
  if (!run) return null;
  const stated = positive(run.estimated_hours);
  if (stated !== null) return stated;
  return product(run.max_effort, run.weeks_to_complete);
}

/** Total effort hours of a program, or null (rules 3 and 4). */
export function programEffortHours(program: EdxProgram): number | null {
  return product(program.max_hours_effort_per_week, program.weeks_to_complete);
}

/** Hours as an ISO 8601 duration in hours and minutes: 40 → `PT40H`, 1.5 → `PT1H30M`; null for none. */
export function formatEffort(hours: number | null): string | null {
  if (hours === null || !Number.isFinite(hours) || hours <= 0) return null;
  let whole = Math.floor(hours);
  let minutes = Math.round((hours - whole) * 60);
  if (minutes === 60) {
    whole += 1;
    minutes = 0;
  }
  if (whole === 0 && minutes === 0) return null;
  return `PT${whole > 0 ? `${whole}H` : ''}${minutes > 0 ? `${minutes}M` : ''}`;
}

function product(perWeek: number | null | undefined, weeks: number | null | undefined): number | null {
  const rate = positive(perWeek);
  const count = positive(weeks);
  return rate === null || count === null ? null : Math.round(rate * count * 100) / 100;
}

function positive(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : null;
}
