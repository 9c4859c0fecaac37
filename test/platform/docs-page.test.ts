// The documentation page as a reader gets it: opened in headless Chromium (Debian's package,
// driven by playwright-core; no browser is downloaded), it must render every operation of
// openapi.yaml, load nothing from outside the server, and break none of its own
// Content-Security-Policy.
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { specBackend } from '../../testing/spec.js';
import { serverForSuite } from '../support/server.js';

/** CI installs Debian's chromium (.ci/run); CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('The API documentation page in a browser', () => {
  const suite = serverForSuite();
  let browser: Browser;

  before(async function () {
    this.timeout(120_000);
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  after(() => browser?.close());

  it('renders every operation of the spec, loading nothing from outside the server', async function () {
    this.timeout(120_000);
    // The page as the spec-checking client sees it (status, media type, headers).
    const served = await suite.server.client().get('/api/docs');
    expect(served.status).to.equal(200);

    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    const response = await page.goto(`${suite.server.url}/api/docs`);
    expect(response?.status()).to.equal(200);
    await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 60_000 });

    const api = await specBackend();
    const operations = api.getOperations();
    expect(operations.length).to.be.greaterThan(30);
    const rendered = await page.$$eval('[data-section-id^="operation/"]', (sections) =>
      sections.map((section) => section.getAttribute('data-section-id')),
    );
    expect(rendered).to.include.members(operations.map((operation) => `operation/${operation.operationId}`));
    // Each operation is listed by its summary, as a reader finds it.
    const text = await page.locator('body').innerText();
    const missing = operations.filter((operation) => operation.summary && !text.includes(operation.summary));
    expect(missing.map((operation) => operation.operationId)).to.deep.equal([]);

    const outside = requests.filter((url) => !url.startsWith(`${suite.server.url}/`) && !/^(data|blob):/.test(url));
    expect(outside, 'requests leaving the server').to.deep.equal([]);
    expect(problems, requests.join('\n')).to.deep.equal([]);
    await page.close();
  });
});
