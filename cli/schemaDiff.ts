import { printSchema, Supergraph } from '@apollo/federation-internals';
import {
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';

/**
 * What changes between two supergraphs for the clients of the gateway: their API schemas (the supergraph without
 * federation's join/link machinery and anything @inaccessible) compared with graphql-js's own change finders.
 */

export type ChangeSeverity = 'breaking' | 'dangerous' | 'additive';

export interface SchemaChange {
  severity: ChangeSeverity;
  /** graphql-js's change type (FIELD_REMOVED, ARG_CHANGED_KIND, …), or TYPE_ADDED / FIELD_ADDED. */
  type: string;
  description: string;
}

/**
 * The schema clients of a gateway serving this supergraph see. It goes through SDL text so that the result
 * belongs to this module's graphql-js: federation's packages load graphql's CommonJS build, and a bundler
 * (vitest's) may give this module the ES build, whose functions refuse the other's objects.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));
}

/**
 * Every change from `before` to `after`, breaking ones first. Breaking: removed types, fields, enum values and
 * arguments, changed field or argument types (output nullability loosened, input nullability tightened), added
 * required arguments and input fields. Dangerous: changes that can surprise a client without failing its
 * queries (an enum value added, a default changed). Additive: new types and new output fields.
 */
export function diffApiSchemas(before: GraphQLSchema, after: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [
    // A built-in scalar no longer used (Float, say) cannot break a client: it can name none but in a field's type.
    ...findBreakingChanges(before, after)
      .filter((change) => !/^Standard scalar \w+ was removed/.test(change.description))
      .map((change) => ({
        severity: 'breaking' as const,
        type: change.type,
        description: change.description,
      })),
    ...findDangerousChanges(before, after).map((change) => ({
      severity: 'dangerous' as const,
      type: change.type,
      description: change.description,
    })),
  ];
  const beforeTypes = before.getTypeMap();
  for (const type of Object.values(after.getTypeMap())) {
    if (isInternal(type)) continue;
    const previous = beforeTypes[type.name];
    if (!previous) {
      changes.push({ severity: 'additive', type: 'TYPE_ADDED', description: `${type.name} was added.` });
      continue;
    }
    if (
      (isObjectType(type) || isInterfaceType(type)) &&
      (isObjectType(previous) || isInterfaceType(previous))
    ) {
      const known = previous.getFields();
      for (const field of Object.values(type.getFields())) {
        if (!known[field.name]) {
          changes.push({
            severity: 'additive',
            type: 'FIELD_ADDED',
            description: `${type.name}.${field.name}: ${String(field.type)} was added.`,
          });
        }
      }
    }
  }
  return changes;
}

function isInternal(type: GraphQLNamedType): boolean {
  return type.name.startsWith('__') || isSpecifiedScalarType(type);
}
