import type { CredentialRecord } from '../../schema/index.js';
import {
  decodeCursor,
  defineProvider,
  encodeCursor,
  InvalidCursorError,
  type RunningServer,
  startProviderSubgraph,
} from '../../subgraphs/kit/index.js';

/**
 * A provider whose upstream is an array the test controls and whose feed honours `updatedSince` (as a real
 * upstream with change tracking does), recording what the catalog asked for.
 */
export interface ChangingUpstream {
  records: CredentialRecord[];
  failWith?: Error;
  /** The `updatedSince` of every feed request, in order (null for none). */
  requests: Array<string | null>;
  /** Items served, over all requests. */
  served: number;
}

export const changingUpstream = (records: CredentialRecord[]): ChangingUpstream => ({
  records,
  requests: [],
  served: 0,
});

const isOffset = (value: unknown): value is { offset: number } =>
  typeof (value as { offset?: unknown })?.offset === 'number';

export function changingProvider(id: string, upstream: ChangingUpstream) {
  return defineProvider({
    info: { id, name: `Changing ${id}`, kind: 'OTHER', url: null },
    readConfig: () => ({}),
    createClient: () => ({ close: async () => {} }),
    async feedPage(_client, { cursor, limit, updatedSince }) {
      if (upstream.failWith) throw upstream.failWith;
      upstream.requests.push(updatedSince);
      let offset = 0;
      if (cursor) {
        const state = decodeCursor(cursor, isOffset);
        if (!state) throw new InvalidCursorError();
        offset = state.offset;
      }
      const matching = updatedSince
        ? upstream.records.filter((record) => record.updatedAt >= new Date(updatedSince).toISOString())
        : upstream.records;
      const items = matching.slice(offset, offset + limit);
      upstream.served += items.length;
      const next = offset + limit;
      return { items, nextCursor: next < matching.length ? encodeCursor({ offset: next }) : null };
    },
    async loadDetails(_client, refs) {
      return refs.map((ref) => ({ upstreamId: ref.upstreamId }));
    },
    details: {
      typeName: `Changing${id}Details`,
      typeDefs: `type Changing${id}Details { upstreamId: String! }`,
    },
  });
}

export const startChangingProvider = (id: string, upstream: ChangingUpstream): Promise<RunningServer> =>
  startProviderSubgraph(changingProvider(id, upstream), { env: {} });

export const feedUrlOf = (server: RunningServer) => server.url.replace('/graphql', '/feed');
