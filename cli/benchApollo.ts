#!/usr/bin/env node
// Before @apollo/gateway loads: it reads this variable to decide whether to send telemetry to Apollo.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * The benchmark's reference contender: plain @apollo/gateway with every default (its make-fetch-happen
 * subgraph fetcher, no caches) in Apollo Server's standalone HTTP server, over the supergraph file in argv[2].
 * Prints `ready at <url>` once it serves queries; stops on SIGTERM.
 */
async function main(): Promise<void> {
  const supergraphPath = process.argv[2];
  if (!supergraphPath) throw new Error('usage: benchApollo.js <supergraph.graphql>');
  const server = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, 'utf8') }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
  console.log(`ready at ${url.replace('localhost', '127.0.0.1')}`);
}

main().catch((error: unknown) => {
  console.error('credgraph bench (plain Apollo gateway):', error);
  process.exit(1);
});
