import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalCatalog, startLocalCatalog } from '../../cli/start.js';
import { ideExamples } from '../../gateway/index.js';
import { projectRoot } from '../../subgraphs/kit/index.js';
import { graphql } from '../fixtures/http.js';

/**
 * The analysts' IDE in a real browser (Debian's Chromium, driven by playwright-core): the one-command catalog on
 * free ports, the IDE page at the gateway, an example run with the run button, data in the result panel, and not
 * one request to another host.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the IDE in Chromium'
  : `the IDE in Chromium (SKIPPED: ${CHROMIUM} is not installed; apt-get install chromium, as .ci/run does)`;
const SCREENSHOT_DIR = join(projectRoot(), 'test-output');

describe.skipIf(!hasChromium)(title, () => {
  let catalog: RunningLocalCatalog;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    catalog = await startLocalCatalog({ env: { ...process.env }, ports: 'free' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => requested.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await catalog?.close();
  });

  it('runs the first example with the run button and shows its data in the result panel', async () => {
    const [first] = ideExamples;
    const expected = await graphql<{ credentials: { edges: Array<{ node: { name: string } }> } }>(
      catalog.gatewayUrl,
      first!.query,
      first!.variables,
    );
    const firstName = expected.data!.credentials.edges[0]!.node.name;

    await page.goto(catalog.gatewayUrl, { waitUntil: 'load' });
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ state: 'visible', timeout: 20_000 });
    await expect
      .poll(() => page.locator('.graphiql-query-editor').textContent(), { timeout: 10_000 })
      .toContain('query SearchCredentials');
    await run.click();
    const result = page.locator('.result-window');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('"totalCount"');
    const shown = (await result.textContent()) ?? '';
    expect(shown).toContain(firstName);
    expect(shown).not.toContain('"errors"');

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'ide.png') });
  });

  it('offers every example as a tab, the explorer, the schema documentation and a headers editor', async () => {
    const tabs = page.locator('.graphiql-tab');
    await expect.poll(() => tabs.count()).toBe(ideExamples.length);
    await expect(page.getByRole('button', { name: /show graphiql explorer/i }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    await expect
      .poll(() => page.locator('.graphiql-doc-explorer').textContent())
      .toContain('CredentialFacets');
    await expect(page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).count()).resolves.toBe(
      1,
    );
  });

  it('loads nothing from another host', () => {
    const origin = new URL(catalog.gatewayUrl).origin;
    expect(requested.length).toBeGreaterThan(5);
    const elsewhere = requested.filter(
      (url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin,
    );
    expect(elsewhere).toEqual([]);
  });
});
