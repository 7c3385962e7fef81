/**
 * The V8 flags credgraph's gateway runs with, wherever a credgraph command starts it (the `credgraph` bin's
 * shebang and `npm start` pass the same).
 *
 * A 16 MB cap on each semi-space of the young generation, above V8's default for this heap: a federated answer allocates many
 * short-lived objects (subgraph JSON, merged entities, the shaped result), and with V8's smaller default
 * they outlive the frequent scavenges and are promoted, then collected again in the old
 * generation. Profiled on the catalog page (`npm run bench`), the collector took 15 % of the gateway's CPU. Measured
 * back to back on 2026-11-28: CPU per page 6.3 ms with V8's defaults, 5.5 ms with 16 MB, 5.0 ms with 32 MB; peak
 * RSS 294, 292 and 314 MB. 16 MB takes most of the gain for no extra memory.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
