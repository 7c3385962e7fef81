import { type ConstDirectiveNode, Kind, parse } from 'graphql';

/** A provider subgraph's one field on an entity: `Credential.credly` from subgraph `credly`. */
export interface ProviderField {
  typeName: string;
  fieldName: string;
  /** Ids this subgraph answers for start with it (`credly:`); it answers null for every other id. */
  idPrefix: string;
}

/**
 * The provider subgraphs of a supergraph, by subgraph name. credgraph's provider contract (README, "The provider
 * contract") says a provider subgraph adds exactly one field to an entity keyed by `id`, named after itself,
 * and answers it for its own ids (`<provider>:<kind>:<upstream id>`) and null for all others. A subgraph whose
 * contribution to an `id`-keyed type is exactly that one field is taken to be such a provider, so the gateway
 * can answer null for other providers' ids itself instead of sending them: on a page of 20 credentials from six
 * providers, each provider is asked for its own few, and a provider with none on the page is not asked at all.
 */
export function providerFieldsOfSupergraph(supergraphSdl: string): Map<string, ProviderField> {
  const document = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const name = stringArgument(
        value.directives?.find((d) => d.name.value === 'join__graph'),
        'name',
      );
      if (name) graphNames.set(value.name.value, name);
    }
  }
  const providers = new Map<string, ProviderField>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const keyedBy = new Set<string>();
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const graph = enumArgument(directive, 'graph');
      if (graph && stringArgument(directive, 'key') === 'id') keyedBy.add(graph);
    }
    const fieldsByGraph = new Map<string, string[]>();
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'join__field' || booleanArgument(directive, 'external')) continue;
        const graph = enumArgument(directive, 'graph');
        if (!graph) continue;
        fieldsByGraph.set(graph, [...(fieldsByGraph.get(graph) ?? []), field.name.value]);
      }
    }
    for (const graph of keyedBy) {
      const name = graphNames.get(graph);
      const fields = fieldsByGraph.get(graph) ?? [];
      if (name && fields.length === 1 && fields[0] === name && !providers.has(name)) {
        providers.set(name, { typeName: definition.name.value, fieldName: name, idPrefix: `${name}:` });
      }
    }
  }
  return providers;
}

function argumentValue(directive: ConstDirectiveNode | undefined, name: string) {
  return directive?.arguments?.find((argument) => argument.name.value === name)?.value;
}

function stringArgument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = argumentValue(directive, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function enumArgument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = argumentValue(directive, name);
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode | undefined, name: string): boolean {
  const value = argumentValue(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
}
