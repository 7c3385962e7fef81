/** One sample of Prometheus text exposition: metric name, labels and value. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Parses Prometheus text exposition format 0.0.4 strictly enough to catch what a scraper would reject: every
 * line a comment, a HELP/TYPE line or a well-formed sample of a declared family, no family declared twice.
 * @throws naming the first bad line.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const families = new Map<string, string>();
  const samples: PrometheusSample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const where = `line ${index + 1}: ${line}`;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (!name || !type || !TYPES.has(type)) throw new Error(`bad TYPE, ${where}`);
      if (families.has(name)) throw new Error(`family declared twice, ${where}`);
      families.set(name, type);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample, ${where}`);
    const [, name, labelText = '', rawValue] = match;
    const family = [name!, name!.replace(/_(bucket|sum|count|total|created)$/, '')].find((candidate) =>
      families.has(candidate),
    );
    if (!family) throw new Error(`sample of an undeclared family, ${where}`);
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any letter case (prom-client
    // writes "Nan").
    const lower = rawValue!.toLowerCase();
    const value =
      lower === '+inf' || lower === 'inf' ? Infinity : lower === '-inf' ? -Infinity : Number(rawValue);
    if (Number.isNaN(value) && lower !== 'nan') throw new Error(`bad value, ${where}`);
    const labels: Record<string, string> = {};
    const rest = labelText.replace(LABEL, (_all, key: string, labelValue: string) => {
      labels[key] = labelValue.replace(/\\(.)/g, '$1');
      return '';
    });
    if (rest.replace(/,/g, '').trim() !== '') throw new Error(`bad labels, ${where}`);
    samples.push({ name: name!, labels, value });
  }
  return samples;
}

/** The value of the one sample with this name and these labels (others ignored), or undefined. */
export function sampleValue(
  samples: readonly PrometheusSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}
