import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';

/** What the gateway needs to know about one `_entities` fetch operation the query planner wrote. */
export interface EntityFetchShape {
  /** A short digest of the operation text: entities are cached per selection. */
  selectionId: string;
  /** The response keys selected on each entity type (`__typename` aside), to write an entity of all nulls. */
  fieldsByType: ReadonlyMap<string, readonly string[]>;
}

const MAX_REMEMBERED = 2_000;
const shapes = new Map<string, EntityFetchShape | null>();

/**
 * The shape of an entity fetch (`query($representations: [_Any!]!) { _entities(representations: …) { … } }`),
 * or null for any other operation. Plans are cached, so the same few operation texts come back again and
 * again: shapes are remembered by text.
 */
export function entityFetchShape(query: string, document?: DocumentNode): EntityFetchShape | null {
  const known = shapes.get(query);
  if (known !== undefined) return known;
  let shape: EntityFetchShape | null = null;
  try {
    shape = analyse(query, document ?? parse(query));
  } catch {
    shape = null;
  }
  if (shapes.size >= MAX_REMEMBERED) shapes.delete(shapes.keys().next().value as string);
  shapes.set(query, shape);
  return shape;
}

function analyse(query: string, document: DocumentNode): EntityFetchShape | null {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const [operation] = operations;
  if (operations.length !== 1 || !operation || operation.operation !== 'query') return null;
  const [root] = operation.selectionSet.selections;
  if (
    operation.selectionSet.selections.length !== 1 ||
    root?.kind !== Kind.FIELD ||
    root.name.value !== '_entities' ||
    !root.selectionSet
  ) {
    return null;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fieldsByType = new Map<string, string[]>();
  const collect = (selectionSet: SelectionSetNode, typeName: string | null, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        // A field outside any type condition applies to every type; the planner always writes conditions.
        if (key === '__typename' || typeName === null) continue;
        const keys = fieldsByType.get(typeName) ?? [];
        if (!keys.includes(key)) keys.push(key);
        fieldsByType.set(typeName, keys);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        seen.add(fragment.name.value);
        collect(fragment.selectionSet, fragment.typeCondition.name.value, seen);
      }
    }
  };
  collect(root.selectionSet, null, new Set());
  return {
    selectionId: createHash('sha256').update(query).digest('base64url').slice(0, 16),
    fieldsByType,
  };
}

/** An entity with every field the fetch selects set to null: what a subgraph answers for an id not its own. */
export function nullEntity(shape: EntityFetchShape, typeName: string): Record<string, unknown> | null {
  const keys = shape.fieldsByType.get(typeName);
  if (!keys) return null;
  const entity: Record<string, unknown> = { __typename: typeName };
  for (const key of keys) entity[key] = null;
  return entity;
}
