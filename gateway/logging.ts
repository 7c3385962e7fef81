import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type DestinationStream, type Level, pino } from 'pino';

/**
 * Where Apollo's and our own diagnostics go. Compatible with Apollo's `Logger`; the gateway's own lines are
 * objects (a `msg` plus fields such as `requestId`), Apollo's are strings.
 */
export interface GatewayLogger {
  debug(message?: unknown): void;
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
  /** Whether lines of `level` are written at all, so that callers can skip building them. */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

export type LogLevel = Level | 'silent';

export interface JsonLoggerOptions {
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Where JSON lines go. Default standard error, so that standard output stays for the CLI's own lines. */
  destination?: DestinationStream;
}

/**
 * Header names and field names whose values are secrets: pino replaces them wherever they occur in a logged
 * object. The gateway never logs headers or variables in the first place; this is the second line of defence.
 */
const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'token',
  'apiKey',
  'password',
  '*.authorization',
  '*.cookie',
  '*.token',
  '*.apiKey',
  '*.password',
  '*["x-api-key"]',
  '*["x-credgraph-admin-token"]',
  '*["set-cookie"]',
];

/** A structured JSON (pino) logger behind the {@link GatewayLogger} interface. */
export function createJsonLogger(options: JsonLoggerOptions = {}): GatewayLogger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'credgraph-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message?: unknown): void => {
      if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
        logger[level](message as Record<string, unknown>);
      } else if (message instanceof Error) {
        logger[level]({ err: message }, message.message);
      } else {
        logger[level](String(message));
      }
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isLevelEnabled: (level) => logger.isLevelEnabled(level),
  };
}

// Opaque, short and printable: anything else a client sends is replaced rather than echoed into logs and headers.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is well formed, else a fresh one. */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const value = headers['x-request-id'];
  const id = Array.isArray(value) ? value[0] : value;
  return id !== undefined && REQUEST_ID.test(id) ? id : randomUUID();
}
