import { composeServices } from '@apollo/composition';
import { type GraphQLError, parse } from 'graphql';

/** One subgraph to compose: its name, the URL the gateway routes to, and its SDL. */
export interface SubgraphSdl {
  name: string;
  routingUrl: string;
  sdl: string;
}

/** One composition failure, kept structured for callers that want more than the message. */
export interface CompositionProblem {
  code: string;
  message: string;
  /** Subgraphs the problem concerns, as far as composition tells. */
  subgraphs: string[];
}

/** Composition failed; the message lists every problem, one per line. */
export class CompositionError extends Error {
  constructor(readonly problems: CompositionProblem[]) {
    super(
      `supergraph composition failed with ${problems.length} error${problems.length === 1 ? '' : 's'}:\n${problems
        .map(formatProblem)
        .join('\n')}`,
    );
    this.name = 'CompositionError';
  }
}

function formatProblem(problem: CompositionProblem): string {
  const where = problem.subgraphs.length > 0 ? ` [subgraphs: ${problem.subgraphs.join(', ')}]` : '';
  return `  - ${problem.code}${where}: ${problem.message}`;
}

/**
 * Composes subgraph SDLs into a supergraph SDL with Apollo composition (Federation 2).
 * @throws CompositionError listing every problem, including SDL that does not parse.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): string {
  const problems: CompositionProblem[] = [];
  const services = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.routingUrl, typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      problems.push({
        code: 'INVALID_GRAPHQL',
        message: (error as Error).message,
        subgraphs: [subgraph.name],
      });
    }
  }
  if (problems.length > 0) throw new CompositionError(problems);
  if (services.length === 0) {
    throw new CompositionError([{ code: 'NO_SUBGRAPHS', message: 'no subgraph to compose', subgraphs: [] }]);
  }
  const result = composeServices(services);
  if (result.errors) {
    const names = subgraphs.map((subgraph) => subgraph.name);
    throw new CompositionError(result.errors.map((error) => toProblem(error, names)));
  }
  return result.supergraphSdl;
}

function toProblem(error: GraphQLError, subgraphNames: readonly string[]): CompositionProblem {
  const fromNodes = (error.nodes ?? [])
    .map((node) => (node as { subgraph?: unknown }).subgraph)
    .filter((name): name is string => typeof name === 'string');
  // Most composition messages name their subgraphs only in the text, as "a" or [a].
  const fromMessage = subgraphNames.filter(
    (name) => error.message.includes(`"${name}"`) || error.message.includes(`[${name}]`),
  );
  return {
    code: String(error.extensions?.code ?? 'COMPOSITION_ERROR'),
    message: error.message.replace(/\s*\n\s*/g, ' '),
    subgraphs: [...new Set([...fromNodes, ...fromMessage])],
  };
}
