import { loadVocabulary } from '../skills.js';
import { evaluate, formatEvaluation, readLabelledSet } from './measure.js';

/**
 * `npm run eval:skills`: measures the skill normaliser on the labelled set in eval/labelled.json and prints
 * precision, recall and every miss. Exits with status 1 when precision falls below the acceptance bar.
 */
const PRECISION_BAR = 0.9;

const vocabulary = loadVocabulary();
const evaluation = evaluate((labels) => vocabulary.normalize(labels), readLabelledSet());
console.log(formatEvaluation(evaluation));
if (evaluation.precision < PRECISION_BAR) {
  console.error(`precision ${evaluation.precision.toFixed(3)} is below ${PRECISION_BAR}`);
  process.exit(1);
}
