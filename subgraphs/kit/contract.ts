import type { CredentialRecord, ParsedId, ProviderKind } from '../../schema/index.js';
import type { Env } from './config.js';

/** Who a provider is; served with its feed so that the catalog can show it without knowing its code. */
export interface ProviderInfo {
  /** kebab-case, unique: the id prefix of its credentials, its subgraph name and its field on `Credential`. */
  id: string;
  name: string;
  kind: ProviderKind;
  /** The provider's public home page. */
  url: string | null;
}

export interface FeedRequest {
  /** Null for the first page; afterwards the `nextCursor` of the previous page, opaque to the catalog. */
  cursor: string | null;
  /** How many records the catalog would like per page; a provider may return fewer (its upstream page size). */
  limit: number;
  /** Only records changed since this ISO date-time, where the upstream can filter by it. */
  updatedSince: string | null;
}

export interface FeedPage {
  items: CredentialRecord[];
  /** Null on the last page. Carries the upstream's pagination state, so that feeds are stateless. */
  nextCursor: string | null;
}

/** An upstream client the kit can release at shutdown. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * What a provider implements. The kit turns it into a subgraph (its field on `Credential`, resolved live and
 * batched per request) and a feed (`GET /feed`) that the catalog harvests. Everything is I/O through the
 * client, and mapping stays pure, so that both can be tested on their own.
 */
export interface ProviderDefinition<TConfig, TClient extends Closable, TDetails> {
  info: ProviderInfo;
  /** Parses the environment into config; throws `ConfigError` naming the variable at fault. */
  readConfig(env: Env): TConfig;
  createClient(config: TConfig): TClient;
  /** One page of common-schema credentials. */
  feedPage(client: TClient, request: FeedRequest): Promise<FeedPage>;
  /**
   * Live details for credentials of this provider, batched: one result per ref, in order (DataLoader's
   * contract). Null for an id the upstream does not know; an Error for one that failed on its own.
   */
  loadDetails(client: TClient, refs: readonly ParsedId[]): Promise<ReadonlyArray<TDetails | null | Error>>;
  /** The provider's own field on `Credential` (named after `info.id`): its GraphQL type and any resolvers. */
  details: {
    typeName: string;
    typeDefs: string;
    resolvers?: Record<string, Record<string, unknown>>;
  };
}

/** Identity helper so that a provider module gets full type inference and checking. */
export function defineProvider<TConfig, TClient extends Closable, TDetails>(
  definition: ProviderDefinition<TConfig, TClient, TDetails>,
): ProviderDefinition<TConfig, TClient, TDetails> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of providers holds definitions of differing types.
export type AnyProvider = ProviderDefinition<any, Closable, any>;

/**
 * How the one-command start runs a provider locally: its definition, the setting that points it at its
 * upstream, and its stand-in. When that setting is given, the real upstream is used and no stand-in starts.
 */
export interface LocalProvider {
  provider: AnyProvider;
  /** e.g. `CREDLY_BASE_URL`. */
  baseUrlSetting: string;
  /** Starts the stand-in on a free port (or `port`), answering with the base URL to give the adapter. */
  startStandin(options?: {
    port?: number;
    host?: string;
  }): Promise<{ baseUrl: string; close(): Promise<void> }>;
}
