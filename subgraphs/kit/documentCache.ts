import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLSchema,
  OperationDefinitionNode,
  ValidationRule,
} from 'graphql';
import { type CacheControlHint, NeedsVariables, operationCachePolicy } from './cacheControl.js';
import {
  type CompiledQuery,
  compileQuery,
  GraphQLError,
  getVariableValues,
  isCompiledQuery,
  Kind,
  parse,
  validate,
} from './graphqlRuntime.js';

/** One operation of a prepared document, with its cache policy when that is known without variables. */
export interface PreparedOperation {
  operation: OperationDefinitionNode;
  /** Null when `@skip`/`@include` take variables: the policy is then worked out per request. */
  cachePolicy: CacheControlHint | null;
  /** graphql-jit's compilation, once asked for (null: it could not compile the operation). */
  compiled: CompiledQuery | null | undefined;
}

/** A parsed and validated document, and what has been worked out so far for its operations. */
export class PreparedDocument {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly definitions: OperationDefinitionNode[] = [];
  /** By operation name ('' for the only operation); only operations that resolve, so it stays small. */
  private readonly operations = new Map<string, PreparedOperation>();

  constructor(
    readonly document: DocumentNode,
    private readonly schema: GraphQLSchema,
    private readonly defaultMaxAge: number,
    /** Whether its operations are worth compiling: not for a document prepared for one request only. */
    private readonly reused: boolean,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
      else if (definition.kind === Kind.OPERATION_DEFINITION) this.definitions.push(definition);
    }
  }

  /** The operation to run, or the error graphql-js would report for `operationName` (same messages). */
  operation(operationName: string | undefined): PreparedOperation | GraphQLError {
    const key = operationName ?? '';
    const known = this.operations.get(key);
    if (known) return known;
    let operation: OperationDefinitionNode | undefined;
    if (operationName === undefined) {
      if (this.definitions.length > 1) {
        return new GraphQLError('Must provide operation name if query contains multiple operations.');
      }
      operation = this.definitions[0];
      if (!operation) return new GraphQLError('Must provide an operation.');
    } else {
      operation = this.definitions.find((definition) => definition.name?.value === operationName);
      if (!operation) return new GraphQLError(`Unknown operation named "${operationName}".`);
    }
    let cachePolicy: CacheControlHint | null;
    try {
      cachePolicy = operationCachePolicy(this.schema, operation, this.fragments, this.defaultMaxAge, null);
    } catch (error) {
      if (!(error instanceof NeedsVariables)) throw error;
      cachePolicy = null;
    }
    const prepared: PreparedOperation = { operation, cachePolicy, compiled: undefined };
    this.operations.set(key, prepared);
    return prepared;
  }

  /**
   * `prepared` compiled by graphql-jit, or null where graphql-js is to run it: when graphql-jit cannot compile it,
   * or when the document is not kept for other requests (compiling costs far more than one run).
   */
  compiled(prepared: PreparedOperation, operationName: string | undefined): CompiledQuery | null {
    if (!this.reused) return null;
    if (prepared.compiled === undefined) {
      try {
        const compiled = compileQuery(this.schema, this.document, operationName);
        prepared.compiled = isCompiledQuery(compiled) ? compiled : null;
      } catch {
        // The document is valid (graphql-js said so): what graphql-jit cannot compile, graphql-js runs.
        prepared.compiled = null;
      }
    }
    return prepared.compiled;
  }

  /** The cache policy of `prepared` for this request's variables. */
  cachePolicy(prepared: PreparedOperation, variables: Record<string, unknown> | undefined): CacheControlHint {
    if (prepared.cachePolicy) return prepared.cachePolicy;
    const coerced = getVariableValues(
      this.schema,
      prepared.operation.variableDefinitions ?? [],
      variables ?? {},
    );
    // Variables that do not coerce fail the request before anything could be cached.
    if (!coerced.coerced) return { maxAge: 0 };
    return operationCachePolicy(
      this.schema,
      prepared.operation,
      this.fragments,
      this.defaultMaxAge,
      coerced.coerced,
    );
  }
}

export type PreparedQuery =
  | { document: PreparedDocument }
  | { syntaxError: GraphQLError }
  | { validationErrors: readonly GraphQLError[] };

export interface DocumentCacheOptions {
  schema: GraphQLSchema;
  /** graphql-js's specified rules and any others, as `validate` takes them. */
  validationRules: readonly ValidationRule[];
  /** The subgraph's default max-age, which cache policies are computed with. */
  defaultMaxAge: number;
  /** Most documents kept. Default 1,000. */
  maxEntries?: number;
  /** Most query text kept, in characters (a parsed document weighs some ten times its text). Default 4 M. */
  maxQueryChars?: number;
}

/**
 * Parsed and validated documents by query text, least recently used dropped first. The gateway sends each
 * subgraph the same few operations again and again (its query plans are cached too), so parsing and validation
 * run once per distinct operation rather than once per request. Only valid documents are kept: an invalid one
 * is answered with its errors each time, and cannot crowd out the good ones.
 */
export class DocumentCache {
  private readonly entries = new Map<string, PreparedDocument>();
  private chars = 0;
  private readonly maxEntries: number;
  private readonly maxQueryChars: number;

  constructor(private readonly options: DocumentCacheOptions) {
    this.maxEntries = options.maxEntries ?? 1_000;
    this.maxQueryChars = options.maxQueryChars ?? 4_000_000;
  }

  get size(): number {
    return this.entries.size;
  }

  prepare(query: string): PreparedQuery {
    const cached = this.entries.get(query);
    if (cached) {
      // Map keeps insertion order: moving a hit to the end keeps the least recently used first.
      this.entries.delete(query);
      this.entries.set(query, cached);
      return { document: cached };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return { syntaxError: error };
      throw error;
    }
    const validationErrors = validate(this.options.schema, document, this.options.validationRules);
    if (validationErrors.length > 0) return { validationErrors };
    // A query too large to share the budget with many others is prepared afresh each time instead.
    const kept = query.length <= this.maxQueryChars / 16;
    const prepared = new PreparedDocument(document, this.options.schema, this.options.defaultMaxAge, kept);
    if (kept) this.remember(query, prepared);
    return { document: prepared };
  }

  private remember(query: string, prepared: PreparedDocument): void {
    this.entries.set(query, prepared);
    this.chars += query.length;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxQueryChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}
