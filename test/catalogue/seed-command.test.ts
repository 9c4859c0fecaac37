// `npx knex seed:run` as an operator runs it (a child process, embedded database in a temporary
// DATA_DIR, no .env file): a catalogue file that is missing or not JSON is named in one line, and
// a run in which items failed exits non-zero after importing the good ones.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCommand } from '../support/command.js';

const knex = (args: string[], settings: Record<string, string>) => runCommand(['npx', 'knex', ...args], { NO_COLOR: '1', ...settings });

describe('npx knex seed:run and its catalogue file', function () {
  this.timeout(180_000);
  let dir: string;
  let settings: Record<string, string>;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seed-command-'));
    settings = { DATA_DIR: path.join(dir, 'data') };
    const migrated = await knex(['migrate:latest'], settings);
    expect(migrated.code, migrated.stderr).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names a catalogue file that does not exist, in one line, and exits 1', async () => {
    const file = path.join(dir, 'missing.json');
    const outcome = await knex(['seed:run'], { ...settings, CATALOGUE_FILE: file });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim()).to.equal(`Catalogue file ${file} does not exist (CATALOGUE_FILE names the file to import).`);
  });

  it('names a catalogue file that is not valid JSON, and exits 1', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"products": [ {"id": "p01", ');
    const outcome = await knex(['seed:run'], { ...settings, CATALOGUE_FILE: file });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim().split('\n')).to.have.length(1);
    expect(outcome.stderr).to.include(`Catalogue file ${file} is not valid JSON`);
  });

  it('imports the good items, lists the bad ones and exits 1 when any failed', async () => {
    const file = path.join(dir, 'mixed.json');
    const good = { id: 'seedcmd-1', name: 'Khadi Kurta', price: 899, category: 'Men', description: 'Handspun cotton kurta.', stock: 4 };
    const bad = {
      id: 'seedcmd-2',
      name: 'Kids Tee',
      price: 299,
      category: 'Kids',
      description: 'A category the shop does not sell.',
      stock: 1,
    };
    writeFileSync(file, JSON.stringify({ products: [good, bad] }));
    const outcome = await knex(['seed:run'], { ...settings, CATALOGUE_FILE: file });
    expect(outcome.code).to.equal(1);
    expect(outcome.stdout).to.include('1 created, 0 updated, 0 unchanged, 1 failed');
    expect(outcome.stdout).to.include('failed seedcmd-2: category: "Kids" is not a valid choice.');
    expect(outcome.stderr).to.include(`1 item(s) of ${file} failed`);

    writeFileSync(file, JSON.stringify({ products: [good] }));
    const clean = await knex(['seed:run'], { ...settings, CATALOGUE_FILE: file });
    expect(clean.code, clean.stderr).to.equal(0);
    expect(clean.stdout).to.include('0 created, 0 updated, 1 unchanged, 0 failed');
  });
});
