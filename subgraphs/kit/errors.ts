import { GraphQLError } from 'graphql';

/**
 * Stable error codes for upstream failures. They reach clients as `extensions.code`, so a frontend can tell
 * "the provider is down" from "our token is wrong" without parsing messages. Every code is documented in
 * README.md ("Error codes"), and a test keeps the two in step.
 */
export const UPSTREAM_ERROR_CODES = {
  UPSTREAM_UNAUTHORIZED: 'The upstream refused the configured credentials (HTTP 401).',
  UPSTREAM_FORBIDDEN: 'The upstream accepted the credentials but denied access to the resource (HTTP 403).',
  UPSTREAM_NOT_FOUND: 'The upstream has no such resource (HTTP 404 or 410).',
  UPSTREAM_BAD_REQUEST: 'The upstream rejected the request as invalid (HTTP 400 or 422).',
  UPSTREAM_RATE_LIMITED: 'The upstream is rate-limiting us (HTTP 429) and retries did not get through.',
  UPSTREAM_UNAVAILABLE: 'The upstream is down or failing (connection refused or reset, HTTP 5xx).',
  UPSTREAM_TIMEOUT: 'The upstream did not answer within the configured timeout.',
  UPSTREAM_BAD_RESPONSE: 'The upstream answered with something that is not the API shape we expect.',
} as const;

export type UpstreamErrorCode = keyof typeof UPSTREAM_ERROR_CODES;

/** A failure talking to a provider's upstream API. Carries no secrets: messages never include credentials. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly code: UpstreamErrorCode,
    readonly provider: string,
    message: string,
    readonly upstreamStatus: number | null = null,
    /** True when the call was refused by the open circuit breaker, without reaching the upstream. */
    readonly circuitOpen = false,
  ) {
    super(message);
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/** The GraphQL error a client sees for an upstream failure: stable code, provider name, upstream status. */
export function upstreamGraphQLError(error: UpstreamError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      provider: error.provider,
      upstreamStatus: error.upstreamStatus,
      ...(error.circuitOpen ? { circuitOpen: true } : {}),
    },
  });
}

/** Maps any failure to a GraphQL error; unknown failures are reported without their internals. */
export function toGraphQLError(error: unknown, provider: string): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (isUpstreamError(error)) return upstreamGraphQLError(error);
  return new GraphQLError(`${provider}: internal error while resolving provider details`, {
    extensions: { code: 'INTERNAL_SERVER_ERROR', provider },
  });
}
