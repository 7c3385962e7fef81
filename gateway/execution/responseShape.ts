import { ERRORS } from '@apollo/federation-internals';
import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLLeafType,
  GraphQLNamedType,
  GraphQLOutputType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionNode,
  ValueNode,
} from 'graphql';
import { Kind } from 'graphql';
import {
  GraphQLBoolean,
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
} from './graphqlRuntime.js';

/*
 * Turns the data the plan's fetches gathered (subgraph answers merged together, with the fields the plan added
 * for its own use) into the client's answer: only the fields the operation selected, under their aliases, in its
 * order, each leaf checked against its type, and nulls propagated to the nearest nullable parent. The rules are
 * those @apollo/gateway applies after a plan (its `computeResponse`), so that either executor gives the same
 * answer; the difference is that the selections are worked out once per operation and runtime type, not walked
 * through on every request.
 */

/** A null that already has its error: a non-null parent must not report it again. */
const ERRORED_NULL = Symbol('errored null');
/** A null in a non-null position: the parent object or list becomes null in its turn. */
const INVALID = Symbol('invalid');
type Shaped = unknown;

/** The variables of an operation's `@skip`/`@include` conditions, and their values for one request. */
export type ConditionValues = ReadonlyMap<string, boolean>;

/** How to shape one operation for one combination of condition values. */
export interface ResponseShape {
  shape(data: Record<string, unknown>): { data: Record<string, unknown> | null; errors: GraphQLError[] };
}

interface ShapeContext {
  errors: GraphQLError[];
  path: Array<string | number>;
}

type ValueShaper = (input: unknown, context: ShapeContext, parentType: string) => Shaped;

interface FieldShaper {
  key: string;
  /** The response key names a property every object inherits (`constructor`…): read own properties only. */
  inheritedName: boolean;
  typename: boolean;
  shapeValue: ValueShaper;
}

/**
 * Compiles the shaping of `operation` against the API schema, for the given values of its condition variables.
 * @throws when the operation selects something the schema lacks (the caller then leaves it to Apollo).
 */
export function compileResponseShape(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  conditions: ConditionValues,
): ResponseShape {
  const compiler = new ShapeCompiler(schema, fragments, conditions);
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new Error(`the schema has no ${operation.operation} type`);
  const rootFields = compiler.fieldsFor(rootType, [operation.selectionSet.selections]);
  return {
    shape(data) {
      const context: ShapeContext = { errors: [], path: [] };
      const output = shapeObject(rootFields, data, context, rootType.name);
      return {
        data: output === ERRORED_NULL ? null : (output as Record<string, unknown>),
        errors: context.errors,
      };
    },
  };
}

/** The variables an operation's `@skip`/`@include` conditions read (literal conditions need none). */
export function conditionVariables(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string[] {
  const names = new Set<string>();
  const visited = new Set<string>();
  const visit = (selections: readonly SelectionNode[]) => {
    for (const selection of selections) {
      for (const directive of selection.directives ?? []) {
        if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
        const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
        if (condition?.kind === Kind.VARIABLE) names.add(condition.name.value);
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !visited.has(name)) {
          visited.add(name);
          visit(fragment.selectionSet.selections);
        }
      } else if (selection.selectionSet) {
        visit(selection.selectionSet.selections);
      }
    }
  };
  visit(operation.selectionSet.selections);
  return [...names];
}

/**
 * Whether a fragment on `condition` applies to an object of type `type`: the same type, or an abstract condition
 * that `type` belongs to. `type` may be abstract itself (a subgraph gave no `__typename`).
 */
export function fragmentApplies(
  schema: GraphQLSchema,
  condition: GraphQLNamedType | null | undefined,
  type: GraphQLNamedType | null | undefined,
): boolean {
  if (!condition || !type) return false;
  if (condition === type) return true;
  return (
    isAbstractType(condition) &&
    (isObjectType(type) || isInterfaceType(type)) &&
    schema.isSubType(condition, type)
  );
}

function shapeObject(
  fields: readonly FieldShaper[],
  input: Record<string, unknown>,
  context: ShapeContext,
  typeName: string,
): Shaped {
  const output: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.typename) {
      output[field.key] = typeName;
      continue;
    }
    const raw = field.inheritedName
      ? Object.hasOwn(input, field.key)
        ? input[field.key]
        : null
      : input[field.key];
    context.path.push(field.key);
    const value = field.shapeValue(raw ?? null, context, typeName);
    context.path.pop();
    if (value === INVALID) return ERRORED_NULL;
    output[field.key] = value === ERRORED_NULL ? null : value;
  }
  return output;
}

function invalidGraphQL(message: string, context: ShapeContext): GraphQLError {
  return ERRORS.INVALID_GRAPHQL.err(message, { path: [...context.path] });
}

function describeLast(context: ShapeContext, type: GraphQLNamedType | string, parentType: string): string {
  const last = context.path[context.path.length - 1];
  return typeof last === 'string'
    ? `field ${parentType}.${last}`
    : `array element of type ${String(type)} at index ${last}`;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** Whether a subgraph's leaf value is one the type allows (enum values as the API schema has them). */
function leafCheck(type: GraphQLLeafType): (value: unknown) => boolean {
  if (isEnumType(type)) return (value) => typeof value === 'string' && type.getValue(value) !== undefined;
  switch (type) {
    case GraphQLBoolean:
      return (value) => typeof value === 'boolean';
    case GraphQLInt:
      return (value) => typeof value === 'number' && Number.isFinite(value) && INTEGER.test(String(value));
    case GraphQLID:
      return (value) =>
        typeof value === 'string' ||
        (typeof value === 'number' && Number.isFinite(value) && INTEGER.test(String(value)));
    case GraphQLFloat:
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case GraphQLString:
      return (value) => typeof value === 'string';
    default:
      return () => true;
  }
}

class ShapeCompiler {
  /** Field shapers per runtime type, for each distinct list of selection sets merged under one response key. */
  private readonly compiled = new Map<readonly (readonly SelectionNode[])[], Map<string, FieldShaper[]>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly conditions: ConditionValues,
  ) {}

  /** The fields selected on an object of `runtimeType`, merged by response key, in the order they first appear. */
  fieldsFor(
    runtimeType: GraphQLCompositeType,
    selectionSets: readonly (readonly SelectionNode[])[],
  ): FieldShaper[] {
    let byType = this.compiled.get(selectionSets);
    if (!byType) {
      byType = new Map();
      this.compiled.set(selectionSets, byType);
    }
    const known = byType.get(runtimeType.name);
    if (known) return known;
    const grouped = new Map<string, FieldNode[]>();
    for (const selections of selectionSets) this.collect(runtimeType, selections, grouped, new Set());
    const fields: FieldShaper[] = [];
    byType.set(runtimeType.name, fields);
    for (const [key, nodes] of grouped) fields.push(this.fieldShaper(runtimeType, key, nodes));
    return fields;
  }

  private collect(
    runtimeType: GraphQLCompositeType,
    selections: readonly SelectionNode[],
    grouped: Map<string, FieldNode[]>,
    spread: Set<string>,
  ): void {
    for (const selection of selections) {
      if (!this.included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = grouped.get(key);
        if (nodes) nodes.push(selection);
        else grouped.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition && this.schema.getType(selection.typeCondition.name.value);
        if (!selection.typeCondition || fragmentApplies(this.schema, condition, runtimeType)) {
          this.collect(runtimeType, selection.selectionSet.selections, grouped, spread);
        }
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment) throw new Error(`unknown fragment ${name}`);
        if (spread.has(name)) continue;
        spread.add(name);
        if (
          fragmentApplies(this.schema, this.schema.getType(fragment.typeCondition.name.value), runtimeType)
        ) {
          this.collect(runtimeType, fragment.selectionSet.selections, grouped, spread);
        }
      }
    }
  }

  private included(directives: FieldNode['directives']): boolean {
    if (!directives || directives.length === 0) return true;
    for (const directive of directives) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
      const value = condition ? this.conditionValue(condition) : false;
      if (name === 'skip' ? value : !value) return false;
    }
    return true;
  }

  private conditionValue(node: ValueNode): boolean {
    if (node.kind === Kind.BOOLEAN) return node.value;
    if (node.kind === Kind.VARIABLE) return this.conditions.get(node.name.value) === true;
    throw new Error('a @skip or @include condition that is neither a boolean nor a variable');
  }

  private fieldShaper(parentType: GraphQLCompositeType, key: string, nodes: FieldNode[]): FieldShaper {
    const first = nodes[0]!;
    const name = first.name.value;
    const inheritedName = key in Object.prototype;
    if (name === '__typename') {
      if (!isObjectType(parentType)) {
        // Without a runtime type there is no name to give: the object becomes null (no error, as with Apollo).
        return { key, inheritedName, typename: false, shapeValue: () => INVALID };
      }
      return { key, inheritedName, typename: true, shapeValue: () => parentType.name };
    }
    if (isAbstractType(parentType) && !isInterfaceType(parentType)) {
      throw new Error(`field ${name} selected on union ${parentType.name}`);
    }
    const definition = parentType.getFields()[name];
    if (!definition) throw new Error(`the schema has no field ${parentType.name}.${name}`);
    const selectionSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet.selections] : []));
    return {
      key,
      inheritedName,
      typename: false,
      shapeValue: this.valueShaper(definition.type, selectionSets),
    };
  }

  private valueShaper(
    type: GraphQLOutputType,
    selectionSets: readonly (readonly SelectionNode[])[],
  ): ValueShaper {
    if (isNonNullType(type)) {
      const inner = this.valueShaper(type.ofType, selectionSets);
      return (input, context, parentType) => {
        const value = inner(input, context, parentType);
        if (value === null) {
          context.errors.push(
            invalidGraphQL(
              `Cannot return null for non-nullable ${describeLast(context, type.ofType.toString(), parentType)}.`,
              context,
            ),
          );
          return INVALID;
        }
        return value === ERRORED_NULL || value === INVALID ? INVALID : value;
      };
    }
    if (isListType(type)) {
      const item = this.valueShaper(type.ofType, selectionSets);
      const itemType = type.ofType.toString();
      return (input, context, parentType) => {
        if (input === null) return null;
        if (!Array.isArray(input)) {
          context.errors.push(
            invalidGraphQL(
              `Invalid value found for ${describeLast(context, itemType, parentType)}.`,
              context,
            ),
          );
          return ERRORED_NULL;
        }
        const output = new Array<unknown>(input.length);
        let invalid = false;
        for (let index = 0; index < input.length; index++) {
          context.path.push(index);
          const value = item(input[index] ?? null, context, parentType);
          context.path.pop();
          if (value === INVALID) invalid = true;
          output[index] = value === ERRORED_NULL || value === INVALID ? null : value;
        }
        return invalid ? ERRORED_NULL : output;
      };
    }
    if (isCompositeType(type)) return this.compositeShaper(type, selectionSets);
    const check = leafCheck(type);
    const typeName = type.name;
    return (input, context, parentType) => {
      if (input === null) return null;
      if (check(input)) return input;
      context.errors.push(
        invalidGraphQL(`Invalid value found for ${describeLast(context, typeName, parentType)}.`, context),
      );
      return ERRORED_NULL;
    };
  }

  private compositeShaper(
    staticType: GraphQLCompositeType,
    selectionSets: readonly (readonly SelectionNode[])[],
  ): ValueShaper {
    // Fields are worked out on first sight of each runtime type: an interface may have types no answer holds.
    const staticFields = isObjectType(staticType) ? this.fieldsFor(staticType, selectionSets) : null;
    return (input, context, parentType) => {
      if (input === null) return null;
      if (typeof input !== 'object' || Array.isArray(input)) {
        context.errors.push(
          invalidGraphQL(
            `Invalid value found for ${describeLast(context, staticType, parentType)}.`,
            context,
          ),
        );
        return ERRORED_NULL;
      }
      const object = input as Record<string, unknown>;
      const typename = object.__typename;
      let runtimeType: GraphQLCompositeType = staticType;
      if (typename !== undefined && typename !== null) {
        const named = typeof typename === 'string' ? this.schema.getType(typename) : undefined;
        if (!named || !isCompositeType(named)) {
          context.errors.push(
            invalidGraphQL(
              `Invalid __typename found for object at ${describeLast(context, staticType, parentType)}.`,
              context,
            ),
          );
          return ERRORED_NULL;
        }
        runtimeType = named;
      }
      const fields =
        runtimeType === staticType && staticFields
          ? staticFields
          : this.fieldsFor(runtimeType, selectionSets);
      return shapeObject(fields, object, context, runtimeType.name);
    };
  }
}
