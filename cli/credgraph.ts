#!/usr/bin/env node
// Before anything loads @apollo/gateway: it reads this variable to decide whether to send telemetry to Apollo.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

const USAGE = `Usage: credgraph <command> [options]

Commands:
  start     start everything on this machine: stand-ins, subgraphs and the gateway
  gateway   serve a supergraph through the gateway (credgraph gateway --help)
  provider  scaffold a new provider subgraph: credgraph provider new <name> (credgraph provider --help)
  compose   compose the supergraph and check it for breaking changes (credgraph compose --help)

Run credgraph <command> --help for a command's options.`;

type Command = (argv: string[]) => Promise<void>;

/** Each command's module loads only when it runs, so that `credgraph gateway` never loads the subgraphs. */
const commands: Record<string, () => Promise<Command>> = {
  gateway: async () => (await import('../gateway/cli.js')).gatewayCommand,
  provider: async () => (await import('./providerCommand.js')).providerCommand,
  compose: async () => (await import('./composeCommand.js')).composeCommand,
  start: async () => (await import('./start.js')).startCommand,
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  const load = commands[name];
  if (!load) {
    console.error(`credgraph: unknown command "${name}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  await (await load())(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error('credgraph: unexpected error:', error);
  process.exit(1);
});
