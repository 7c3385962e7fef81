import { Kind, parse } from 'graphql';
import { type Dispatcher, request } from 'undici';

/** Each subgraph's routing URL by name, as a supergraph SDL lists them (`join__Graph`). */
export function subgraphsOfSupergraph(supergraphSdl: string): Map<string, string> {
  const subgraphs = new Map<string, string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const argument = (name: string) => {
        const found = graph?.arguments?.find((candidate) => candidate.name.value === name)?.value;
        return found?.kind === Kind.STRING ? found.value : undefined;
      };
      const name = argument('name');
      const url = argument('url');
      if (name && url) subgraphs.set(name, url);
    }
  }
  return subgraphs;
}

export type SubgraphReachability = 'reachable' | 'unreachable';

const PROBE_BODY = JSON.stringify({ query: 'query __credgraph_ready { __typename }' });

/**
 * Whether each subgraph answers a trivial query, for `/ready`. Answers are remembered for `cacheMs`, so that a
 * load balancer polling `/ready` often does not turn into a stream of probes to every subgraph.
 */
export class SubgraphProbe {
  private cached: { at: number; result: Promise<Record<string, SubgraphReachability>> } | null = null;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs = 2_000,
    private readonly cacheMs = 2_000,
  ) {}

  check(subgraphs: ReadonlyMap<string, string>): Promise<Record<string, SubgraphReachability>> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.result;
    const result = this.probeAll(subgraphs);
    this.cached = { at: Date.now(), result };
    return result;
  }

  private async probeAll(
    subgraphs: ReadonlyMap<string, string>,
  ): Promise<Record<string, SubgraphReachability>> {
    const entries = await Promise.all(
      [...subgraphs].map(async ([name, url]) => [name, await this.probe(url)] as const),
    );
    return Object.fromEntries(entries);
  }

  private async probe(url: string): Promise<SubgraphReachability> {
    try {
      const response = await request(url, {
        dispatcher: this.dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: PROBE_BODY,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await response.body.json().catch(() => null)) as { data?: unknown } | null;
      return response.statusCode === 200 && body?.data ? 'reachable' : 'unreachable';
    } catch {
      return 'unreachable';
    }
  }
}
