import { operationFromDocument, type Schema } from '@apollo/federation-internals';
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { PlanNode, QueryPlan, QueryPlanner } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { GraphQLError, getVariableValues } from './graphqlRuntime.js';
import { type PlanRun, runNode } from './planRun.js';
import {
  type ConditionValues,
  compileResponseShape,
  conditionVariables,
  type ResponseShape,
} from './responseShape.js';

/*
 * credgraph's executor for the query planner's plans. @apollo/gateway's executor rebuilds the operation as
 * federation objects on every request and then walks the whole answer once more to shape it; this one keeps, per
 * operation, the plan and a precompiled shaping of the answer (responseShape.ts), so that a request costs the
 * fetches, the merging of their answers and one pass that builds the client's answer. It takes the operations
 * whose plans it fully covers (fetches, sequences, parallels, flattens, conditions; no rewrites, no
 * introspection, no subscriptions) and hands every other one to Apollo's executor, unchanged.
 */

/** The parts of ApolloGateway this executor reads. They are private in its types, public at run time. */
interface GatewayInternals {
  apiSchema?: Schema;
  schema?: GraphQLSchema;
  supergraphSchema?: GraphQLSchema;
  queryPlanner?: QueryPlanner;
  serviceMap: Record<string, { dataSource: GraphQLDataSource }>;
}

type Executor = (requestContext: GatewayGraphQLRequestContext) => Promise<GatewayExecutionResult>;

/** An operation this executor runs itself. */
interface PreparedOperation {
  node: PlanNode | undefined;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  conditionNames: readonly string[];
  /** Shapes by the values of the condition variables ('' without any). */
  shapes: Map<string, ResponseShape>;
}

/** What is known for one supergraph: prepared operations (or `null`: left to Apollo) and the data sources. */
interface SchemaState {
  apiSchema: Schema;
  schema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  queryPlanner: QueryPlanner;
  services: Readonly<Record<string, GraphQLDataSource>>;
  prepared: Map<string, { operation: PreparedOperation | null; weight: number }>;
  /** The sum of the prepared entries' weights (characters of query text and plan, roughly). */
  preparedWeight: number;
}

/** How much prepared operations may weigh (see planWeight), as Apollo bounds its plan store at 30 MiB. */
const PREPARED_BUDGET = 30 * 1024 * 1024;
/** More condition variables than this would mean too many shapes to keep: such operations go to Apollo. */
const CONDITION_VARIABLE_LIMIT = 6;

/** Which executor ran an operation: this one, or Apollo's for one this one does not cover. */
export type ExecutorName = 'credgraph' | 'apollo';

/**
 * Wraps an ApolloGateway for Apollo Server: same schema loading, updates and shutdown, with this module's
 * executor in front of Apollo's.
 */
export function withPlanExecutor(
  gateway: ApolloGateway,
  options: {
    /** Told which executor ran each operation. */
    onExecuted?: (executor: ExecutorName) => void;
    /** False hands every operation to Apollo's executor (to compare, or to rule this one out). Default true. */
    enabled?: boolean;
  } = {},
): GatewayInterface {
  const onExecuted = options.onExecuted ?? (() => {});
  const enabled = options.enabled ?? true;
  const internals = gateway as unknown as GatewayInternals;
  let state: SchemaState | null = null;

  const currentState = (): SchemaState | null => {
    const { apiSchema, schema, supergraphSchema, queryPlanner } = internals;
    if (!apiSchema || !schema || !supergraphSchema || !queryPlanner) return null;
    if (state?.apiSchema !== apiSchema || state.queryPlanner !== queryPlanner) {
      const services: Record<string, GraphQLDataSource> = Object.create(null);
      for (const [name, { dataSource }] of Object.entries(internals.serviceMap)) services[name] = dataSource;
      state = {
        apiSchema,
        schema,
        supergraphSchema,
        queryPlanner,
        services,
        prepared: new Map(),
        preparedWeight: 0,
      };
    }
    return state;
  };

  const ownExecutor = (apolloExecutor: Executor): Executor => {
    return async (requestContext) => {
      const current = enabled ? currentState() : null;
      const prepared = current ? preparedFor(current, requestContext) : null;
      if (!current || !prepared) {
        onExecuted('apollo');
        return apolloExecutor(requestContext);
      }
      const variables = requestContext.request.variables ?? {};
      let conditions: ConditionValues = NO_CONDITIONS;
      const definitions = prepared.operation.variableDefinitions;
      if (definitions && definitions.length > 0) {
        const coerced = getVariableValues(current.schema, definitions, variables);
        if (coerced.errors) {
          onExecuted('credgraph');
          return { errors: coerced.errors };
        }
        if (prepared.conditionNames.length > 0) {
          conditions = new Map(prepared.conditionNames.map((name) => [name, coerced.coerced[name] === true]));
        }
      }
      const shape = shapeFor(current, prepared, conditions);
      if (!shape) {
        onExecuted('apollo');
        return apolloExecutor(requestContext);
      }
      onExecuted('credgraph');
      const run: PlanRun = {
        services: current.services,
        supergraphSchema: current.supergraphSchema,
        requestContext,
        variables,
        conditions,
        data: {},
        errors: [],
      };
      if (prepared.node) await runNode(run, prepared.node, []);
      let shaped: ReturnType<ResponseShape['shape']>;
      try {
        shaped = shape.shape(run.data);
      } catch (error) {
        // A shape that cannot handle what the subgraphs sent: the request fails, as Apollo's would.
        if (error instanceof GraphQLError) return { errors: [error] };
        return { errors: [new GraphQLError((error as Error).message, { originalError: error as Error })] };
      }
      const { data, errors: shapeErrors } = shaped;
      if (run.errors.length > 0) return { errors: run.errors as GatewayExecutionResult['errors'], data };
      // As with Apollo: errors found while shaping are reported on their own only when no fetch failed.
      if (shapeErrors.length > 0) return { extensions: { valueCompletion: shapeErrors }, data };
      return { data };
    };
  };

  return {
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: ownExecutor(loaded.executor as Executor) };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
  };
}

const NO_CONDITIONS: ConditionValues = new Map();

function preparedFor(
  state: SchemaState,
  requestContext: GatewayGraphQLRequestContext,
): PreparedOperation | null {
  const { queryHash, document, request } = requestContext;
  const operationName = request.operationName ?? '';
  const key = `${queryHash}\u0000${operationName}`;
  const known = state.prepared.get(key);
  if (known) {
    // Least recently used goes first: a Map iterates in insertion order.
    state.prepared.delete(key);
    state.prepared.set(key, known);
    return known.operation;
  }
  let prepared: PreparedOperation | null;
  try {
    prepared = prepare(state, document, request.operationName ?? undefined);
  } catch {
    prepared = null;
  }
  const weight = (requestContext.source?.length ?? 0) + (prepared ? planWeight(prepared.node) : 0) + 1_000;
  state.prepared.set(key, { operation: prepared, weight });
  state.preparedWeight += weight;
  for (const [oldest, entry] of state.prepared) {
    if (state.preparedWeight <= PREPARED_BUDGET || oldest === key) break;
    state.prepared.delete(oldest);
    state.preparedWeight -= entry.weight;
  }
  return prepared;
}

/** Roughly what a plan holds: the text of its subgraph operations. */
function planWeight(node: PlanNode | undefined): number {
  if (!node) return 0;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.reduce((sum, child) => sum + planWeight(child), 0);
    case 'Flatten':
      return planWeight(node.node);
    case 'Condition':
      return planWeight(node.ifClause) + planWeight(node.elseClause);
    case 'Fetch':
      return node.operation.length * 4;
    default:
      return 0;
  }
}

/** The operation's plan and what its answer needs, or null when Apollo's executor must run it. */
function prepare(
  state: SchemaState,
  document: DocumentNode,
  operationName: string | undefined,
): PreparedOperation | null {
  const operations = document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((definition) => definition.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation || operation.operation === 'subscription') return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  if (!selectsOnlyOrdinaryFields(operation, fragments)) return null;
  const conditionNames = conditionVariables(operation, fragments);
  if (conditionNames.length > CONDITION_VARIABLE_LIMIT) return null;
  const plan: QueryPlan = state.queryPlanner.buildQueryPlan(
    operationFromDocument(state.apiSchema, document, { operationName }),
  );
  const node = plan.node as PlanNode | undefined;
  if (node && !isCoveredNode(node)) return null;
  if (node && !conditionsOf(node).every((name) => conditionNames.includes(name))) return null;
  return { node, operation, fragments, conditionNames, shapes: new Map() };
}

function shapeFor(
  state: SchemaState,
  prepared: PreparedOperation,
  conditions: ConditionValues,
): ResponseShape | null {
  let key = '';
  for (const name of prepared.conditionNames) key += conditions.get(name) ? '1' : '0';
  let shape = prepared.shapes.get(key);
  if (!shape) {
    try {
      shape = compileResponseShape(state.schema, prepared.operation, prepared.fragments, conditions);
    } catch {
      return null;
    }
    prepared.shapes.set(key, shape);
  }
  return shape;
}

/** No introspection (Apollo answers it from the schema) and no response key that would name an object's
 * prototype. */
function selectsOnlyOrdinaryFields(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): boolean {
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') return false;
        if ((selection.alias?.value ?? name) === '__proto__') return false;
        return !selection.selectionSet || visit(selection.selectionSet.selections);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
      return true;
    });
  return (
    visit(operation.selectionSet.selections) &&
    [...fragments.values()].every((f) => visit(f.selectionSet.selections))
  );
}

/** Whether every node of the plan is one planRun.ts runs as Apollo would. */
function isCoveredNode(node: PlanNode | { kind: string }): boolean {
  const plan = node as PlanNode;
  switch (plan.kind) {
    case 'Sequence':
    case 'Parallel':
      return plan.nodes.every(isCoveredNode);
    case 'Flatten':
      return plan.path.every((step) => typeof step === 'string') && isCoveredNode(plan.node);
    case 'Condition':
      return (
        (!plan.ifClause || isCoveredNode(plan.ifClause)) &&
        (!plan.elseClause || isCoveredNode(plan.elseClause))
      );
    case 'Fetch':
      return !plan.inputRewrites?.length && !plan.outputRewrites?.length && !plan.contextRewrites?.length;
    default:
      return false;
  }
}

/** The variables the plan's condition nodes read. */
function conditionsOf(node: PlanNode): string[] {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(conditionsOf);
    case 'Flatten':
      return conditionsOf(node.node);
    case 'Condition':
      return [
        node.condition,
        ...(node.ifClause ? conditionsOf(node.ifClause) : []),
        ...(node.elseClause ? conditionsOf(node.elseClause) : []),
      ];
    default:
      return [];
  }
}
