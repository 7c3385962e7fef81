import type {
  DirectiveNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLObjectType,
  GraphQLResolveInfo,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
} from './graphqlRuntime.js';
import { currentRequestCachePolicy } from './requestContext.js';

/**
 * A subgraph answer's `Cache-Control`, as Apollo Server's cache-control plugin computes it, without its
 * per-field, per-request hooks: the policy of an operation is worked out once from the schema's
 * `@cacheControl(maxAge, scope, inheritMaxAge)` hints and kept with the parsed document; resolvers narrow it
 * at run time through Apollo's `info.cacheControl` API when they must (a field that is never cacheable, an
 * answer for one user).
 *
 * The rules are Apollo's: every root field, and every field returning an object, interface or union without
 * a hint of its own (or `inheritMaxAge`), gets `defaultMaxAge`; a field's hint wins over its return type's;
 * the answer's max-age is the smallest of all, and it is PRIVATE if anything is. Two deliberate differences,
 * both on the safe side: a field counts whenever the operation selects it (Apollo counts only fields that
 * actually ran, so a hint under a null parent is ignored there), and a dynamic hint can only narrow the policy
 * (in Apollo it replaces the field's own hint, so it could also lengthen it).
 */

export type CacheControlScope = 'PUBLIC' | 'PRIVATE';

export interface CacheControlHint {
  maxAge?: number;
  scope?: CacheControlScope;
}

interface CacheAnnotation extends CacheControlHint {
  inheritMaxAge?: true;
}

/** A policy being narrowed: the smallest max-age and the most private scope of every hint it is given. */
export class ResponseCachePolicy implements CacheControlHint {
  maxAge: number | undefined;
  scope: CacheControlScope | undefined;

  constructor(from?: CacheControlHint) {
    this.maxAge = from?.maxAge;
    this.scope = from?.scope;
  }

  restrict(hint: CacheControlHint): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) {
      this.maxAge = hint.maxAge;
    }
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }

  /** The `Cache-Control` header of an answer without errors under this policy (Apollo's format). */
  header(): string {
    if (this.maxAge === undefined || this.maxAge === 0) return 'no-store';
    return `max-age=${this.maxAge}, ${this.scope === 'PRIVATE' ? 'private' : 'public'}`;
  }
}

function annotationFromDirectives(directives: readonly DirectiveNode[] | undefined): CacheAnnotation | null {
  const directive = directives?.find((candidate) => candidate.name.value === 'cacheControl');
  if (!directive?.arguments) return null;
  const argument = (name: string) => directive.arguments?.find((candidate) => candidate.name.value === name);
  const scopeValue = argument('scope')?.value;
  const scopeName = scopeValue?.kind === Kind.ENUM ? scopeValue.value : undefined;
  const scope = scopeName === 'PUBLIC' || scopeName === 'PRIVATE' ? scopeName : undefined;
  const inherit = argument('inheritMaxAge')?.value;
  if (inherit?.kind === Kind.BOOLEAN && inherit.value) {
    return scope ? { inheritMaxAge: true, scope } : { inheritMaxAge: true };
  }
  const maxAgeValue = argument('maxAge')?.value;
  const maxAge = maxAgeValue?.kind === Kind.INT ? Number.parseInt(maxAgeValue.value, 10) : undefined;
  return { ...(maxAge === undefined ? {} : { maxAge }), ...(scope ? { scope } : {}) };
}

const typeAnnotations = new WeakMap<GraphQLCompositeType, CacheAnnotation>();

function typeAnnotation(type: GraphQLCompositeType): CacheAnnotation {
  let annotation = typeAnnotations.get(type);
  if (!annotation) {
    annotation = annotationFromDirectives(type.astNode?.directives) ?? {};
    for (const extension of type.extensionASTNodes) {
      if (Object.keys(annotation).length > 0) break;
      annotation = annotationFromDirectives(extension.directives) ?? annotation;
    }
    typeAnnotations.set(type, annotation);
  }
  return annotation;
}

/** What one field contributes when it resolves (Apollo's `willResolveField`, with the default it adds after). */
function fieldHint(
  field: GraphQLField<unknown, unknown>,
  isRootField: boolean,
  defaultMaxAge: number,
): ResponseCachePolicy {
  const policy = new ResponseCachePolicy();
  const target = getNamedType(field.type);
  let inheritMaxAge = false;
  if (isCompositeType(target)) {
    const fromType = typeAnnotation(target);
    policy.maxAge = fromType.maxAge ?? policy.maxAge;
    policy.scope = fromType.scope ?? policy.scope;
    inheritMaxAge = fromType.inheritMaxAge === true;
  }
  const own = annotationFromDirectives(field.astNode?.directives) ?? {};
  if (own.inheritMaxAge && policy.maxAge === undefined) {
    inheritMaxAge = true;
    policy.scope = own.scope ?? policy.scope;
  } else {
    policy.maxAge = own.maxAge ?? policy.maxAge;
    policy.scope = own.scope ?? policy.scope;
  }
  if (policy.maxAge === undefined && ((isCompositeType(target) && !inheritMaxAge) || isRootField)) {
    policy.maxAge = defaultMaxAge;
  }
  return policy;
}

/** The variables an operation's cache policy depends on: none, unless `@skip`/`@include` take a variable. */
export type PolicyVariables = Record<string, unknown> | null;

/** Thrown by {@link operationCachePolicy} when the policy needs variable values it was not given. */
export class NeedsVariables extends Error {}

/**
 * The static cache policy of an operation: every field it can select, through fragments and every possible
 * type of an abstract field. `variables` are the coerced variable values, needed only when `@skip`/`@include`
 * take a variable (without them such an operation throws {@link NeedsVariables}, so that the caller computes
 * its policy per request instead of once). Each selection set is weighed once per type, so a document that
 * reuses fragments many times over costs no more than its size.
 */
export function operationCachePolicy(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  defaultMaxAge: number,
  variables: PolicyVariables,
): CacheControlHint {
  const root = schema.getRootType(operation.operation);
  const policy = new ResponseCachePolicy();
  if (!root) return policy;
  // Per selection set and type, apart for root and nested use (root fields get the default max-age).
  const weighed = [
    new Map<SelectionSetNode, Map<GraphQLObjectType, ResponseCachePolicy>>(),
    new Map<SelectionSetNode, Map<GraphQLObjectType, ResponseCachePolicy>>(),
  ] as const;
  const fieldHints = new Map<GraphQLField<unknown, unknown>, ResponseCachePolicy>();

  const included = (node: { directives?: readonly DirectiveNode[] }): boolean => {
    if (!node.directives?.length) return true;
    for (const condition of [GraphQLSkipDirective, GraphQLIncludeDirective]) {
      const applied = node.directives.find((directive) => directive.name.value === condition.name);
      if (!applied) continue;
      if (
        variables === null &&
        applied.arguments?.some((argument) => argument.value.kind === Kind.VARIABLE)
      ) {
        throw new NeedsVariables();
      }
      const value = getDirectiveValues(condition, node, variables ?? undefined);
      if (value?.if === (condition === GraphQLSkipDirective)) return false;
    }
    return true;
  };
  const possibleTypes = (type: GraphQLCompositeType): readonly GraphQLObjectType[] =>
    isObjectType(type) ? [type] : schema.getPossibleTypes(type);
  const appliesTo = (condition: { name: { value: string } } | undefined, type: GraphQLObjectType) => {
    if (!condition) return true;
    const conditionType = schema.getType(condition.name.value);
    return (
      conditionType === type ||
      (conditionType !== undefined &&
        isCompositeType(conditionType) &&
        !isObjectType(conditionType) &&
        schema.isSubType(conditionType, type))
    );
  };

  const weigh = (set: SelectionSetNode, type: GraphQLObjectType, isRoot: boolean): ResponseCachePolicy => {
    const memo = weighed[isRoot ? 1 : 0];
    let byType = memo.get(set);
    const known = byType?.get(type);
    if (known) return known;
    const result = new ResponseCachePolicy();
    if (!byType) {
      byType = new Map();
      memo.set(set, byType);
    }
    byType.set(type, result);
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // Meta fields (`__typename`, introspection) are answered by graphql-js itself and carry no hint.
        if (name.startsWith('__')) continue;
        const field = type.getFields()[name];
        if (!field) continue;
        let hint = isRoot ? undefined : fieldHints.get(field);
        if (!hint) {
          hint = fieldHint(field, isRoot, defaultMaxAge);
          if (!isRoot) fieldHints.set(field, hint);
        }
        result.restrict(hint);
        const target = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(target)) {
          for (const possible of possibleTypes(target)) {
            result.restrict(weigh(selection.selectionSet, possible, false));
          }
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (appliesTo(selection.typeCondition, type)) {
          result.restrict(weigh(selection.selectionSet, type, isRoot));
        }
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && appliesTo(fragment.typeCondition, type)) {
          result.restrict(weigh(fragment.selectionSet, type, isRoot));
        }
      }
    }
    return result;
  };
  policy.restrict(weigh(operation.selectionSet, root, true));
  return policy;
}

/** Apollo's `info.cacheControl`, for resolvers that set hints at run time; it narrows the request's policy. */
const dynamicCacheControl = {
  setCacheHint(hint: CacheControlHint): void {
    currentRequestCachePolicy()?.restrict(hint);
  },
  cacheHint: {
    restrict(hint: CacheControlHint): void {
      currentRequestCachePolicy()?.restrict(hint);
    },
    replace(hint: CacheControlHint): void {
      currentRequestCachePolicy()?.restrict(hint);
    },
  },
  /** A type's `@cacheControl` hint, or undefined when it has none (@apollo/subgraph asks for each entity's type). */
  cacheHintFromType(type: GraphQLCompositeType): CacheControlHint | undefined {
    const annotation = typeAnnotation(type);
    return annotation.maxAge === undefined && annotation.scope === undefined ? undefined : annotation;
  },
};

const instrumented = new WeakSet<GraphQLSchema>();

/**
 * Gives every resolver of the schema Apollo's `info.cacheControl`, so that resolvers written for Apollo Server
 * (and @apollo/subgraph's `_entities`) set their hints unchanged. Only fields with a resolver of their own are
 * wrapped: a default-resolved field has no code that could set a hint. Idempotent per schema.
 */
export function instrumentDynamicCacheHints(schema: GraphQLSchema): void {
  if (instrumented.has(schema)) return;
  instrumented.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        (info as GraphQLResolveInfo & { cacheControl?: unknown }).cacheControl ??= dynamicCacheControl;
        return resolve(source, args, context, info);
      };
    }
  }
}
