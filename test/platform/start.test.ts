// A fresh clone works: `npm start` with nothing configured migrates a new embedded database, loads
// the catalogue into it and serves the API, the spec and the docs. Runs the real
// entry point (src/main.ts) in a child process with an empty environment of settings and a fresh
// DATA_DIR; a restart does not load the catalogue a second time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { readCatalogueFile } from '../../src/catalogue/import.js';
import { CATALOGUE_FILE } from '../../src/catalogue/seed-catalogue.js';
import { Client } from '../support/client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `npm start` as a fresh clone runs it: only PORT and DATA_DIR set, no other setting of ours. */
async function start(dataDir: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) env[name] = process.env[name];
  // A developer's .env must not configure this run either (dotenv/config reads DOTENV_CONFIG_PATH).
  Object.assign(env, { PORT: String(port), DATA_DIR: dataDir, DOTENV_CONFIG_PATH: path.join(dataDir, 'none.env') });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('store backend listening')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('npm start with nothing configured (a fresh clone)', function () {
  this.timeout(120_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fresh-start-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, loads products.json, and serves the catalogue, /healthz, the spec and the docs; a restart loads nothing again', async () => {
    const expected = (await readCatalogueFile(CATALOGUE_FILE)).length;
    const port = await freePort();
    const first = await start(dataDir, port);
    try {
      expect(first.output()).to.include('migrations applied');
      expect(first.output()).to.include(`Catalogue import from products.json: ${expected} created, 0 updated, 0 unchanged, 0 failed`);
      const client = new Client(`http://127.0.0.1:${port}`);
      const products = await client.get('/api/products/?limit=500');
      expect(products.status).to.equal(200);
      expect(products.body).to.have.length(expected);
      expect(products.headers.get('x-total-count')).to.equal(String(expected));
      expect(new Set(products.body.map((product: { category: string }) => product.category))).to.deep.equal(new Set(['men', 'women']));
      expect((await client.get('/healthz')).body).to.deep.equal({ status: 'ok', database: 'ok' });
      expect((await client.get('/api/openapi.yaml')).text).to.match(/^openapi: 3\.0\.3/);
      expect((await client.get('/api/docs')).text).to.include('Redoc.init(');
    } finally {
      await stop(first.child);
    }

    const second = await start(dataDir, port);
    try {
      expect(second.output()).to.include('database schema up to date');
      expect(second.output()).not.to.include('Catalogue import');
      const again = await new Client(`http://127.0.0.1:${port}`).get('/api/products/?limit=1');
      expect(again.headers.get('x-total-count')).to.equal(String(expected));
    } finally {
      await stop(second.child);
    }
  });
});
