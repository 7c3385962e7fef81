import type { MatchingSet } from './search.js';

export interface FacetCount {
  value: string;
  count: number;
}

/** Buckets for range facets: each is [value, SQL condition on c.*]. Together they partition the matches. */
const DURATION_BUCKETS: Array<[string, string]> = [
  ['UNDER_10_HOURS', 'c.estimated_hours < 10'],
  ['10_TO_40_HOURS', 'c.estimated_hours >= 10 AND c.estimated_hours < 40'],
  ['40_TO_120_HOURS', 'c.estimated_hours >= 40 AND c.estimated_hours < 120'],
  ['120_HOURS_OR_MORE', 'c.estimated_hours >= 120'],
  ['UNKNOWN', 'c.estimated_hours IS NULL'],
];

const costBuckets = (currency: string): Array<[string, string]> => [
  ['FREE', `c.cost_currency = '${currency}' AND c.cost_amount = 0`],
  ['UNDER_100', `c.cost_currency = '${currency}' AND c.cost_amount > 0 AND c.cost_amount < 100`],
  ['100_TO_500', `c.cost_currency = '${currency}' AND c.cost_amount >= 100 AND c.cost_amount < 500`],
  ['500_TO_1000', `c.cost_currency = '${currency}' AND c.cost_amount >= 500 AND c.cost_amount < 1000`],
  ['1000_OR_MORE', `c.cost_currency = '${currency}' AND c.cost_amount >= 1000`],
  ['OTHER_CURRENCY', `c.cost_amount IS NOT NULL AND c.cost_currency <> '${currency}'`],
  ['UNKNOWN', 'c.cost_amount IS NULL'],
];

/** Counts of the matches by a column of the credential row; missing values count under UNKNOWN. */
export function columnFacet(set: MatchingSet, column: string, limit?: number): FacetCount[] {
  return set.store.db
    .prepare(
      `SELECT COALESCE(${column}, 'UNKNOWN') AS value, count(*) AS count FROM ${set.from} ${set.where}
       GROUP BY 1 ORDER BY count DESC, value ${limit ? 'LIMIT ?' : ''}`,
    )
    .all(...set.params, ...(limit ? [limit] : [])) as FacetCount[];
}

/** Counts of the matches by a list-valued field kept in a side table (a credential may count in several). */
export function sideTableFacet(
  set: MatchingSet,
  table: string,
  column: string,
  limit?: number,
): FacetCount[] {
  return set.store.db
    .prepare(
      `SELECT t.${column} AS value, count(*) AS count FROM ${set.from}
       JOIN ${table} t ON t.credential_id = c.id ${set.where}
       GROUP BY t.${column} ORDER BY count DESC, value ${limit ? 'LIMIT ?' : ''}`,
    )
    .all(...set.params, ...(limit ? [limit] : [])) as FacetCount[];
}

/** Counts of the matches in range buckets; empty buckets are listed too so a UI can show the full scale. */
export function bucketFacet(set: MatchingSet, buckets: Array<[string, string]>): FacetCount[] {
  const sums = buckets.map(
    ([value, condition]) => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END) AS "${value}"`,
  );
  const row = set.store.db
    .prepare(`SELECT ${sums.join(', ')} FROM ${set.from} ${set.where}`)
    .get(...set.params) as Record<string, number | null>;
  return buckets.map(([value]) => ({ value, count: row[value] ?? 0 }));
}

export const durationFacet = (set: MatchingSet) => bucketFacet(set, DURATION_BUCKETS);
export const costFacet = (set: MatchingSet) => bucketFacet(set, costBuckets(set.currency));

/** Counts of the matches by skill: one primary key per skill (canonical id, else the label), with its name. */
export function skillFacet(set: MatchingSet, limit: number): Array<FacetCount & { label: string }> {
  return set.store.db
    .prepare(
      `SELECT t.skill_key AS value, max(t.primary_name) AS label, count(*) AS count FROM ${set.from}
       JOIN credential_skills t ON t.credential_id = c.id AND t.primary_name IS NOT NULL ${set.where}
       GROUP BY t.skill_key ORDER BY count DESC, value LIMIT ?`,
    )
    .all(...set.params, limit) as Array<FacetCount & { label: string }>;
}
