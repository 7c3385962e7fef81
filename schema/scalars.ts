import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isIsoDuration } from './duration.js';
import { CURRENCY_CODE } from './records.js';

/** A string scalar whose values must pass `isValid`; bad input is a BAD_USER_INPUT error naming the scalar. */
function stringScalar(
  name: string,
  description: string,
  isValid: (value: string) => boolean,
  expected: string,
) {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !isValid(value)) {
      throw new GraphQLError(`${name} must be ${expected}; got ${JSON.stringify(value)}`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: check,
    parseValue: check,
    parseLiteral: (ast: ValueNode) => check(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

export const DurationScalar = stringScalar(
  'Duration',
  'An ISO 8601 duration, e.g. "PT40H" or "P3M".',
  isIsoDuration,
  'an ISO 8601 duration such as "PT40H"',
);

export const DateTimeScalar = stringScalar(
  'DateTime',
  'An ISO 8601 date-time, e.g. "2026-01-31T12:00:00Z".',
  (value) =>
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)),
  'an ISO 8601 date-time such as "2026-01-31T12:00:00Z"',
);

export const CurrencyCodeScalar = stringScalar(
  'CurrencyCode',
  'An ISO 4217 alphabetic currency code, e.g. "USD".',
  (value) => CURRENCY_CODE.test(value),
  'an ISO 4217 code such as "USD"',
);

export const URLScalar = stringScalar(
  'URL',
  'An absolute http(s) URL.',
  (value) => /^https?:\/\/\S+$/.test(value),
  'an absolute http(s) URL',
);

/** Resolvers for every scalar the common SDL declares. */
export const scalarResolvers = {
  Duration: DurationScalar,
  DateTime: DateTimeScalar,
  CurrencyCode: CurrencyCodeScalar,
  URL: URLScalar,
};
