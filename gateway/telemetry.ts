// @apollo/gateway 2.14 reads APOLLO_TELEMETRY_DISABLED in the ApolloGateway constructor (dist/index.js) and,
// unless it is 'true' or '1', starts exporting usage metrics to Apollo and probing cloud metadata endpoints.
// credgraph sends nothing anywhere but to its subgraphs unless an operator sets the variable to something else;
// import this module before @apollo/gateway.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

export {};
