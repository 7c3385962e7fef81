import { readProjectJson } from '../../kit/index.js';
import type { SkillMatch } from '../normalizer.js';

/** A provider label and the canonical skill it should normalise to; null when it should stay unmatched. */
export interface LabelledCase {
  label: string;
  expected: string | null;
  why?: string;
}

export interface Miss {
  label: string;
  expected: string | null;
  got: string | null;
  gotName: string | null;
  match: SkillMatch['match'];
  confidence: number;
}

export interface Evaluation {
  cases: number;
  /** Labels that should match a skill. */
  positives: number;
  /** Matched to the expected skill. */
  truePositives: number;
  /** Matched to a skill other than the expected one (or matched when it should not be). */
  falsePositives: number;
  /** Should match a skill but came back unmatched or wrong. */
  falseNegatives: number;
  /** Should stay unmatched and did. */
  trueNegatives: number;
  /** Of the labels matched, the share matched to the expected skill. */
  precision: number;
  /** Of the labels that should match, the share matched to the expected skill. */
  recall: number;
  /** Wrong matches: the precision losses. */
  wrong: Miss[];
  /** Unmatched labels that should have matched: the recall losses. */
  missed: Miss[];
}

export const LABELLED_SET = 'subgraphs/skills/eval/labelled.json';

export function readLabelledSet(path = LABELLED_SET): LabelledCase[] {
  return readProjectJson<{ cases: LabelledCase[] }>(path).cases;
}

/**
 * Scores a normaliser on a labelled set. The one measure both `npm run eval:skills` and the test assert on,
 * so the figure printed is the figure tested.
 */
export function evaluate(
  normalize: (labels: readonly string[]) => SkillMatch[],
  cases: readonly LabelledCase[],
): Evaluation {
  const results = normalize(cases.map((item) => item.label));
  const wrong: Miss[] = [];
  const missed: Miss[] = [];
  let truePositives = 0;
  let trueNegatives = 0;
  cases.forEach((item, index) => {
    const result = results[index]!;
    const miss: Miss = {
      label: item.label,
      expected: item.expected,
      got: result.skillId,
      gotName: result.skillName,
      match: result.match,
      confidence: result.confidence,
    };
    if (result.skillId === item.expected) {
      if (item.expected === null) trueNegatives += 1;
      else truePositives += 1;
    } else if (result.skillId === null) {
      missed.push(miss);
    } else {
      wrong.push(miss);
    }
  });
  const positives = cases.filter((item) => item.expected !== null).length;
  const matched = truePositives + wrong.length;
  return {
    cases: cases.length,
    positives,
    truePositives,
    falsePositives: wrong.length,
    falseNegatives: positives - truePositives,
    trueNegatives,
    precision: matched === 0 ? 1 : truePositives / matched,
    recall: positives === 0 ? 1 : truePositives / positives,
    wrong,
    missed,
  };
}

/** The evaluation as plain text: the figures, then every wrong match and every miss. */
export function formatEvaluation(evaluation: Evaluation): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const line = (miss: Miss) =>
    `  ${JSON.stringify(miss.label)}: expected ${miss.expected ?? 'unmatched'}, got ${
      miss.got ? `${miss.got} (${miss.gotName}, ${miss.match} ${miss.confidence})` : 'unmatched'
    }`;
  return [
    `labelled cases: ${evaluation.cases} (${evaluation.positives} should match, ${evaluation.cases - evaluation.positives} should stay unmatched)`,
    `precision: ${evaluation.precision.toFixed(3)} (${percent(evaluation.precision)}; ${evaluation.truePositives} right of ${evaluation.truePositives + evaluation.falsePositives} matched)`,
    `recall:    ${evaluation.recall.toFixed(3)} (${percent(evaluation.recall)}; ${evaluation.truePositives} of ${evaluation.positives})`,
    `correctly unmatched: ${evaluation.trueNegatives} of ${evaluation.cases - evaluation.positives}`,
    `wrong matches (${evaluation.wrong.length}):`,
    ...evaluation.wrong.map(line),
    `missed (${evaluation.missed.length}):`,
    ...evaluation.missed.map(line),
  ].join('\n');
}
