import { Kind, parse } from 'graphql';
import { commonTypeDefs } from '../schema/index.js';

/** Every name a new provider's code uses, derived from its id. */
export interface ProviderNames {
  /** The provider id: folder, subgraph name, credential id prefix and field on `Credential` (`acme`). */
  id: string;
  /** Types and classes (`Acme` → `AcmeClient`, `AcmeItem`). */
  pascal: string;
  /** Values and functions (`acme` → `acmeProvider`). */
  camel: string;
  /** Environment variables (`ACME` → `ACME_BASE_URL`). */
  constant: string;
  /** What people read (`Acme`). */
  display: string;
}

/** A provider name the scaffolder refuses; the message says why and what to do instead. */
export class ProviderNameError extends Error {
  override readonly name = 'ProviderNameError';
}

/**
 * Folders and subgraphs of credgraph itself, and words that would make the generated code or schema invalid.
 * Names of the common `Credential` fields are refused too: a provider's field is named after it.
 */
const RESERVED = new Set([
  'catalog',
  'skills',
  'kit',
  'gateway',
  'schema',
  'cli',
  'test',
  'tests',
  'dist',
  'data',
  'docs',
  'template',
  'exemplar',
  'node_modules',
  'credgraph',
  'provider',
  'providers',
  'credential',
  'credentials',
  'query',
  'mutation',
  'subscription',
  // JavaScript reserved words: the id is also a variable name in cli/localProviders.ts.
  ...'await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield'.split(
    ' ',
  ),
]);

/** The fields of the common `Credential` type (id, name, issuer, …): a provider field must not clash with one. */
function credentialFieldNames(): Set<string> {
  const names = new Set<string>();
  for (const definition of parse(commonTypeDefs).definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Credential') {
      for (const field of definition.fields ?? []) names.add(field.name.value);
    }
  }
  return names;
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Checks a provider name and derives the identifiers of its code. Names are kebab-case; for now a single word
 * (letters and digits): the kit names the provider's field on `Credential` after its id, and a GraphQL field
 * name cannot contain `-`.
 * @throws ProviderNameError
 */
export function providerNames(name: string): ProviderNames {
  if (!KEBAB_CASE.test(name)) {
    throw new ProviderNameError(
      `"${name}" is not a provider id: use lower-case letters and digits, starting with a letter (e.g. acme)`,
    );
  }
  if (name.includes('-')) {
    throw new ProviderNameError(
      `"${name}" contains "-": a provider's id is also its field on Credential, and GraphQL field names cannot contain "-"; use "${name.replace(/-/g, '')}"`,
    );
  }
  if (name.length > 40) throw new ProviderNameError(`"${name}" is longer than 40 characters`);
  if (RESERVED.has(name))
    throw new ProviderNameError(`"${name}" is reserved by credgraph; pick another name`);
  if (credentialFieldNames().has(name)) {
    throw new ProviderNameError(
      `"${name}" is a field of Credential already; a provider's field is named after it, so pick another name`,
    );
  }
  const words = name.split('-');
  const capitalised = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return {
    id: name,
    pascal: capitalised.join(''),
    camel: words[0] + capitalised.slice(1).join(''),
    constant: words.map((word) => word.toUpperCase()).join('_'),
    display: capitalised.join(' '),
  };
}
