import { createRequire } from 'node:module';

/**
 * graphql-js, from the copy @apollo/gateway uses. graphql ships a CommonJS build and an ES module build: Node
 * loads the CommonJS one for `import 'graphql'`, but vitest loads the ES one for our sources, and graphql-js
 * refuses a schema built by the other copy. The schemas this executor reads come from @apollo/gateway, which
 * requires the CommonJS build, so the functions that inspect them are required here too (as the provider kit
 * does in its own graphqlRuntime.ts). Types can come from 'graphql' as usual.
 */
const graphql: typeof import('graphql') = createRequire(import.meta.url)('graphql');
const values: typeof import('graphql/execution/values.js') = createRequire(import.meta.url)(
  'graphql/execution/values.js',
);

export const {
  GraphQLBoolean,
  GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} = graphql;
export const { getVariableValues } = values;
