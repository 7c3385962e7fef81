/**
 * The V8 flags credgraph's gateway runs with, wherever a credgraph command starts it (the `credgraph` bin's
 * shebang and `npm start` pass the same).
 *
 * A 32 MB young generation: a federated answer allocates many short-lived objects (subgraph JSON, merged
 * entities, the shaped result), and with V8's default semi-space (16 MB at most, grown lazily from 1 MB) they
 * outlive the frequent scavenges and are promoted and collected again in the old generation. Profiled on the
 * catalog page (`npm run bench`), the collector took 15 % of the gateway's CPU; with 32 MB the gateway spends
 * about a quarter less CPU per page, for a peak RSS within the run-to-run noise (64 MB saves no more and costs
 * 30 MB of RSS).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
