import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { answeredByFault, delayFor, FaultQueue, sendPossiblyReset } from './faults.js';
import { listen } from './serve.js';
import type { StandinFault } from './standin.js';

/** One request that went through a fault proxy, kept so that tests can check what reached the upstream. */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * A reverse proxy in front of any HTTP server (a provider's stand-in, a subgraph) that misbehaves on request,
 * so that fault tests cover every provider without knowing how its stand-in is built.
 */
export interface RunningFaultProxy {
  /** The proxy's origin, e.g. `http://127.0.0.1:41234`: point the client here instead of at the target. */
  origin: string;
  port: number;
  /** The origin requests are forwarded to. */
  target: string;
  /** Requests received, by `METHOD /path` (query excluded), including those a fault answered. */
  readonly requestCounts: ReadonlyMap<string, number>;
  /** The last 200 requests received, oldest first. */
  readonly requests: readonly ProxiedRequest[];
  totalRequests(): number;
  resetCounts(): void;
  injectFault(fault: StandinFault): void;
  clearFaults(): void;
  /**
   * Stops listening and cuts every open connection, as a crashed server would: connections are refused
   * until {@link up}.
   */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface StartFaultProxyOptions {
  port?: number;
  host?: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);
const MAX_REMEMBERED = 200;
// The Host header is forwarded as the client sent it: stand-ins build absolute links (next-page URLs) from it,
// and those must point back at the proxy, or the client would refuse them as another host.

/** Starts a fault proxy to `target` (an origin such as `http://127.0.0.1:4102`). */
export async function startFaultProxy(
  target: string,
  options: StartFaultProxyOptions = {},
): Promise<RunningFaultProxy> {
  const targetOrigin = new URL(target).origin;
  const agent = new Agent({ connections: 32, keepAliveTimeout: 10_000 });
  const faults = new FaultQueue();
  const counts = new Map<string, number>();
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    const pathname = path.split('?', 1)[0]!;
    const key = `${request.method} ${pathname}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers });
    if (requests.length > MAX_REMEMBERED) requests.shift();
    const fault = faults.take(path);
    await delayFor(fault);
    if (answeredByFault(fault, response)) return;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const upstream = await agent.request({
        origin: targetOrigin,
        path,
        method: (request.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: forwardable(request.headers),
        body: chunks.length > 0 ? Buffer.concat(chunks) : null,
      });
      const body = Buffer.from(await upstream.body.arrayBuffer());
      sendPossiblyReset(fault, response, upstream.statusCode, forwardable(upstream.headers), body);
    } catch (error) {
      if (response.headersSent) return void response.destroy();
      response.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ message: `fault proxy: target failed: ${(error as Error).message}` }));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  return {
    origin: `http://${host}:${port}`,
    port,
    target: targetOrigin,
    requestCounts: counts,
    requests,
    totalRequests: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    resetCounts: () => {
      counts.clear();
      requests.length = 0;
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    down: stopListening,
    async up() {
      if (!server.listening) await listen(server, port, host);
    },
    async close() {
      await stopListening();
      await agent.close();
    },
  };
}

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}
