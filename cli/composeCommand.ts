import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CompositionError,
  composeSupergraph,
  readSupergraphConfig,
  SubgraphIntrospectionError,
  SupergraphConfigError,
} from '../gateway/index.js';
import { projectRoot } from '../subgraphs/kit/index.js';
import { apiSchemaOf, diffApiSchemas, type SchemaChange } from './schemaDiff.js';
import { CORE_SUBGRAPHS, type LintProblem, lintProviderSubgraphs } from './subgraphLint.js';
import { resolveSubgraphs } from './subgraphSdl.js';

export const COMPOSE_USAGE = `Usage:
  credgraph compose [--check] [--write] [--config <supergraph.yaml>] [--against <supergraph.graphql>]
                    [--accept-breaking] [--from-config] [--print]

Composes the supergraph from the subgraph list, lints the provider subgraphs, and compares the result with the
committed supergraph: breaking changes for the gateway's clients fail the check.

Options:
  --check             compare with the committed supergraph (the default when --write and --print are absent)
  --write             write the composed supergraph to the --against file (refused on breaking changes
                      unless --accept-breaking)
  --config <file>     the subgraph list, rover's supergraph.yaml (default: gateway/supergraph.yaml)
  --against <file>    the committed supergraph SDL (default: gateway/supergraph.graphql)
  --accept-breaking   report breaking changes without failing
  --from-config       take every subgraph's SDL from the config (files, sdl, running subgraphs); by default the
                      subgraphs whose code is in this repository are built in-process, nothing needs to run
  --print             print the composed supergraph SDL to stdout (reports go to stderr)
  -h, --help          print this help

Exit codes: 0 composed, no breaking change (additive ones are fine); 1 composition errors, lint errors, or
breaking changes not accepted; 2 a usage mistake.`;

interface ComposeArgs {
  check: boolean;
  write: boolean;
  print: boolean;
  configPath: string;
  againstPath: string;
  acceptBreaking: boolean;
  fromConfig: boolean;
}

/** `credgraph compose …`; sets process.exitCode as documented in the usage. */
export async function composeCommand(argv: string[]): Promise<void> {
  process.exitCode = await runCompose(argv, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
}

export interface ComposeOutput {
  /** Where the SDL goes with --print, and the report otherwise. */
  out(text: string): void;
  err(text: string): void;
}

/** Runs the command and answers its exit code, writing through `output` (tests capture it). */
export async function runCompose(argv: string[], output: ComposeOutput): Promise<number> {
  let args: ComposeArgs | 'help';
  try {
    args = parseComposeArgs(argv);
  } catch (error) {
    output.err(`credgraph compose: ${(error as Error).message}\n\n${COMPOSE_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    output.out(COMPOSE_USAGE);
    return 0;
  }
  const report = args.print ? output.err : output.out;
  try {
    return await compose(args, report, output.out);
  } catch (error) {
    if (
      error instanceof SupergraphConfigError ||
      error instanceof SubgraphIntrospectionError ||
      error instanceof CompositionError
    ) {
      report(`credgraph compose: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function parseComposeArgs(argv: string[]): ComposeArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      check: { type: 'boolean' },
      write: { type: 'boolean' },
      print: { type: 'boolean' },
      config: { type: 'string' },
      against: { type: 'string' },
      'accept-breaking': { type: 'boolean' },
      'from-config': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const root = projectRoot();
  return {
    check: values.check ?? !(values.write || values.print),
    write: values.write ?? false,
    print: values.print ?? false,
    configPath: resolve(values.config ?? join(root, 'gateway', 'supergraph.yaml')),
    againstPath: resolve(values.against ?? join(root, 'gateway', 'supergraph.graphql')),
    acceptBreaking: values['accept-breaking'] ?? false,
    fromConfig: values['from-config'] ?? false,
  };
}

async function compose(args: ComposeArgs, report: (text: string) => void, out: (text: string) => void) {
  const config = await readSupergraphConfig(args.configPath);
  const { subgraphs, inProcess } = await resolveSubgraphs(config.subgraphs, { inProcess: !args.fromConfig });
  const names = subgraphs.map((subgraph) => subgraph.name);
  const built = inProcess.length > 0 ? ` (built in-process: ${inProcess.join(', ')})` : '';
  report(`Subgraphs from ${shown(args.configPath)}: ${names.join(', ')}${built}`);

  const lint = lintProviderSubgraphs(subgraphs, CORE_SUBGRAPHS);
  let supergraphSdl: string;
  try {
    supergraphSdl = composeSupergraph(subgraphs);
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error;
    report(`\nComposition failed (${error.problems.length}):`);
    for (const problem of error.problems) {
      const where = problem.subgraphs.length > 0 ? ` [${problem.subgraphs.join(', ')}]` : '';
      report(`  ✗ ${problem.code}${where}\n    ${problem.message}`);
    }
    reportLint(lint, report);
    return 1;
  }
  report('Composed.');
  reportLint(lint, report);
  if (args.print) out(supergraphSdl);

  let breaking: SchemaChange[] = [];
  let upToDate = false;
  const committed = existsSync(args.againstPath) ? readFileSync(args.againstPath, 'utf8') : null;
  if (committed === null) {
    if (args.check)
      report(`\nNo committed supergraph at ${shown(args.againstPath)}: run credgraph compose --write.`);
  } else if (args.check || args.write) {
    upToDate = committed === supergraphSdl;
    const changes = upToDate ? [] : diffApiSchemas(apiSchemaOf(committed), apiSchemaOf(supergraphSdl));
    breaking = changes.filter((change) => change.severity === 'breaking');
    reportChanges(changes, shown(args.againstPath), upToDate, report);
  }

  const blocked = lint.length > 0 || (breaking.length > 0 && !args.acceptBreaking);
  if (args.write && !upToDate) {
    if (blocked) {
      report(
        `\nNot written: fix the problems above${breaking.length > 0 ? ' or pass --accept-breaking' : ''}.`,
      );
    } else {
      writeFileSync(args.againstPath, supergraphSdl);
      report(`\nWrote ${shown(args.againstPath)}.`);
    }
  } else if (!upToDate && committed !== null && !blocked && args.check) {
    report(`Run credgraph compose --write to record the new supergraph in ${shown(args.againstPath)}.`);
  }
  if (breaking.length > 0 && !args.acceptBreaking) {
    report(
      breaking.length === 1
        ? '\n1 breaking change: clients that rely on it will fail. Pass --accept-breaking if it is intended.'
        : `\n${breaking.length} breaking changes: clients that rely on them will fail. Pass --accept-breaking if they are intended.`,
    );
  }
  if (lint.length > 0) return 1;
  if (committed === null && args.check && !args.write) return 1;
  return blocked ? 1 : 0;
}

function reportLint(problems: readonly LintProblem[], report: (text: string) => void): void {
  if (problems.length === 0) return;
  report(`\nLint errors (${problems.length}):`);
  for (const problem of problems) report(`  ✗ ${problem.subgraph}: ${problem.message}`);
}

const HEADINGS: Record<SchemaChange['severity'], string> = {
  breaking: 'Breaking changes',
  dangerous: 'Dangerous changes (queries keep working; clients may see values they do not expect)',
  additive: 'Additive changes',
};
const MARKS: Record<SchemaChange['severity'], string> = { breaking: '✗', dangerous: '!', additive: '+' };

function reportChanges(
  changes: readonly SchemaChange[],
  against: string,
  upToDate: boolean,
  report: (text: string) => void,
): void {
  if (upToDate) {
    report(`Same as ${against}.`);
    return;
  }
  if (changes.length === 0) {
    report(
      `No change to the API schema against ${against} (the supergraph text differs, e.g. routing URLs).`,
    );
    return;
  }
  report(`\nAgainst ${against}:`);
  for (const severity of ['breaking', 'dangerous', 'additive'] as const) {
    const listed = changes.filter((change) => change.severity === severity);
    if (listed.length === 0) continue;
    report(`  ${HEADINGS[severity]} (${listed.length}):`);
    for (const change of listed) report(`    ${MARKS[severity]} ${change.description} [${change.type}]`);
  }
}

/** A path relative to the current directory when it is beneath it, for shorter messages. */
function shown(path: string): string {
  const local = relative(process.cwd(), path);
  return local && !local.startsWith('..') ? local : path;
}
