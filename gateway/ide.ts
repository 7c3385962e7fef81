import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ideBootstrapScript, idePageStyles } from './ideBootstrap.js';
import { type IdeExample, ideExamples } from './ideExamples.js';

/** URL prefix under which the gateway serves the IDE's scripts and styles. */
export const IDE_ASSET_PREFIX = '/ide/';

/**
 * The page may load only what the gateway itself serves. Inline styles stay allowed because GraphiQL's
 * dialogs inject <style> elements at run time; inline scripts do not.
 */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
  /** Short content hash: the `?v=` that marks a URL as immutable, and the ETag. */
  version: string;
}

type AssetSource = { package: string; file: string } | { text: () => string };

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Order matters for scripts: each UMD bundle reads the globals of the ones before it. */
const ASSET_SOURCES: Record<string, { contentType: string; source: AssetSource }> = {
  'react.js': { contentType: JS, source: { package: 'react', file: 'umd/react.production.min.js' } },
  'react-dom.js': {
    contentType: JS,
    source: { package: 'react-dom', file: 'umd/react-dom.production.min.js' },
  },
  'graphiql.js': { contentType: JS, source: { package: 'graphiql', file: 'graphiql.min.js' } },
  'explorer.js': {
    contentType: JS,
    source: { package: '@graphiql/plugin-explorer', file: 'dist/index.umd.js' },
  },
  'bootstrap.js': { contentType: JS, source: { text: () => ideBootstrapScript } },
  'graphiql.css': { contentType: CSS, source: { package: 'graphiql', file: 'graphiql.min.css' } },
  'explorer.css': {
    contentType: CSS,
    source: { package: '@graphiql/plugin-explorer', file: 'dist/style.css' },
  },
  'page.css': { contentType: CSS, source: { text: () => idePageStyles } },
};
const SCRIPTS = ['react.js', 'react-dom.js', 'graphiql.js', 'explorer.js', 'bootstrap.js'];
const STYLESHEETS = ['graphiql.css', 'explorer.css', 'page.css'];

const require = createRequire(import.meta.url);
let assets: Map<string, Asset> | null = null;

/** Loads every asset once, on the first IDE request, so that a gateway nobody browses never reads them. */
function loadAssets(): Map<string, Asset> {
  if (assets) return assets;
  const loaded = new Map<string, Asset>();
  for (const [name, { contentType, source }] of Object.entries(ASSET_SOURCES)) {
    const text = 'text' in source ? source.text() : readPackageFile(source.package, source.file);
    // Source maps are not shipped: without this, browser dev tools would ask for files we do not serve.
    const body = Buffer.from(text.replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, '\n'));
    const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
    loaded.set(name, { contentType, body, gzipped: gzipSync(body), version });
  }
  assets = loaded;
  return loaded;
}

function readPackageFile(packageName: string, file: string): string {
  const packageDir = dirname(require.resolve(`${packageName}/package.json`));
  return readFileSync(join(packageDir, file), 'utf8');
}

function assetUrl(name: string): string {
  const asset = loadAssets().get(name);
  return `${IDE_ASSET_PREFIX}${name}?v=${asset?.version ?? ''}`;
}

/** Renders the IDE page for the GraphQL endpoint at `endpointPath` (resolved against the page's own URL). */
export function renderIdePage(endpointPath: string, examples: readonly IdeExample[] = ideExamples): string {
  // '<' is escaped so that no example text can close the JSON block early.
  const config = JSON.stringify({ endpoint: endpointPath, examples }).replace(/</g, '\\u003c');
  const styles = STYLESHEETS.map((name) => `    <link rel="stylesheet" href="${assetUrl(name)}" />`).join(
    '\n',
  );
  const scripts = SCRIPTS.map((name) => `    <script src="${assetUrl(name)}"></script>`).join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>credgraph · GraphQL IDE</title>
    <link rel="icon" href="data:," />
${styles}
  </head>
  <body>
    <div id="graphiql"><div class="loading">Loading the GraphQL IDE…</div></div>
    <script type="application/json" id="credgraph-ide-config">${config}</script>
${scripts}
  </body>
</html>
`;
}

/** Answers a browser's GET of the GraphQL endpoint with the IDE page. */
export function sendIdePage(request: IncomingMessage, response: ServerResponse, endpointPath: string): void {
  const page = Buffer.from(renderIdePage(endpointPath));
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': page.length,
    'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // The page names versioned assets, so it must be revalidated when the gateway is upgraded.
    'cache-control': 'no-cache',
  });
  response.end(request.method === 'HEAD' ? undefined : page);
}

/**
 * Serves `/ide/<asset>`. A URL whose `?v=` matches the asset's content is cached for a year; any other is
 * served fresh. Returns false when `pathname` is not an IDE asset.
 */
export function serveIdeAsset(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
  if (!url.pathname.startsWith(IDE_ASSET_PREFIX)) return false;
  const asset = loadAssets().get(url.pathname.slice(IDE_ASSET_PREFIX.length));
  if (!asset || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  const etag = `"${asset.version}"`;
  const headers: Record<string, string | number> = {
    'content-type': asset.contentType,
    etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    'cache-control':
      url.searchParams.get('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers);
    response.end();
    return true;
  }
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzipped : asset.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = body.length;
  response.writeHead(200, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}
