import { Kind, parse } from 'graphql';

/** An answer that can be sent to several clients: status, headers and a complete body. */
export interface SharedAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/**
 * Identical client requests in flight at once, answered by one execution (Hive Gateway's request
 * deduplication, opt-in): the first one runs, the others wait for its answer. Only queries are shared (a
 * mutation runs once per request, as its sender means it to), and only within one session or among anonymous
 * requests, whose answers cannot differ (subgraphs see nothing of the client but the request id).
 */
export class InFlightRequests {
  private readonly running = new Map<string, Promise<SharedAnswer | null>>();

  /** The answer of an identical request already running, or undefined when there is none. */
  join(key: string): Promise<SharedAnswer | null> | undefined {
    return this.running.get(key);
  }

  /** Runs `execute` as the one request for `key` that others may join; resolves with what it answers. */
  async lead<T>(
    key: string,
    execute: () => Promise<T>,
    share: (result: T) => SharedAnswer | null,
  ): Promise<T> {
    let settle: (answer: SharedAnswer | null) => void = () => {};
    const mine = new Promise<SharedAnswer | null>((resolve) => {
      settle = resolve;
    });
    this.running.set(key, mine);
    try {
      const result = await execute();
      settle(share(result));
      return result;
    } catch (error) {
      settle(null);
      throw error;
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }
}

const MAX_REMEMBERED = 1_000;
const operationKinds = new Map<string, 'query' | 'other'>();

/**
 * Whether `operationName` (or the only operation) of a document is a query. Remembered per document and name;
 * a document that does not parse is not a query here (Apollo reports it).
 */
export function isQueryOperation(documentHash: string, query: string | null, operationName: string | null) {
  const memoKey = `${documentHash}\u0000${operationName ?? ''}`;
  const known = operationKinds.get(memoKey);
  if (known !== undefined) return known === 'query';
  if (query === null) return false;
  let kind: 'query' | 'other' = 'other';
  try {
    const operations = parse(query, { maxTokens: 5_000 }).definitions.filter(
      (definition) => definition.kind === Kind.OPERATION_DEFINITION,
    );
    const chosen =
      operationName === null
        ? operations.length === 1
          ? operations[0]
          : undefined
        : operations.find((operation) => operation.name?.value === operationName);
    if (chosen?.operation === 'query') kind = 'query';
  } catch {
    kind = 'other';
  }
  if (operationKinds.size >= MAX_REMEMBERED)
    operationKinds.delete(operationKinds.keys().next().value as string);
  operationKinds.set(memoKey, kind);
  return kind === 'query';
}
