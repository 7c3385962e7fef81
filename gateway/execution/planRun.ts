import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlanSelectionNode, ResponsePath } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { GraphQLError as GraphQLErrorType, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { GraphQLError } from './graphqlRuntime.js';
import { fragmentApplies } from './responseShape.js';

/*
 * Runs a query plan's fetches and merges what they return into one tree of data, for responseShape.ts to turn
 * into the client's answer. Same contract as @apollo/gateway's executor for the plans it is given (see
 * isCoveredNode in planExecutor.ts): entity fetches get their representations from the plan's `requires`, subgraph errors are
 * reported with the subgraph's name and with paths in the client's answer, and a failed fetch leaves the rest
 * of the plan to run.
 */

type DataObject = Record<string, unknown>;

export interface PlanRun {
  /** Subgraph data sources by the plan's service names. */
  services: Readonly<Record<string, GraphQLDataSource>>;
  supergraphSchema: GraphQLSchema;
  requestContext: GatewayGraphQLRequestContext;
  /** The client's variables, as sent (fetches pass them on as they came). */
  variables: Readonly<Record<string, unknown>>;
  /** The coerced values of the variables `@skip`/`@include` conditions read. */
  conditions: ReadonlyMap<string, boolean>;
  /** Where the fetches' answers are merged. */
  data: DataObject;
  /** Fetch errors, in the order they came. */
  errors: unknown[];
}

/** Runs `node` with the data at `path` (relative to the root data) as its starting point. */
export async function runNode(run: PlanRun, node: PlanNode, path: ResponsePath): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runNode(run, child, path);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runNode(run, child, path)));
      return;
    case 'Flatten':
      await runNode(run, node.node, path.length === 0 ? node.path : [...path, ...node.path]);
      return;
    case 'Fetch':
      try {
        await runFetch(run, node, path);
      } catch (error) {
        run.errors.push(error);
      }
      return;
    case 'Condition': {
      const branch = run.conditions.get(node.condition) === true ? node.ifClause : node.elseClause;
      if (branch) await runNode(run, branch, path);
      return;
    }
    case 'Defer':
      throw new Error('@defer is not supported by the gateway');
  }
}

/** The objects at `path` in the data: '@' steps into every element of a list; nulls and leaves are left out. */
function objectsAt(data: unknown, path: ResponsePath): DataObject[] {
  const objects: DataObject[] = [];
  walk(data, path, 0, null, (object) => {
    objects.push(object);
  });
  return objects;
}

/** The response path of each object `objectsAt` returns, in the same order. */
function pathsAt(data: unknown, path: ResponsePath): ResponsePath[] {
  const paths: ResponsePath[] = [];
  walk(data, path, 0, [], (_, at) => {
    paths.push(at!);
  });
  return paths;
}

/** Visits the objects at `path` from step `from`, with their response paths when `at` is given. */
function walk(
  data: unknown,
  path: ResponsePath,
  from: number,
  at: ResponsePath | null,
  visit: (object: DataObject, at: ResponsePath | null) => void,
): void {
  if (data === null || data === undefined) return;
  if (Array.isArray(data)) {
    // '@' and a field name both walk a list element by element (a field name then applies to each).
    const next = from < path.length && path[from] === '@' ? from + 1 : from;
    for (let index = 0; index < data.length; index++)
      walk(data[index], path, next, at && [...at, index], visit);
    return;
  }
  if (typeof data !== 'object') return;
  if (from === path.length) {
    visit(data as DataObject, at);
    return;
  }
  const step = path[from];
  if (typeof step !== 'string') return;
  walk(
    Object.hasOwn(data, step) ? (data as DataObject)[step] : undefined,
    path,
    from + 1,
    at && [...at, step],
    visit,
  );
}

async function runFetch(run: PlanRun, fetch: FetchNode, path: ResponsePath): Promise<void> {
  const service = run.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const targets = objectsAt(run.data, path);
  if (targets.length === 0) return;
  const variables: DataObject = {};
  for (const name of fetch.variableUsages ?? []) {
    if (Object.hasOwn(run.variables, name) && run.variables[name] !== undefined)
      variables[name] = run.variables[name];
  }

  if (!fetch.requires) {
    const data = await send(run, service, fetch, variables, path, null);
    if (data) for (const target of targets) mergeInto(target, data);
    return;
  }

  const representations: DataObject[] = [];
  const targetOfRepresentation: number[] = [];
  for (let index = 0; index < targets.length; index++) {
    const representation = select(run.supergraphSchema, targets[index]!, fetch.requires);
    if (representation?.__typename) {
      representations.push(representation);
      targetOfRepresentation.push(index);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  const data = await send(
    run,
    service,
    fetch,
    { ...variables, representations },
    path,
    targetOfRepresentation,
  );
  if (!data) return;
  const entities = data._entities;
  if (!Array.isArray(entities)) throw new Error('Expected "data._entities" in response to be an array');
  if (entities.length !== representations.length) {
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index] as DataObject | null;
    const target = targets[targetOfRepresentation[index]!]!;
    if (entity && !entity.__typename) entity.__typename = target.__typename;
    mergeInto(target, entity);
  }
}

/**
 * Sends one fetch and reports its errors, with paths in the client's answer: an entity fetch's
 * `_entities.<i>.…` becomes the path of the object representation i came from.
 */
async function send(
  run: PlanRun,
  service: GraphQLDataSource,
  fetch: FetchNode,
  variables: DataObject,
  path: ResponsePath,
  targetOfRepresentation: number[] | null,
): Promise<DataObject | null | undefined> {
  const response = await service.process({
    // Apollo's GraphQLDataSourceRequestKind.INCOMING_OPERATION: the enum is not exported.
    kind: 'incoming operation' as never,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: run.requestContext,
    context: run.requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: path,
  } as never);
  if (response.errors) {
    let targetPaths: ResponsePath[] | null = null;
    const pathOf = (errorPath: GraphQLFormattedError['path']): ResponsePath | undefined => {
      if (!errorPath) return undefined;
      if (targetOfRepresentation && typeof errorPath[1] === 'number') {
        targetPaths ??= pathsAt(run.data, path);
        const target = targetOfRepresentation[errorPath[1]];
        return [...((target !== undefined && targetPaths[target]) || []), ...errorPath.slice(2)];
      }
      return [...path, ...errorPath];
    };
    for (const error of response.errors)
      run.errors.push(downstreamError(error, fetch.serviceName, pathOf(error.path)));
  }
  return response.data as DataObject | null | undefined;
}

/** A subgraph's error as the client sees it: its message and extensions, the subgraph's name, a path in the
 * client's answer, and DOWNSTREAM_SERVICE_ERROR as its code when the subgraph gave none. */
function downstreamError(
  error: GraphQLFormattedError,
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLErrorType {
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: error as Error,
    ...(path ? { path } : {}),
    extensions: { ...error.extensions, serviceName },
  };
  const known = errorCodeDef(error);
  if (!known && error.extensions?.code) return new GraphQLError(message, options);
  return (known ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/** Merges a fetch's answer into the data: objects field by field, lists of equal length element by element. */
function mergeInto(target: DataObject, source: DataObject | null | undefined): void {
  if (source === null || source === undefined) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    if (existing && isPlainObject(value)) {
      mergeInto(existing as DataObject, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index++) {
        if (isPlainObject(existing[index]) && isPlainObject(value[index]))
          mergeInto(existing[index], value[index]);
        else existing[index] = value[index];
      }
    } else {
      defineValue(target, key, value);
    }
  }
}

function isPlainObject(value: unknown): value is DataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, even one named like an inherited one (`__proto__` from a subgraph's JSON included). */
function defineValue(target: DataObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The selected part of `source` (an entity's representation, per a fetch's `requires`), or null when a selected
 * field is missing from it. */
function select(
  schema: GraphQLSchema,
  source: DataObject | null,
  selections: readonly QueryPlanSelectionNode[],
): DataObject | null {
  if (source === null) return null;
  const result: DataObject = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const key = selection.alias ?? selection.name;
      if (!Object.hasOwn(source, key) || source[key] === undefined) return null;
      const value = source[key];
      const nested = selection.selections;
      if (Array.isArray(value)) {
        result[key] = value.map((element) =>
          nested ? select(schema, element as DataObject | null, nested) : element,
        );
      } else {
        result[key] = nested ? select(schema, value as DataObject | null, nested) : value;
      }
    } else if (selection.typeCondition && isOfType(schema, source, selection.typeCondition)) {
      mergeInto(result, select(schema, source, selection.selections));
    }
  }
  return result;
}

/** Whether an object (by its `__typename`) is of the type a fragment is conditioned on. */
function isOfType(schema: GraphQLSchema, object: DataObject, condition: string): boolean {
  const typename = object.__typename;
  if (typeof typename !== 'string' || typename === '') return false;
  if (typename === condition) return true;
  return fragmentApplies(schema, schema.getType(condition), schema.getType(typename));
}
