import type { GraphQLFormattedError } from 'graphql';
import { RequestLimitError } from './limits.js';

/** Extensions that may carry a subgraph's internals (Apollo's default puts its URL and body in `response`). */
const INTERNAL_EXTENSIONS = ['response', 'exception', 'stacktrace'];

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()[\]{}]+/gi;
const ADDRESS_PATTERN = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b|\[[0-9a-f:]+\](?::\d{1,5})?/gi;
// graphql-js 16 words it "more that"; either spelling is matched.
const TOKEN_LIMIT = /Document contains more th(?:an|at) (\d+) tokens/;

/**
 * Replaces every URL and IP address in a message: subgraph and upstream addresses are the operator's
 * business, not clients'.
 */
export function withoutUrls(message: string): string {
  return message.replace(URL_PATTERN, '<url>').replace(ADDRESS_PATTERN, '<address>');
}

/**
 * Apollo's `formatError`: gives each error its stable code (Apollo re-codes validation errors as
 * GRAPHQL_VALIDATION_FAILED and parse errors as GRAPHQL_PARSE_FAILED, hiding which limit was hit), drops
 * extensions that could leak internals and strips URLs from messages. `onCode` sees every code sent.
 */
export function createErrorFormatter(
  onCode: (code: string) => void,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const extensions: Record<string, unknown> = { ...formatted.extensions };
    let message = formatted.message;
    const original = (error as { originalError?: unknown } | null)?.originalError;
    const tokenLimit = TOKEN_LIMIT.exec(message);
    if (original instanceof RequestLimitError) extensions.code = original.code;
    else if (extensions.code === 'GRAPHQL_PARSE_FAILED' && tokenLimit) {
      extensions.code = 'TOO_MANY_TOKENS';
      message = `Token limit of ${tokenLimit[1]} exceeded; parsing stopped.`;
    }
    for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    extensions.code = code;
    onCode(code);
    return { ...formatted, message: withoutUrls(message), extensions };
  };
}
