/**
 * Stable `extensions.code` values the gateway itself emits (Apollo's own, such as GRAPHQL_VALIDATION_FAILED
 * and BAD_REQUEST, come on top). Clients branch on them, so they never change meaning.
 */
export const GATEWAY_ERROR_CODES = {
  SUBGRAPH_UNAVAILABLE: 'A subgraph could not be reached (connection refused, reset or closed).',
  SUBGRAPH_TIMEOUT: 'A subgraph did not answer within the gateway’s subgraph timeout.',
  SUBGRAPH_BAD_RESPONSE:
    'A subgraph answered with an HTTP error status or a body that is not a GraphQL response; `extensions.subgraphStatus` has its status.',
  GATEWAY_STARTING: 'The gateway is still loading its supergraph (HTTP 503); retry shortly.',
  GATEWAY_UNAVAILABLE: 'The gateway could not load its supergraph (HTTP 503); see its log.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the gateway accepts (HTTP 413).',
  BAD_REQUEST: 'The request is malformed: not HTTP, not UTF-8, not JSON or not a GraphQL request (HTTP 400).',
  HEADERS_TOO_LARGE: 'The request line or headers are larger than the gateway accepts (HTTP 431).',
  REQUEST_TIMEOUT:
    'The client did not send its whole request within the gateway’s request timeout (HTTP 408).',
  METHOD_NOT_ALLOWED: 'The GraphQL endpoint takes GET and POST only (HTTP 405).',
  NOT_FOUND: 'No such path; the GraphQL endpoint is /graphql (HTTP 404).',
  QUERY_TOO_DEEP: 'The operation nests fields deeper than the gateway allows (HTTP 400).',
  TOO_MANY_ALIASES: 'The operation uses more aliases than the gateway allows (HTTP 400).',
  TOO_MANY_ROOT_FIELDS: 'The operation asks for more root fields than the gateway allows (HTTP 400).',
  TOO_MANY_DIRECTIVES: 'The operation uses more directives than the gateway allows (HTTP 400).',
  TOO_MANY_TOKENS: 'The document is longer, in GraphQL tokens, than the gateway parses (HTTP 400).',
  QUERY_TOO_COMPLEX:
    'The operation’s estimated cost (fields × list sizes, nested) is over the gateway’s limit (HTTP 400).',
  BATCHING_DISABLED: 'The body is an array of operations, and batching is off (HTTP 400).',
  BATCH_TOO_LARGE: 'The batch holds more operations than the gateway accepts at once (HTTP 400).',
  OPERATION_NOT_TRUSTED:
    'The gateway accepts only its trusted (persisted) operations, and this is not one of them (HTTP 400).',
  RATE_LIMITED: 'The client sent more requests than its rate limit allows (HTTP 429); see `Retry-After`.',
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;
