import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { GatewayErrorCode } from './errors.js';

/** A GraphQL-shaped error body, so that clients parse every failure the same way as a query error. */
export function graphQLErrorBody(
  message: string,
  code: GatewayErrorCode | 'INTERNAL_SERVER_ERROR',
): { errors: unknown[] } {
  return { errors: [{ message, extensions: { code } }] };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Calls `done` with the request body's bytes, or with `BodyTooLargeError` as soon as it exceeds `limitBytes`.
 * A callback rather than a promise: the gateway answers a cached request in the turn its body ends.
 */
export function receiveBody(
  request: IncomingMessage,
  limitBytes: number,
  done: (error: Error | null, bytes?: Buffer) => void,
): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    done(new BodyTooLargeError(limitBytes));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limitBytes) {
      cleanup();
      request.resume();
      done(new BodyTooLargeError(limitBytes));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onError = (error: Error) => {
    cleanup();
    done(error);
  };
  const cleanup = () => {
    request.off('data', onData);
    request.off('end', onEnd);
    request.off('error', onError);
    request.off('close', onClose);
  };
  // Closed before its end: the client went away mid-body.
  const onClose = () => onError(new Error('the client closed the request before its end'));
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onError);
  request.on('close', onClose);
}

/**
 * Decodes UTF-8 (without a leading byte order mark, as a TextDecoder would), or returns null for bytes that
 * are not valid UTF-8 (rather than replacing them silently).
 */
export function decodeUtf8(bytes: Buffer): string | null {
  if (!isUtf8(bytes)) return null;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.toString('utf8', start);
}

/** Listens and resolves with the bound port (the free one the OS chose when `port` is 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `http://host:port` with IPv6 literals bracketed. */
export function originFor(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Whether the client would rather have HTML than JSON: a browser's navigation sends `text/html` first, while
 * curl (`* / *`) and GraphQL clients (`application/json`) do not ask for HTML explicitly.
 */
export function prefersHtml(acceptHeader: string | undefined): boolean {
  if (!acceptHeader) return false;
  let html = 0;
  let json = 0;
  for (const part of acceptHeader.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (type === 'text/html') html = Math.max(html, q);
    if (type === 'application/json' || type === 'application/graphql-response+json') json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}

/**
 * The request's URL, or null when its target does not parse as one (`GET //` does not, resolved naively):
 * the path is appended to a placeholder origin rather than resolved against it.
 */
export function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(`http://request.invalid${target?.startsWith('/') ? target : `/${target ?? ''}`}`);
  } catch {
    return null;
  }
}
