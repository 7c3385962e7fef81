import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { instrumentDynamicCacheHints, ResponseCachePolicy } from './cacheControl.js';
import { DocumentCache } from './documentCache.js';
import {
  execute,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
} from './graphqlRuntime.js';
import { JSON_MEDIA_TYPE, mimeEssence, responseMediaType } from './mediaTypes.js';
import type { RequestContext } from './requestContext.js';

/*
 * GraphQL over HTTP for the subgraphs, in place of Apollo Server. Profiles of a catalog page showed Apollo's
 * request pipeline (plugin hooks, a cache-control hook on every field, every resolver wrapped for it, content
 * negotiation, async hooks) costing about 0.3 ms of a subgraph's CPU per request however small the request,
 * which is most of what a provider's `_entities` call costs. This handler does what the gateway and clients rely
 * on and no more: one parse and validation per distinct query (DocumentCache), one cache policy per operation
 * (cacheControl.ts), execution by graphql-jit, and Apollo Server's HTTP answers (status codes, error codes, CSRF
 * prevention, GET for queries). graphql-jit compiles each operation once into plain JavaScript (graphql-js
 * walks the operation and checks every field's type on every request: a quarter of the subgraphs' CPU on a
 * catalog page, where the compiled operation cut their CPU per page by about a quarter); an operation it cannot
 * compile is run by graphql-js.
 *
 * Why not graphql-http, the GraphQL Foundation's server: it answers parse and validation errors with 200
 * whenever the client accepts plain JSON (the spec's legacy rule) where Apollo and our callers expect 400, and
 * it has no body limit, CSRF prevention, error codes or Cache-Control. With its parse, validate, context and
 * response all overridden, what it would still do for us is the request-shape checks below.
 */

export interface GraphQLHttpOptions<TContext> {
  schema: GraphQLSchema;
  /** Builds the per-request context from the request's headers. */
  context: (headers: IncomingHttpHeaders) => Promise<TContext> | TContext;
  /** Apollo's `defaultMaxAge`: what root fields and unhinted object fields may be cached for. */
  defaultMaxAge: number;
  /** Whether `__schema` and `__type` may be queried. */
  introspection: boolean;
}

interface Params {
  query: string | undefined;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
  cacheControl?: string;
  allow?: string;
}

/** A request refused before it reaches GraphQL: a status and a message with code BAD_REQUEST. */
class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly allow?: string,
  ) {
    super(message);
  }
}

const NO_STORE = 'no-store';
const CSRF_MESSAGE =
  'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a ' +
  "'content-type' header (with a type that is not one of application/x-www-form-urlencoded, " +
  'multipart/form-data, text/plain) or provide a non-empty value for one of the following headers: ' +
  'x-apollo-operation-name, apollo-require-preflight\n';
/** The content types a browser may POST cross-site without a preflight. */
const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether a request could have been sent by a browser on another site without a CORS preflight (Apollo's CSRF
 * prevention): a simple content type, or none, and neither of the headers only scripts allowed by CORS can set.
 */
function suspectedCsrf(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    const essence = mimeEssence(contentType);
    if (essence === null || !SIMPLE_CONTENT_TYPES.has(essence)) return false;
  }
  const preflighted = (name: string) => {
    const value = headers[name];
    return value !== undefined && value.length > 0;
  };
  return !preflighted('x-apollo-operation-name') && !preflighted('apollo-require-preflight');
}

/** A POST body's operation, checked as Apollo Server checks it (same messages). */
function postParams(body: unknown): Params {
  if (Array.isArray(body)) throw new RequestRefused(400, 'Operation batching disabled.');
  if (!isRecord(body) || Object.keys(body).length === 0) {
    throw new RequestRefused(400, 'POST body missing, invalid Content-Type, or JSON object has no keys.');
  }
  const { query, variables, extensions, operationName } = body;
  if (query && typeof query !== 'string') {
    throw new RequestRefused(
      400,
      (query as { kind?: unknown }).kind === Kind.DOCUMENT
        ? 'GraphQL queries must be strings, not parsed documents: print them with graphql-js `print`.'
        : 'GraphQL queries must be strings.',
    );
  }
  if (typeof variables === 'string') {
    throw new RequestRefused(
      400,
      '`variables` in a POST body should be provided as an object, not a recursively JSON-encoded string.',
    );
  }
  if (typeof extensions === 'string') {
    throw new RequestRefused(
      400,
      '`extensions` in a POST body should be provided as an object, not a recursively JSON-encoded string.',
    );
  }
  if (extensions != null && !isRecord(extensions)) {
    throw new RequestRefused(400, '`extensions` in a POST body must be an object if provided.');
  }
  if (variables != null && !isRecord(variables)) {
    throw new RequestRefused(400, '`variables` in a POST body must be an object if provided.');
  }
  if (operationName != null && typeof operationName !== 'string') {
    throw new RequestRefused(400, '`operationName` in a POST body must be a string if provided.');
  }
  return {
    query: typeof query === 'string' ? query : undefined,
    operationName: operationName ?? undefined,
    variables: variables ?? undefined,
    extensions: extensions ?? undefined,
  };
}

/** A GET request's operation, from its search parameters (queries only; see the GET check below). */
function getParams(headers: IncomingHttpHeaders, search: string): Params {
  const contentType = headers['content-type'];
  if (contentType !== undefined && mimeEssence(contentType) !== 'application/json') {
    throw new RequestRefused(
      415,
      'GET requests may not have a content-type header other than application/json.',
    );
  }
  const params = new URLSearchParams(search);
  const once = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1)
      throw new RequestRefused(400, `The '${name}' search parameter may only be specified once.`);
    return values[0];
  };
  const json = (name: string): Record<string, unknown> | undefined => {
    const text = once(name);
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RequestRefused(400, `The ${name} search parameter contains invalid JSON.`);
    }
    if (!isRecord(value)) {
      throw new RequestRefused(400, `The ${name} search parameter should contain a JSON-encoded object.`);
    }
    return value;
  };
  return {
    query: once('query'),
    operationName: once('operationName'),
    variables: json('variables'),
    extensions: json('extensions'),
  };
}

/** A GraphQL error as clients see it: its JSON form, with `extensions.code` (INTERNAL_SERVER_ERROR if it had none). */
function formatError(error: GraphQLError, code?: string): GraphQLFormattedError {
  return {
    ...error.toJSON(),
    extensions: { ...error.extensions, code: code ?? error.extensions?.code ?? 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Whether a variable's value was refused (Apollo's test, by message, for BAD_USER_INPUT). graphql-jit reports
 * it with graphql-js's messages but without the variable's definition node, so the message alone decides.
 */
function isBadUserInput(error: GraphQLError): boolean {
  return /^Variable "\$\w+" (?:has invalid value|got invalid value |of required type |of non-null type )/.test(
    error.message,
  );
}

const stringify = (value: unknown) => `${JSON.stringify(value)}\n`;

function errorAnswer(
  status: number,
  contentType: string,
  errors: GraphQLFormattedError[],
  extra: Pick<Answer, 'cacheControl' | 'allow'> = {},
): Answer {
  return { status, contentType, body: stringify({ errors }), ...extra };
}

/** The handler for the GraphQL endpoint; the caller has read and JSON-parsed a POST body. */
export function createGraphQLHttpHandler<TContext>(options: GraphQLHttpOptions<TContext>) {
  const { schema } = options;
  instrumentDynamicCacheHints(schema);
  const documents = new DocumentCache({
    schema,
    validationRules: options.introspection
      ? specifiedRules
      : [...specifiedRules, NoSchemaIntrospectionCustomRule],
    defaultMaxAge: options.defaultMaxAge,
  });

  async function answer(
    request: IncomingMessage,
    body: unknown,
    search: string,
    requestContext: RequestContext,
  ): Promise<Answer> {
    const { headers } = request;
    const mediaType = responseMediaType(headers.accept);
    const contentType = mediaType ?? JSON_MEDIA_TYPE;
    const refused = (
      status: number,
      message: string,
      code: string,
      extra?: Pick<Answer, 'cacheControl' | 'allow'>,
    ) => errorAnswer(status, contentType, [{ message, extensions: { code } }], extra);

    if (suspectedCsrf(headers)) return refused(400, CSRF_MESSAGE, 'BAD_REQUEST');
    let contextValue: TContext;
    try {
      contextValue = await options.context(headers);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return refused(500, `Context creation failed: ${message}`, 'INTERNAL_SERVER_ERROR');
    }
    let params: Params;
    try {
      if (request.method === 'POST') params = postParams(body);
      else if (request.method === 'GET') params = getParams(headers, search);
      else throw new RequestRefused(405, 'A GraphQL request must be a GET or a POST.', 'GET, POST');
    } catch (error) {
      if (!(error instanceof RequestRefused)) throw error;
      return refused(error.status, error.message, 'BAD_REQUEST', error.allow ? { allow: error.allow } : {});
    }
    if (mediaType === null) {
      return refused(
        406,
        `An 'accept' header was provided for this request which does not accept ${JSON_MEDIA_TYPE} or application/graphql-response+json; charset=utf-8`,
        'BAD_REQUEST',
      );
    }

    // From here on, answers say whether they may be cached, as Apollo Server's did.
    const failed = (status: number, errors: GraphQLFormattedError[], extra: Pick<Answer, 'allow'> = {}) =>
      errorAnswer(status, mediaType, errors, { cacheControl: NO_STORE, ...extra });
    const { query, operationName, variables } = params;
    if (!query) {
      if (params.extensions?.persistedQuery) {
        // Automatic persisted queries are not kept here: this tells an APQ client to send whole queries.
        return errorAnswer(
          200,
          mediaType,
          [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }],
          { cacheControl: 'private, no-cache, must-revalidate' },
        );
      }
      return failed(400, [
        {
          message: 'GraphQL operations must contain a non-empty `query`.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ]);
    }
    const prepared = documents.prepare(query);
    if ('syntaxError' in prepared)
      return failed(400, [formatError(prepared.syntaxError, 'GRAPHQL_PARSE_FAILED')]);
    if ('validationErrors' in prepared) {
      return failed(
        400,
        prepared.validationErrors.map((error) => formatError(error, 'GRAPHQL_VALIDATION_FAILED')),
      );
    }
    const { document } = prepared;
    const operation = document.operation(operationName);
    if (operation instanceof GraphQLError) {
      return failed(400, [formatError(operation, 'OPERATION_RESOLUTION_FAILURE')]);
    }
    const kind = operation.operation.operation;
    if (request.method === 'GET' && kind !== 'query') {
      return failed(
        405,
        [
          {
            message: `GET requests only support query operations, not ${kind} operations`,
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
        { allow: 'POST' },
      );
    }

    const policy = new ResponseCachePolicy(document.cachePolicy(operation, variables));
    requestContext.cachePolicy = policy;
    let result: ExecutionResult;
    try {
      const compiled = document.compiled(operation, operationName);
      // graphql-jit coerces the variables as graphql-js does, with the same messages (see isBadUserInput).
      result = compiled
        ? await compiled.query(undefined, contextValue, variables ?? {})
        : await execute({
            schema,
            document: document.document,
            operationName,
            variableValues: variables,
            contextValue,
          });
    } catch (error) {
      const failure =
        error instanceof GraphQLError ? error : new GraphQLError(String((error as Error)?.message ?? error));
      return failed(500, [formatError(failure)]);
    }
    if (!result.errors) {
      return {
        status: 200,
        contentType: mediaType,
        body: stringify({ data: result.data }),
        cacheControl: policy.header(),
      };
    }
    // No data at all means the request itself failed (its variables did not coerce): a client error.
    const requestFailed = result.data === undefined;
    const errors = result.errors.map((error) =>
      formatError(
        error,
        requestFailed && isBadUserInput(error) && error.extensions?.code == null
          ? 'BAD_USER_INPUT'
          : undefined,
      ),
    );
    return {
      status: requestFailed ? 400 : 200,
      contentType: mediaType,
      body: stringify(requestFailed ? { errors } : { errors, data: result.data }),
      cacheControl: NO_STORE,
    };
  }

  return async function handleGraphQL(
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
    search: string,
    requestContext: RequestContext,
  ): Promise<void> {
    const {
      status,
      contentType,
      body: text,
      cacheControl,
      allow,
    } = await answer(request, body, search, requestContext);
    const headers: Record<string, string | number> = {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
    };
    if (cacheControl) headers['cache-control'] = cacheControl;
    if (allow) headers.allow = allow;
    response.writeHead(status, headers);
    response.end(text);
  };
}
