import type { createClient } from '@redis/client';

/** A client that fails fast while disconnected (no offline queue) and keeps reconnecting with backoff. */
function makeClient(create: typeof createClient, url: string) {
  return create({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
    },
  });
}

/** A connected (or reconnecting) @redis/client client. */
export type RedisClient = ReturnType<typeof makeClient>;

export interface RedisConnectionOptions {
  url: string;
  /** Called with each connection error (reconnection attempts repeat them). */
  onError(error: Error): void;
}

/**
 * A Redis connection for the gateway's shared stores (rate limits, caches), opened lazily: @redis/client is
 * loaded only by gateways configured with a REDIS_URL, so that the others do not carry it. Commands fail fast
 * while disconnected (no offline queue): callers treat Redis as down and carry on without it.
 */
export class RedisConnection {
  /** The client, once loaded; null before. */
  client: RedisClient | null = null;
  /** Settles when the first connection attempt is over, connected or not. */
  readonly firstAttempt: Promise<void>;
  private attempted = false;
  private closed = false;

  constructor(options: RedisConnectionOptions) {
    this.firstAttempt = import('@redis/client')
      .then(async ({ createClient }) => {
        if (this.closed) return;
        const client = makeClient(createClient, options.url);
        client.on('error', (error: Error) => {
          this.attempted = true;
          options.onError(error);
        });
        this.client = client;
        await client.connect();
      })
      .catch(() => {})
      .finally(() => {
        this.attempted = true;
      });
  }

  /** Whether commands can be sent now. */
  get isReady(): boolean {
    return this.client?.isReady ?? false;
  }

  /**
   * The client when it is ready. Right after start this waits (at most `waitMs`) for the first connection
   * attempt, rather than treat the first requests as if Redis were down.
   */
  async ready(waitMs = 1_000): Promise<RedisClient | null> {
    if (!this.isReady && !this.attempted) {
      await Promise.race([this.firstAttempt, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
    }
    return this.isReady ? this.client : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    if (!client) return;
    try {
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
    } catch {
      client.destroy();
    }
  }
}
