// A fresh clone works: `npm start` with nothing configured compiles the server (dist/), migrates a
// new embedded database, loads the catalogue into it and serves the API, the spec and the docs; a
// restart does not load the catalogue a second time. It runs as an operator runs it (npm start in
// a child process, only PORT and DATA_DIR set) and stops as a process manager stops it: a signal
// to npm's process or to node's ends the server gracefully (exit 0), frees the port and leaves
// no process behind.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { readCatalogueFile } from '../../src/catalogue/import.js';
import { CATALOGUE_FILE } from '../../src/catalogue/seed-catalogue.js';
import { Client } from '../support/client.js';
import { descendants, isAlive, portAnswers, startServerProcess, type ServerProcess } from '../support/server-process.js';

/** Sends `signal` to `pid` and checks the whole `npm start` tree ends cleanly. */
async function stopWith(server: ServerProcess, signal: NodeJS.Signals, pid: number): Promise<void> {
  const tree = descendants(server.child.pid!);
  expect(tree, 'npm start runs node').to.have.length.greaterThan(0);
  process.kill(pid, signal);
  expect(await server.exited, server.output()).to.equal(0);
  expect(server.output()).to.include('shutting down');
  for (let wait = 0; wait < 50 && tree.some(isAlive); wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(tree.filter(isAlive), 'processes left behind').to.deep.equal([]);
  expect(await portAnswers(server.port), 'the port is free').to.equal(false);
}

describe('npm start with nothing configured (a fresh clone)', function () {
  // The first start may compile dist/ (tsc) on a busy machine.
  this.timeout(300_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fresh-start-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, loads products.json, and serves the catalogue, /healthz, the spec and the docs; a restart loads nothing again', async () => {
    const expected = (await readCatalogueFile(CATALOGUE_FILE)).length;
    const first = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(first.output()).to.include('migrations applied');
      expect(first.output()).to.include(`Catalogue import from products.json: ${expected} created, 0 updated, 0 unchanged, 0 failed`);
      const client = new Client(first.url);
      const products = await client.get('/api/products/?limit=500');
      expect(products.status).to.equal(200);
      expect(products.body).to.have.length(expected);
      expect(products.headers.get('x-total-count')).to.equal(String(expected));
      expect(new Set(products.body.map((product: { category: string }) => product.category))).to.deep.equal(new Set(['men', 'women']));
      expect((await client.get('/healthz')).body).to.deep.equal({ status: 'ok', database: 'ok' });
      expect((await client.get('/api/openapi.yaml')).text).to.match(/^openapi: 3\.0\.3/);
      expect((await client.get('/api/docs')).text).to.include('Redoc.init(');
    } finally {
      // SIGTERM to npm's own process, as a process manager or container runtime sends it.
      await stopWith(first, 'SIGTERM', first.child.pid!);
    }

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(second.output()).to.include('database schema up to date');
      expect(second.output()).not.to.include('Catalogue import');
      const again = await new Client(second.url).get('/api/products/?limit=1');
      expect(again.headers.get('x-total-count')).to.equal(String(expected));
    } finally {
      // SIGINT to node itself (the process npm started), as Ctrl-C or `kill -INT` of its pid.
      const node = descendants(second.child.pid!).at(-1)!;
      await stopWith(second, 'SIGINT', node);
    }
  });

  it('runs compiled JavaScript: no TypeScript compiler or loader in the serving process', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const [node] = descendants(server.child.pid!);
      const commandLine = readFileSync(`/proc/${node}/cmdline`, 'utf8').split('\0').join(' ');
      expect(commandLine).to.match(/node dist\/src\/main\.js/);
      expect(commandLine).not.to.match(/tsx|\.ts\b/);
    } finally {
      await stopWith(server, 'SIGTERM', server.child.pid!);
    }
  });
});
