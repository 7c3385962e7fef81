import { expect } from 'vitest';
import { type CredentialRecord, durationToHours } from '../../schema/index.js';
import type { CurrencyRates } from '../../subgraphs/catalog/currency.js';
import { type GraphQLResult, graphql } from '../fixtures/http.js';

export const SEARCH = /* GraphQL */ `
  query Search($query: String, $filter: CredentialFilter, $sort: CredentialSort, $first: Int, $after: String) {
    credentials(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges { cursor node { id name } highlights { name description } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export interface Page {
  credentials: {
    totalCount: number;
    edges: Array<{
      cursor: string;
      node: { id: string; name: string };
      highlights: { name: string; description: string | null } | null;
    }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Walks every page; returns the ids in the order served and every totalCount reported. */
export async function walk(
  url: string,
  variables: Record<string, unknown>,
  pageSize = 13,
  betweenPages?: () => Promise<void>,
) {
  const ids: string[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const result: GraphQLResult<Page> = await graphql<Page>(url, SEARCH, {
      ...variables,
      first: pageSize,
      after,
    });
    expect(result.errors).toBeUndefined();
    const connection: Page['credentials'] = result.data!.credentials;
    totals.push(connection.totalCount);
    ids.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
    await betweenPages?.();
  }
  return { ids, totals };
}

export const hours = (record: CredentialRecord) =>
  record.estimatedDuration ? durationToHours(record.estimatedDuration) : null;

/** The price in US dollars as the catalog's rate table makes it: null without a price or a known rate. */
export function baseCost(record: CredentialRecord, rates: CurrencyRates): number | null {
  if (!record.cost) return null;
  if (record.cost.amount === 0) return 0;
  const rate = rates.rate(record.cost.currency);
  return rate === null ? null : record.cost.amount * rate;
}

/** Whether a record costs at most `max` in `currency`, comparing like with like as the catalog documents. */
export function costsAtMost(record: CredentialRecord, max: number, currency: string, rates: CurrencyRates) {
  if (!record.cost) return false;
  if (record.cost.currency === currency) return record.cost.amount <= max;
  const base = baseCost(record, rates);
  const rate = rates.rate(currency);
  if (rate === null) return record.cost.amount === 0;
  return base !== null && base <= max * rate;
}

/** A word-prefix test per query word, written independently of the catalog's analyzer. */
export type TextTest = RegExp[];

const fieldTexts = (record: CredentialRecord) => ({
  name: record.name,
  skills: record.skills.map((skill) => skill.label).join(' | '),
  issuer: record.issuer.name,
  description: record.description ?? '',
});

export const matchesText = (record: CredentialRecord, test: TextTest) => {
  const all = Object.values(fieldTexts(record)).join(' | ');
  return test.every((word) => word.test(all));
};

/** The documented relevance: 4 when every word is in the name, 2 in the skills, 1 in the issuer's name. */
export function relevance(record: CredentialRecord, test: TextTest): number {
  const fields = fieldTexts(record);
  const all = (text: string) => test.every((word) => word.test(text));
  return (all(fields.name) ? 4 : 0) + (all(fields.skills) ? 2 : 0) + (all(fields.issuer) ? 1 : 0);
}

type Key = number | string;
const compareKeys = (a: Key[], b: Key[]) => {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
};

/** The order the catalog documents for a sort, computed from upstream data. */
export function expectedOrder(
  records: CredentialRecord[],
  sort: { field: string; direction?: string } | undefined,
  text: TextTest | null,
  rates: CurrencyRates,
): string[] {
  const field = sort?.field ?? 'RELEVANCE';
  const desc = sort?.direction === 'DESC' && field !== 'RELEVANCE';
  const missing = desc ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const keyOf = (record: CredentialRecord): Key[] => {
    const name = record.name.toLowerCase();
    switch (field) {
      case 'RELEVANCE':
        return text ? [7 - relevance(record, text), name, record.id] : [name, record.id];
      case 'NAME':
        return [name, record.id];
      case 'COST':
        return [baseCost(record, rates) ?? missing, record.id];
      case 'DURATION':
        return [hours(record) ?? missing, record.id];
      default:
        return [record.updatedAt, record.id];
    }
  };
  const keyed = records.map((record) => ({ id: record.id, key: keyOf(record) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key) * (desc ? -1 : 1));
  return keyed.map((entry) => entry.id);
}
