/**
 * The whole number a command-line option gives (`fallback` when it is absent).
 * @throws naming the option, when its value is not a whole number of at least `min`.
 */
export function wholeNumberOption(
  value: string | undefined,
  fallback: number,
  name: string,
  min: number,
): number {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
  return parsed;
}
