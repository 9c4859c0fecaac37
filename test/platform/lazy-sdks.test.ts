// The integrations' SDKs (Stripe, Cloudinary, nodemailer, google-auth-library) and the
// transliteration tables are imported on first use only: a serving process started without them
// configured, or with them configured but not yet used, never loads them (tens of MB of memory and
// start-up time). Checked in a child process that runs what a worker runs (src/runtime/serve.ts:
// the services, the app, the housekeeping, one request) with a hook recording every module it
// resolves, so a static import of an SDK anywhere in the worker's module graph fails the test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../../src/paths.js';
import { TEST_SECRET } from '../support/server.js';
const LAZY_PACKAGES = ['stripe', 'cloudinary', 'nodemailer', 'google-auth-library', 'transliteration'];

// The child: a worker's start on an in-memory embedded database, one request, a graceful stop; then,
// as the control that the record sees these packages at all, an import of each.
const CHILD = `
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
const [hook, record, settings] = process.argv.slice(1);
register(hook, { data: { file: record } });
const { loadConfig } = await import('./src/config.ts');
const { createDatabase } = await import('./src/db.ts');
const { createLogger } = await import('./src/log.ts');
const { serve } = await import('./src/runtime/serve.ts');
const db = createDatabase({ inMemory: true });
await db.migrate.latest();
const serving = await serve(loadConfig(JSON.parse(settings)), db, createLogger('silent'));
const answer = await fetch('http://127.0.0.1:' + serving.server.address().port + '/api/products/');
if (answer.status !== 200) throw new Error('GET /api/products/ answered ' + answer.status);
await serving.stop();
appendFileSync(record, 'served\\n');
for (const name of ${JSON.stringify(LAZY_PACKAGES)}) await import(name);
`;

/** The lazy packages the child loaded while serving, and those it loaded in the control. */
function loadedBy(settings: Record<string, string>): { serving: string[]; control: string[] } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lazy-sdks-'));
  try {
    const record = path.join(dataDir, 'resolved.txt');
    const hook = pathToFileURL(path.join(PROJECT_ROOT, 'test/support/record-resolutions.mjs')).href;
    const env = { SECRET_KEY: TEST_SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', ...settings };
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, hook, record, JSON.stringify(env)], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(child.status, child.stderr).to.equal(0);
    const [serving = '', control = ''] = readFileSync(record, 'utf8').split('served\n');
    const packagesIn = (urls: string) => LAZY_PACKAGES.filter((name) => urls.includes(`/node_modules/${name}/`));
    return { serving: packagesIn(serving), control: packagesIn(control) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('SDKs loaded on first use only', function () {
  // Two child processes, each compiling the app with tsx and migrating a database.
  this.timeout(120_000);

  it('a worker with no integration configured loads none of them', () => {
    const loaded = loadedBy({});
    expect(loaded.serving).to.deep.equal([]);
    expect(loaded.control, 'the record sees each package when it is imported').to.deep.equal(LAZY_PACKAGES);
  });

  it('a worker with every integration configured loads none of them until one is used', () => {
    const loaded = loadedBy({
      STRIPE_SECRET_KEY: 'sk_test_lazy',
      STRIPE_WEBHOOK_SECRET: 'whsec_lazy',
      CLOUDINARY_URL: 'cloudinary://key:secret@lazy-cloud',
      SMTP_URL: 'smtp://127.0.0.1:1',
      GOOGLE_CLIENT_ID: 'lazy.apps.googleusercontent.com',
    });
    expect(loaded.serving).to.deep.equal([]);
    expect(loaded.control).to.deep.equal(LAZY_PACKAGES);
  });
});
