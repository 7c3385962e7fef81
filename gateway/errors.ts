/**
 * Stable `extensions.code` values the gateway itself emits (Apollo's own, such as GRAPHQL_VALIDATION_FAILED
 * and BAD_REQUEST, come on top). Clients branch on them, so they never change meaning.
 */
export const GATEWAY_ERROR_CODES = {
  SUBGRAPH_UNAVAILABLE: 'A subgraph could not be reached (connection refused, reset or closed).',
  SUBGRAPH_TIMEOUT: 'A subgraph did not answer within the gateway’s subgraph timeout.',
  GATEWAY_STARTING: 'The gateway is still loading its supergraph (HTTP 503); retry shortly.',
  GATEWAY_UNAVAILABLE: 'The gateway could not load its supergraph (HTTP 503); see its log.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the gateway accepts (HTTP 413).',
  BAD_REQUEST: 'The request body is not valid JSON (HTTP 400).',
  METHOD_NOT_ALLOWED: 'The GraphQL endpoint takes GET and POST only (HTTP 405).',
  NOT_FOUND: 'No such path; the GraphQL endpoint is /graphql (HTTP 404).',
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;
