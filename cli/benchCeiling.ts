#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The benchmark's ceiling: a bare node:http server that reads each request's body and answers with the bytes
 * of argv[2] (the answer the gateways compute), with the headers a GraphQL answer carries. Nothing in Node can
 * answer this request faster, so a gateway's req/s over this one's is how close it comes to free.
 * Prints `ready at <url>` once listening; stops on SIGTERM.
 */
const answer = readFileSync(process.argv[2] ?? '');
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(answer.length),
};

const server = createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    response.writeHead(200, headers);
    response.end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`ready at http://127.0.0.1:${port}/graphql`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
