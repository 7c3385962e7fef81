import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import type { GatewayErrorCode } from './errors.js';

/** What the gateway accepts in one request. Every limit answers HTTP 400 with its own stable code. */
export interface RequestLimits {
  /** Deepest field nesting (introspection's `__schema` subtree aside). Default 12. */
  maxDepth: number;
  /** Aliases in one operation, fragments included. Default 30. */
  maxAliases: number;
  /** Fields at the root of one operation, fragments included. Default 20. */
  maxRootFields: number;
  /** Directives in one operation. Default 50. */
  maxDirectives: number;
  /** GraphQL tokens in one document; parsing stops beyond. Default 5000. */
  maxTokens: number;
  /** Estimated cost: each field counts once per item of every list above it. Default 50 000. */
  maxCost: number;
  /** The list size assumed for a list field without a `first`/`last`/`limit` argument. Default 10. */
  defaultListSize: number;
  /** Operations in one batched (array) request; 0 turns batching off. Default 0. */
  maxBatch: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 50,
  maxTokens: 5_000,
  maxCost: 50_000,
  defaultListSize: 10,
  maxBatch: 0,
};

/** A request over one of the gateway's limits; its code survives Apollo's validation-error wrapping. */
export class RequestLimitError extends GraphQLError {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message, { extensions: { code, http: { status: 400 } } });
  }
}

/**
 * GraphQL Armor's depth, alias and directive limits as validation rules (run once per distinct document, then
 * cached with it), and its field-suggestion masking in production. Armor's cost limit does not weigh list
 * sizes and its token limit parses every document twice, so those two are ours: see {@link operationLimitsPlugin}
 * and Apollo's `parseOptions.maxTokens`.
 */
export function armorProtection(
  limits: RequestLimits,
  production: boolean,
): { plugins: ApolloServerPlugin<BaseContext>[]; validationRules: ValidationRule[] } {
  const reject = (code: GatewayErrorCode) => [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new RequestLimitError(code, error.message.replace(/^Syntax Error: /, ''))),
  ];
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, onReject: reject('QUERY_TOO_DEEP'), propagateOnRejection: false },
    // Aliases of __typename count too (Armor exempts them by default): they still make the answer grow.
    maxAliases: {
      n: limits.maxAliases,
      allowList: [],
      onReject: reject('TOO_MANY_ALIASES'),
      propagateOnRejection: false,
    },
    maxDirectives: {
      n: limits.maxDirectives,
      onReject: reject('TOO_MANY_DIRECTIVES'),
      propagateOnRejection: false,
    },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return { plugins: plugins as ApolloServerPlugin<BaseContext>[], validationRules };
}

/**
 * Root-field and cost limits, checked once the operation is known. They need the request's variables
 * (`first: $n`), so they run per request rather than with the cached validation.
 */
export function operationLimitsPlugin(limits: RequestLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) throw unresolvedOperation(document, request.operationName);
          const root =
            operation.operation === 'mutation'
              ? schema.getMutationType()
              : operation.operation === 'subscription'
                ? schema.getSubscriptionType()
                : schema.getQueryType();
          if (!root) {
            throw new GraphQLError(`This API has no ${operation.operation} operations.`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION)
              fragments.set(definition.name.value, definition);
          }
          const rootFields = countRootFields(operation.selectionSet, fragments, new Set());
          if (rootFields > limits.maxRootFields) {
            throw new RequestLimitError(
              'TOO_MANY_ROOT_FIELDS',
              `Root field limit of ${limits.maxRootFields} exceeded, found ${rootFields}.`,
            );
          }
          const cost = estimateCost(
            schema,
            operation,
            fragments,
            request.variables ?? {},
            limits.defaultListSize,
          );
          if (cost > limits.maxCost) {
            throw new RequestLimitError(
              'QUERY_TOO_COMPLEX',
              `Estimated cost ${cost} is over the limit of ${limits.maxCost}: ask for smaller pages (first) or fewer nested lists.`,
            );
          }
        },
      };
    },
  };
}

/**
 * The document has no operation to run under the name asked for. Apollo leaves this to the executor, which
 * in a gateway fails it as a 500; it is the client's mistake, so it is a 400 with Apollo's own code.
 */
function unresolvedOperation(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const names = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const message =
    operationName !== undefined && operationName !== null
      ? `Unknown operation named "${String(operationName).slice(0, 100)}".`
      : names.length > 1
        ? 'Must provide operation name if query contains multiple operations.'
        : 'The document contains no operation to run.';
  return new GraphQLError(message, {
    extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
  });
}

function countRootFields(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countRootFields(selection.selectionSet, fragments, visiting);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || visiting.has(fragment.name.value)) continue;
      visiting.add(fragment.name.value);
      count += countRootFields(fragment.selectionSet, fragments, visiting);
      visiting.delete(fragment.name.value);
    }
  }
  return count;
}

const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit', 'take', 'top', 'pageSize', 'perPage']);

/**
 * The estimated cost of an operation: every field counts once for each item of every list above it. A list's
 * size is its field's `first`/`last`/`limit` argument, or that of the connection field just above it (Relay's
 * `credentials(first: 50) { edges … }`), or else `defaultListSize`. Fragments are costed once per type and
 * page size, so a fragment fan-out costs linear time to estimate however large its expansion.
 */
export function estimateCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  defaultListSize: number,
): number {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      values[definition.variable.name.value] = intValue(definition.defaultValue, {});
  }
  Object.assign(values, variables);

  // The page size a field asks for: its size argument as given, or as the schema defaults it.
  const sizeOf = (field: FieldNode, definition: FieldShape | undefined): number | null => {
    for (const argument of field.arguments ?? []) {
      if (!SIZE_ARGUMENTS.has(argument.name.value)) continue;
      const value = intValue(argument.value, values);
      if (value !== null) return Math.max(0, value);
    }
    for (const argument of definition?.args ?? []) {
      if (SIZE_ARGUMENTS.has(argument.name) && typeof argument.defaultValue === 'number') {
        return Math.max(0, argument.defaultValue);
      }
    }
    return null;
  };

  // The cost of one evaluation of a selection set on `parentType`; `pageSize` comes from the field above.
  const unitCost = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | undefined,
    pageSize: number | null,
  ): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const definition = fieldDefinition(schema, parentType, name);
        const type = definition?.type;
        cost += 1;
        if (!selection.selectionSet) continue;
        const ownSize = sizeOf(selection, definition);
        const listSize = type && isList(type) ? (ownSize ?? pageSize ?? defaultListSize) : 1;
        const childPageSize = type && isList(type) ? null : ownSize;
        cost += listSize * unitCost(selection.selectionSet, type && namedType(type), childPageSize);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeCondition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parentType;
        cost += unitCost(selection.selectionSet, typeCondition ?? parentType, pageSize);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        const key = `${fragment.name.value}\u0000${pageSize}`;
        let fragmentCost = memo.get(key);
        if (fragmentCost === undefined) {
          visiting.add(fragment.name.value);
          fragmentCost = unitCost(
            fragment.selectionSet,
            schema.getType(fragment.typeCondition.name.value) ?? parentType,
            pageSize,
          );
          visiting.delete(fragment.name.value);
          memo.set(key, fragmentCost);
        }
        cost += fragmentCost;
      }
    }
    return cost;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  return unitCost(operation.selectionSet, root ?? undefined, null);
}

/** The parts of a field definition the estimate reads. */
interface FieldShape {
  type: GraphQLOutputType;
  args: ReadonlyArray<{ name: string; defaultValue?: unknown }>;
}

// Schema objects are inspected by shape, not with graphql-js's instanceof-based predicates: the schema comes
// from Apollo's copy of graphql, which under some module loaders (vitest's) is not the copy imported here.
function fieldDefinition(
  schema: GraphQLSchema,
  parentType: GraphQLNamedType | undefined,
  name: string,
): FieldShape | undefined {
  if (name === '__schema' || name === '__type') {
    const type = schema.getType(name === '__schema' ? '__Schema' : '__Type') as GraphQLOutputType | undefined;
    return type ? { type, args: [] } : undefined;
  }
  if (!parentType || !('getFields' in parentType)) return undefined;
  return (parentType.getFields() as Record<string, FieldShape | undefined>)[name];
}

function isList(type: GraphQLOutputType): boolean {
  return String(type).replace(/!$/, '').startsWith('[');
}

function namedType(type: GraphQLOutputType): GraphQLNamedType {
  let current: unknown = type;
  while (typeof current === 'object' && current !== null && 'ofType' in current) {
    current = (current as { ofType: unknown }).ofType;
  }
  return current as GraphQLNamedType;
}

function intValue(value: ValueNode, variables: Record<string, unknown>): number | null {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'number' && Number.isFinite(given) ? Math.trunc(given) : null;
  }
  return null;
}
