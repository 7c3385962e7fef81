import type { CurrencyRates } from './currency.js';
import type { SqlValue } from './sqlDatabase.js';
import { MISSING_LAST_ASC, MISSING_LAST_DESC } from './sqlSchema.js';
import type { BucketFacet, MatchSpec, PageRequest, SingleValuedFacet } from './store.js';
import type { SqlFragment, TextIndexDialect } from './textIndex.js';

/**
 * The SQL of search, shared by both backends: it only differs in how text is matched (TextIndexDialect).
 * Every statement reads the credential row as `c`.
 */

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** The WHERE clause of a search (text AND every filter), or an always-true one. */
export function matchWhere(match: MatchSpec, text: TextIndexDialect, rates: CurrencyRates): SqlFragment {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, values: SqlValue[]) => {
    clauses.push(sql);
    params.push(...values);
  };
  const inList = (column: string, values: readonly string[]) => {
    if (values.length) add(`${column} IN (${placeholders(values)})`, [...values]);
  };
  const inSideTable = (table: string, column: string, values: readonly string[]) => {
    if (values.length) {
      add(`c.doc IN (SELECT t.doc FROM ${table} t WHERE t.${column} IN (${placeholders(values)}))`, [
        ...values,
      ]);
    }
  };
  const { filter } = match;
  if (match.text) {
    const fragment = text.match(match.text);
    add(fragment.sql, fragment.params);
  }
  inSideTable('credential_skills', 'skill_key', filter.skills);
  inSideTable('credential_sectors', 'sector', filter.sectors);
  inSideTable('credential_languages', 'language', filter.languages);
  inList('c.credential_type', filter.credentialTypes);
  inList('c.level', filter.levels);
  inList('c.issuer_id', filter.issuers);
  inList('c.provider', filter.providers);
  inList('c.delivery_mode', filter.deliveryModes);
  if (filter.maxDurationHours !== null) add('c.estimated_hours <= ?', [filter.maxDurationHours]);
  if (filter.maxCost) {
    const { amount, currency } = filter.maxCost;
    const rate = rates.rate(currency);
    // Like with like: a price in the filter's currency compares as it is, others through the rate table; a
    // price in a currency without a rate compares only when free.
    if (rate === null) {
      add('((c.cost_currency = ? AND c.cost_amount <= ?) OR c.cost_amount = 0)', [currency, amount]);
    } else {
      add('((c.cost_currency = ? AND c.cost_amount <= ?) OR (c.cost_currency <> ? AND c.cost_base <= ?))', [
        currency,
        amount,
        currency,
        amount * rate,
      ]);
    }
  }
  if (filter.updatedSince) add('c.updated_at >= ?', [filter.updatedSince]);
  return { sql: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}

export const isUnfiltered = (match: MatchSpec): boolean =>
  match.text === null &&
  Object.values(match.filter).every(
    (value) => value === null || (Array.isArray(value) && value.length === 0),
  );

/**
 * The keys a page is ordered by, all ascending or all descending so that a row-value comparison continues a page
 * (and an index serves it). Relevance is a pure function of the credential and the query — which of its name,
 * skills and issuer hold every query word — so it never shifts when other credentials come and go; ties go by
 * name. Each order ends with the id, which makes it total and every cursor exact.
 */
export function sortKeys(
  request: PageRequest,
  text: TextIndexDialect,
): { keys: SqlFragment[]; desc: boolean } {
  const { field, direction } = request.sort;
  const desc = direction === 'DESC';
  const query = request.match.text;
  if (field === 'RELEVANCE') {
    if (!query) return { keys: [{ sql: 'c.name_key', params: [] }], desc: false };
    const name = text.match(query, 'name');
    const skills = text.match(query, 'skills');
    const issuer = text.match(query, 'issuer');
    return {
      keys: [
        {
          // 7 - score, so that the best match (score 7: every word in the name, skills and issuer) comes first.
          sql: `(7 - (CASE WHEN ${name.sql} THEN 4 ELSE 0 END + CASE WHEN ${skills.sql} THEN 2 ELSE 0 END + CASE WHEN ${issuer.sql} THEN 1 ELSE 0 END))`,
          params: [...name.params, ...skills.params, ...issuer.params],
        },
        { sql: 'c.name_key', params: [] },
      ],
      desc: false,
    };
  }
  const missing = desc ? MISSING_LAST_DESC : MISSING_LAST_ASC;
  const column = {
    NAME: 'c.name_key',
    COST: `COALESCE(c.cost_base, ${missing})`,
    DURATION: `COALESCE(c.estimated_hours, ${missing})`,
    UPDATED_AT: 'c.updated_at',
  }[field];
  return { keys: [{ sql: column, params: [] }], desc };
}

/**
 * The ascending orders the memory index keeps, as the sort indexes read them (see sqlSchema): it loads them from
 * here, and keeps them itself as credentials come and go.
 */
export const ORDER_SQL: Record<'name' | 'cost' | 'hours' | 'updated', string> = {
  name: 'c.name_key, c.id',
  cost: `COALESCE(c.cost_base, ${MISSING_LAST_ASC}), c.id`,
  hours: `COALESCE(c.estimated_hours, ${MISSING_LAST_ASC}), c.id`,
  updated: 'c.updated_at, c.id',
};

/** One page: the ids and sort keys of up to `limit` matches after the cursor. */
export function pageSql(
  request: PageRequest,
  text: TextIndexDialect,
  rates: CurrencyRates,
): { sql: string; params: SqlValue[] } {
  const where = matchWhere(request.match, text, rates);
  const { keys, desc } = sortKeys(request, text);
  const keyNames = keys.map((_, index) => `k${index}`);
  const select = keys.map((key, index) => `${key.sql} AS k${index}`).join(', ');
  const params: SqlValue[] = [...keys.flatMap((key) => key.params), ...where.params];
  let after = '';
  if (request.after) {
    after = `WHERE (${[...keyNames.map((name) => `m.${name}`), 'm.id'].join(', ')}) ${desc ? '<' : '>'} (${placeholders(request.after)})`;
    params.push(...request.after);
  }
  const order = [...keyNames.map((name) => `m.${name}`), 'm.id'].map((key) => `${key}${desc ? ' DESC' : ''}`);
  params.push(request.limit);
  return {
    sql: `SELECT m.id AS id, ${keyNames.map((name) => `m.${name} AS ${name}`).join(', ')}
          FROM (SELECT c.id AS id, ${select} FROM credentials c WHERE ${where.sql}) m
          ${after} ORDER BY ${order.join(', ')} LIMIT ?`,
    params,
  };
}

/** The credential column behind each single-valued facet. */
export const FACET_COLUMNS: Record<SingleValuedFacet, string> = {
  credentialTypes: 'c.credential_type',
  levels: 'c.level',
  providers: 'c.provider',
  deliveryModes: 'c.delivery_mode',
  issuers: 'c.issuer_id',
};

/** Range buckets: [value, SQL condition on c.*]. Each list partitions the matches. */
export function buckets(facet: BucketFacet, currency: string, rates: CurrencyRates): Array<[string, string]> {
  if (facet === 'durations') {
    return [
      ['UNDER_10_HOURS', 'c.estimated_hours < 10'],
      ['10_TO_40_HOURS', 'c.estimated_hours >= 10 AND c.estimated_hours < 40'],
      ['40_TO_120_HOURS', 'c.estimated_hours >= 40 AND c.estimated_hours < 120'],
      ['120_HOURS_OR_MORE', 'c.estimated_hours >= 120'],
      ['UNKNOWN', 'c.estimated_hours IS NULL'],
    ];
  }
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`not a currency code: ${currency}`);
  const rate = rates.rate(currency);
  // The price in the facet's currency: as stated when it is in that currency, converted otherwise, unknown when
  // it is in a currency the rate table lacks (then it counts under OTHER_CURRENCY).
  const amount = `(CASE WHEN c.cost_currency = '${currency}' THEN c.cost_amount WHEN c.cost_amount = 0 THEN 0 ${
    rate === null ? '' : `WHEN c.cost_base IS NOT NULL THEN c.cost_base / ${rate} `
  }END)`;
  return [
    ['FREE', 'c.cost_amount = 0'],
    ['UNDER_100', `${amount} > 0 AND ${amount} < 100`],
    ['100_TO_500', `${amount} >= 100 AND ${amount} < 500`],
    ['500_TO_1000', `${amount} >= 500 AND ${amount} < 1000`],
    ['1000_OR_MORE', `${amount} >= 1000`],
    ['OTHER_CURRENCY', `c.cost_amount IS NOT NULL AND ${amount} IS NULL`],
    ['UNKNOWN', 'c.cost_amount IS NULL'],
  ];
}
