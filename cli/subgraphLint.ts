import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  parse,
  print,
} from 'graphql';
import type { SubgraphSdl } from '../gateway/index.js';

/**
 * The partner lint: a provider subgraph's fields on types that several subgraphs share (an entity such as
 * `Credential`, or a root type such as `Query`) must be nullable. The gateway fetches them from the provider; if
 * the provider is down and the field is non-null, the error nulls the parent instead: the whole `Credential`
 * with every other provider's data, or for a root field the whole response.
 */

export interface LintProblem {
  subgraph: string;
  /** `Type.field`. */
  coordinate: string;
  message: string;
}

/** Subgraphs that own shared types rather than contribute to them; their fields are not linted. */
export const CORE_SUBGRAPHS: readonly string[] = ['catalog', 'skills'];

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

function objectTypes(definitions: readonly DefinitionNode[]): ObjectNode[] {
  return definitions.filter(
    (definition): definition is ObjectNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
}

const isDirective = (directive: ConstDirectiveNode, name: string) =>
  directive.name.value === name || directive.name.value === `federation__${name}`;

/** The field names a type's @key directives select at the top level (`id` for `@key(fields: "id")`). */
function keyFields(node: ObjectNode): Set<string> {
  const names = new Set<string>();
  for (const directive of node.directives ?? []) {
    if (!isDirective(directive, 'key')) continue;
    const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
    if (fields?.kind !== Kind.STRING) continue;
    for (const name of fields.value.replace(/\{[^}]*\}/g, ' ').split(/[\s,]+/)) if (name) names.add(name);
  }
  return names;
}

/** Finds non-null fields that provider subgraphs add to entity and root types other subgraphs also define. */
export function lintProviderSubgraphs(
  subgraphs: readonly SubgraphSdl[],
  core: readonly string[] = CORE_SUBGRAPHS,
): LintProblem[] {
  const parsed = subgraphs.map((subgraph) => ({
    name: subgraph.name,
    types: objectTypes(parse(subgraph.sdl).definitions),
  }));
  const definedBy = new Map<string, Set<string>>();
  const entities = new Set<string>();
  for (const { name, types } of parsed) {
    for (const type of types) {
      const typeName = type.name.value;
      if (!definedBy.has(typeName)) definedBy.set(typeName, new Set());
      definedBy.get(typeName)!.add(name);
      if ((type.directives ?? []).some((directive) => isDirective(directive, 'key'))) entities.add(typeName);
    }
  }

  const problems: LintProblem[] = [];
  for (const { name, types } of parsed) {
    if (core.includes(name)) continue;
    for (const type of types) {
      const typeName = type.name.value;
      const shared = (definedBy.get(typeName)?.size ?? 0) > 1;
      if (!shared || !(entities.has(typeName) || ROOT_TYPES.has(typeName))) continue;
      const keys = keyFields(type);
      for (const field of type.fields ?? []) {
        // `_entities` and `_service` are federation's own, answered by every subgraph for the gateway alone.
        if (field.name.value.startsWith('_') || keys.has(field.name.value) || isExternal(field)) continue;
        if (field.type.kind !== Kind.NON_NULL_TYPE) continue;
        const coordinate = `${typeName}.${field.name.value}`;
        const what = ROOT_TYPES.has(typeName)
          ? 'the whole response'
          : `the whole ${typeName}, with every other subgraph's fields`;
        problems.push({
          subgraph: name,
          coordinate,
          message: `${coordinate} is ${print(field.type)}, non-null: make it ${print(field.type.type)}. A provider's fields on shared types must be nullable, or an outage of ${name} nulls ${what} instead of just its own field.`,
        });
      }
    }
  }
  return problems;
}

function isExternal(field: FieldDefinitionNode): boolean {
  return (field.directives ?? []).some((directive) => isDirective(directive, 'external'));
}
