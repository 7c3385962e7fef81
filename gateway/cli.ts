import { parseArgs } from 'node:util';
import { CompositionError } from './compose.js';
import { limitHeapGrowth } from './heapGrowth.js';
import { SubgraphIntrospectionError } from './introspect.js';
import { createGateway, type GatewayOptions, type RunningGateway } from './server.js';
import { GatewaySettingError, gatewayOptionsFromEnv, heapGrowthPercentFromEnv } from './settings.js';
import { SupergraphConfigError } from './supergraphConfig.js';
import { TrustedDocumentsError } from './trustedDocuments.js';

export const GATEWAY_USAGE = `Usage:
  credgraph gateway --supergraph <supergraph.graphql> [--port <n>] [--host <addr>]
  credgraph gateway --config <supergraph.yaml> [--port <n>] [--host <addr>]

Serves the composed GraphQL API at http://<host>:<port>/graphql (with a GraphQL IDE for browsers there),
/health (alive), /ready (supergraph loaded, subgraphs reachable) and /metrics (Prometheus). The supergraph
file or config is checked for changes every CREDGRAPH_RELOAD_INTERVAL_MS (5000) and swapped in when it loads.
Limits, rate limiting, caches (on unless CREDGRAPH_CACHE=off; REDIS_URL shares them and the rate limits
between gateways), timeouts and logging are set by CREDGRAPH_* variables: see the README's configuration
table. Logs are JSON lines on standard error.

Options:
  --supergraph <file>  a composed supergraph SDL file (e.g. from rover supergraph compose)
  --config <file>      a rover-style supergraph.yaml; its subgraphs are composed at start
  --port <n>           port to listen on, 0 for a free one (default: $PORT or 4000)
  --host <addr>        address to listen on, 0.0.0.0 for all (default: $HOST or 127.0.0.1)
  -h, --help           print this help

Apollo telemetry is off unless APOLLO_TELEMETRY_DISABLED is set to something other than true.`;

/** A mistake in how the command was invoked; printed with the usage, exit code 1. */
class UsageError extends Error {}

function heapGrowthFromEnv(env: NodeJS.ProcessEnv): number {
  try {
    return heapGrowthPercentFromEnv(env);
  } catch (error) {
    if (error instanceof GatewaySettingError) throw new UsageError(error.message);
    throw error;
  }
}

/** `credgraph gateway …`: runs the gateway until SIGTERM or SIGINT, then closes it and returns. */
export async function gatewayCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let options: GatewayOptions | 'help';
  try {
    options = parseGatewayArgs(argv, env);
    if (options !== 'help') limitHeapGrowth(heapGrowthFromEnv(env));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`credgraph gateway: ${error.message}\n\n${GATEWAY_USAGE}`);
    process.exitCode = 1;
    return;
  }
  if (options === 'help') {
    console.log(GATEWAY_USAGE);
    return;
  }

  let gateway: RunningGateway;
  try {
    gateway = await createGateway(options);
  } catch (error) {
    return fail(error);
  }
  const stopped = closeOnSignal(gateway);
  try {
    await gateway.ready;
  } catch (error) {
    await gateway.close();
    // Whatever stops the supergraph from loading (a bad file, a composition error, a subgraph down) is an
    // operator's problem to fix, not a bug: its message is the whole story.
    return fail(error, true);
  }
  console.log(`credgraph gateway ready at ${gateway.url}`);
  await stopped;
}

/** Parses the command line; `'help'` when the user asked for usage. */
export function parseGatewayArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): GatewayOptions | 'help' {
  let values: { supergraph?: string; config?: string; port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        supergraph: { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.supergraph !== undefined && values.config !== undefined) {
    throw new UsageError('give either --supergraph or --config, not both');
  }
  if (values.supergraph === undefined && values.config === undefined) {
    throw new UsageError('give --supergraph <file> or --config <supergraph.yaml>');
  }
  const port = parsePort(values.port ?? env.PORT ?? '4000', values.port !== undefined ? '--port' : 'PORT');
  const host = values.host ?? (env.HOST || '127.0.0.1');
  let fromEnv: Partial<GatewayOptions>;
  try {
    // The command caches by default (CREDGRAPH_CACHE=off turns it off); a gateway built in code opts in.
    fromEnv = gatewayOptionsFromEnv(env, { cacheByDefault: true });
  } catch (error) {
    if (error instanceof GatewaySettingError) throw new UsageError(error.message);
    throw error;
  }
  return {
    ...fromEnv,
    logLevel: fromEnv.logLevel ?? 'info',
    ...(values.supergraph !== undefined ? { supergraphPath: values.supergraph } : {}),
    ...(values.config !== undefined ? { supergraphConfigPath: values.config } : {}),
    port,
    host,
  };
}

function parsePort(text: string, from: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`${from} must be a port number from 0 to 65535, got "${text}"`);
  }
  return port;
}

/** Resolves once the gateway has closed after the first SIGTERM or SIGINT; a second one exits at once. */
function closeOnSignal(gateway: RunningGateway): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        console.error(`credgraph gateway: ${signal} again, exiting without waiting`);
        process.exit(1);
      }
      closing = true;
      gateway.close().then(
        () => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          resolve();
        },
        (error: unknown) => {
          console.error(`credgraph gateway: error while closing: ${(error as Error).message}`);
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Prints an error and sets exit code 1: the message alone for expected failures, the stack otherwise. */
function fail(error: unknown, expected = isExpected(error)): void {
  process.exitCode = 1;
  if (expected && error instanceof Error) {
    console.error(`credgraph gateway: ${error.message}`);
    return;
  }
  console.error('credgraph gateway: unexpected error:', error);
}

function isExpected(error: unknown): error is Error {
  if (
    error instanceof SupergraphConfigError ||
    error instanceof TrustedDocumentsError ||
    error instanceof CompositionError ||
    error instanceof SubgraphIntrospectionError
  ) {
    return true;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const { address, port } = error as { address?: string; port?: number };
    (error as Error).message =
      `cannot listen on ${address ?? ''}:${port ?? ''}: ${describeListenError(code)}`;
    return true;
  }
  return false;
}

function describeListenError(code: string): string {
  if (code === 'EADDRINUSE') return 'the port is already in use';
  if (code === 'EACCES') return 'permission denied';
  return 'the address is not available on this machine';
}
