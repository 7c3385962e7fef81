import { getVariableValues, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../cli/schemaDiff.js';
import { resolveSubgraphs } from '../../cli/subgraphSdl.js';
import {
  composeSupergraph,
  defaultSupergraphConfigPath,
  ideExamples,
  readSupergraphConfig,
} from '../../gateway/index.js';

/**
 * The IDE's example operations against the API the gateway serves: the supergraph of gateway/supergraph.yaml,
 * composed in-process from this checkout's subgraphs. An example that names schema coordinates the composition
 * lacks (the skills subgraph's, say) is skipped, as the IDE itself leaves it out.
 */

const config = await readSupergraphConfig(defaultSupergraphConfigPath());
const { subgraphs } = await resolveSubgraphs(config.subgraphs, { inProcess: true });
const schema = apiSchemaOf(composeSupergraph(subgraphs));

function hasCoordinate(coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName!);
  return Boolean(type && 'getFields' in type && fieldName && fieldName in type.getFields());
}

describe('IDE examples', () => {
  it('include the analysts’ questions', () => {
    const titles = ideExamples.map((example) => example.title);
    for (const title of [
      'SearchCredentials',
      'CybersecurityUnder40HoursAnd500Dollars',
      'WhatStacksIntoThisCertification',
      'FacetCountsBySectorAndLevel',
      'CredentialsForAnOccupationsSkills',
      'OneCredential',
      'Providers',
    ]) {
      expect(titles).toContain(title);
    }
    expect(new Set(titles).size).toBe(titles.length);
  });

  for (const example of ideExamples) {
    const missing = (example.requires ?? []).filter((coordinate) => !hasCoordinate(coordinate));
    it.skipIf(missing.length > 0)(
      `${example.title} validates against the composed API schema, variables too`,
      () => {
        const document = parse(example.query);
        expect(validate(schema, document).map((error) => error.message)).toEqual([]);
        const operations = document.definitions.filter(
          (definition): definition is OperationDefinitionNode =>
            definition.kind === Kind.OPERATION_DEFINITION,
        );
        expect(operations).toHaveLength(1);
        const operation = operations[0]!;
        expect(operation.name?.value, 'the operation is named after the example').toBe(example.title);
        const coerced = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          example.variables ?? {},
        );
        expect(coerced.errors?.map((error) => error.message) ?? []).toEqual([]);
        const declared = new Set(
          (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value),
        );
        for (const name of Object.keys(example.variables ?? {}))
          expect(declared, `variable ${name}`).toContain(name);
      },
    );
  }

  it('composes the skills subgraph here, so that its example is checked too', () => {
    expect(hasCoordinate('Query.occupation')).toBe(
      config.subgraphs.some((subgraph) => subgraph.name === 'skills'),
    );
  });
});
