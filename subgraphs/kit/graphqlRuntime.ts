import { createRequire } from 'node:module';

/**
 * graphql-js's functions, from the copy @apollo/subgraph uses. graphql ships a CommonJS build (index.js) and an
 * ES module build (index.mjs): Node loads the CommonJS one for `import 'graphql'`, but Vite-based runners
 * (vitest) load the ES one for our sources, and graphql-js refuses a schema built by the other copy. Subgraph
 * schemas come from @apollo/subgraph, which requires the CommonJS build, so whatever executes or inspects them
 * requires it too, here. Types can come from 'graphql' as usual.
 */
const graphql: typeof import('graphql') = createRequire(import.meta.url)('graphql');

export const {
  execute,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  isObjectType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} = graphql;
export type GraphQLError = import('graphql').GraphQLError;

const jit: typeof import('graphql-jit') = createRequire(import.meta.url)('graphql-jit');
export const { compileQuery, isCompiledQuery } = jit;
export type CompiledQuery = import('graphql-jit').CompiledQuery;
