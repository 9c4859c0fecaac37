// The catalogue import: products.json's format (numeric prices, capitalised categories) stored as
// the API stores a product, items the API would refuse skipped with the API's field messages, and
// re-runs that change nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { importCatalogue, importedImagePublicId, readCatalogueFile } from '../../src/catalogue/import.js';
import { CATALOGUE_FILE } from '../../src/catalogue/seed-catalogue.js';
import { unique } from '../support/factories.js';
import { testDatabase } from '../support/server.js';

describe('catalogue import (knex seed)', () => {
  it("loads the project's products.json: at least 40 valid products, men and women", async () => {
    const items = await readCatalogueFile(CATALOGUE_FILE);
    expect(items.length).to.be.at.least(40);
    const { db } = await testDatabase();
    const summary = await importCatalogue(db, items);
    expect(summary.failed).to.deep.equal([]);
    expect(summary.created + summary.updated + summary.unchanged).to.equal(items.length);
    const categories = await db('products').whereNotNull('source_id').distinct('category').pluck('category');
    expect(categories.sort()).to.deep.equal(['men', 'women']);
  });

  it("accepts products.json's format, normalises categories, and re-running changes nothing", async () => {
    const prefix = unique('src');
    const catalogue = {
      products: [
        {
          id: `${prefix}-1`,
          name: 'Goku Tee',
          price: 1495,
          category: 'Men',
          image: 'https://cdn.example.com/goku.jpg?format=webp&w=300',
          description: 'Orange training tee with a kanji print.',
          stock: 12,
        },
        {
          id: `${prefix}-2`,
          name: 'Goku Tee',
          price: '799.5',
          category: 'WOMEN',
          image: null,
          description: 'Cropped version of the training tee.',
          stock: 0,
        },
        { id: `${prefix}-3`, name: 'Broken', price: 'abc', category: 'Men', description: 'This one has a bad price.', stock: 1 },
        { id: `${prefix}-4`, name: 'Kids Tee', price: 299, category: 'Kids', description: 'Category the shop does not sell.', stock: 1 },
      ],
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'catalogue-')), 'products.json');
    writeFileSync(file, JSON.stringify(catalogue));
    const { db } = await testDatabase();

    const first = await importCatalogue(db, await readCatalogueFile(file));
    expect(first).to.deep.include({ created: 2, updated: 0, unchanged: 0 });
    expect(first.failed.map((failure) => failure.id)).to.deep.equal([`${prefix}-3`, `${prefix}-4`]);
    expect(first.failed[0]!.reason).to.equal('price: Enter an amount from 0 to 1000000 with no more than 2 decimal places.');
    expect(first.failed[1]!.reason).to.equal('category: "Kids" is not a valid choice.');

    const rows = await db('products').where('source_id', 'like', `${prefix}-%`).orderBy('source_id');
    expect(rows.map((row) => [row.category, row.price, row.slug.replace(/-\d+$/, '')])).to.deep.equal([
      ['men', '1495.00', 'goku-tee'],
      ['women', '799.50', 'goku-tee'],
    ]);
    expect(rows[0].slug).not.to.equal(rows[1].slug);
    expect(rows[0].image).to.equal('https://cdn.example.com/goku.jpg?format=webp&w=300');

    const again = await importCatalogue(db, await readCatalogueFile(file));
    expect(again).to.deep.include({ created: 0, updated: 0, unchanged: 2 });
    expect(await db('products').where('source_id', 'like', `${prefix}-%`).count({ n: '*' }).first()).to.satisfy(
      (row: { n: unknown }) => Number(row.n) === 2,
    );

    catalogue.products[0]!.stock = 11;
    writeFileSync(file, JSON.stringify(catalogue));
    const changed = await importCatalogue(db, await readCatalogueFile(file));
    expect(changed).to.deep.include({ created: 0, updated: 1, unchanged: 1 });
    expect((await db('products').where('source_id', `${prefix}-1`).first()).stock).to.equal(11);
  });

  it("refuses what the API refuses (the spec's ProductInput and the same normalisation), naming every field and its message", async () => {
    const prefix = unique('rules');
    const item = (id: string, fields: Record<string, unknown>) => ({
      id: `${prefix}-${id}`,
      name: 'Bulma Jacket',
      price: 2499,
      category: 'Women',
      image: null,
      description: 'Cropped bomber jacket in teal.',
      stock: 3,
      ...fields,
    });
    const { db } = await testDatabase();
    const summary = await importCatalogue(db, [
      item('many', { name: 'Go', category: 'Kids', stock: -1 }),
      item('decimals', { price: 10.555 }),
      item('trimmed', { name: '  Go  ' }),
      item('image', { image: 'not a url' }),
      item('long-description', { description: 'x'.repeat(5001) }),
      { name: 'No Id Jacket', price: 10, category: 'Men', description: 'An item the file gave no id.' },
      item('fine', {}),
      item('fine', { name: 'Bulma Jacket Again' }),
    ]);
    expect(summary).to.deep.include({ created: 1, updated: 0, unchanged: 0 });
    expect(summary.failed).to.deep.equal([
      {
        id: `${prefix}-many`,
        reason:
          'name: Ensure this field has at least 3 characters.; category: "Kids" is not a valid choice.; ' +
          'stock: Ensure this value is greater than or equal to 0.',
      },
      { id: `${prefix}-decimals`, reason: 'price: Ensure that there are no more than 2 decimal places.' },
      { id: `${prefix}-trimmed`, reason: 'name: Ensure this field has at least 3 characters.' },
      { id: `${prefix}-image`, reason: 'image: Enter a valid http:// or https:// URL.' },
      { id: `${prefix}-long-description`, reason: 'description: Ensure this field has no more than 5000 characters.' },
      { id: '#6', reason: 'id: This field is required.' },
      { id: `${prefix}-fine`, reason: 'id: An earlier item of the file has this id.' },
    ]);
  });
});

// The Knex seed file itself, as an operator runs it (`npx knex migrate:latest`, `npx knex seed:run`
// through knexfile.js), on a throwaway embedded database — never the suite's or a shared server's.
describe('npx knex seed:run (the CLI, on a fresh embedded database)', () => {
  const knex = (dataDir: string, file: string, ...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, CATALOGUE_FILE: file };
    delete env.DATABASE_URL;
    delete env.CLOUDINARY_URL;
    const run = spawnSync('npx', ['knex', ...args], { env, encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };

  it('refuses to import into an unmigrated database with what to do, then imports, skips bad items (exiting 1) and re-runs changing nothing', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'seed-cli-'));
    const file = path.join(dir, 'products.json');
    writeFileSync(
      file,
      JSON.stringify({
        products: [
          {
            id: 'p01',
            name: 'Goku Tee',
            price: 1495,
            category: 'Men',
            image: 'https://cdn.example.com/goku.jpg?format=webp&w=300',
            description: 'Orange training tee with a kanji print.',
            stock: 12,
          },
          { id: 'p02', name: 'Broken', price: 'abc', category: 'Men', description: 'This one has a bad price.', stock: 1 },
          'not an item',
          {
            id: 'p03',
            name: 'Bulma Jacket',
            price: '2499.50',
            category: 'WOMEN',
            image: null,
            description: 'Cropped bomber jacket in teal.',
            stock: 3,
          },
        ],
      }),
    );
    const unmigrated = knex(dir, file, 'seed:run');
    expect(unmigrated.status, unmigrated.output).to.not.equal(0);
    expect(unmigrated.output).to.include('The database has no products table: run "npx knex migrate:latest" first.');
    expect(unmigrated.output).not.to.match(/failed p01/);

    expect(knex(dir, file, 'migrate:latest').status).to.equal(0);
    const first = knex(dir, file, 'seed:run');
    // Items failed: the good ones are imported, and the run exits 1 so a script notices.
    expect(first.status, first.output).to.equal(1);
    expect(first.output).to.include('Importing 4 products from products.json (image URLs kept as given)');
    expect(first.output).to.include('Catalogue import from products.json: 2 created, 0 updated, 0 unchanged, 2 failed');
    expect(first.output).to.include('failed p02: price: Enter an amount from 0 to 1000000 with no more than 2 decimal places.');
    expect(first.output).to.include('failed #3: Expected an object.');
    const second = knex(dir, file, 'seed:run');
    expect(second.status, second.output).to.equal(1);
    expect(second.output).to.include('Catalogue import from products.json: 0 created, 0 updated, 2 unchanged, 2 failed');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('public ids of imported images', () => {
  it('are products/<id> for plain ids, and distinct for ids that differ only in characters a public id cannot carry', () => {
    expect(importedImagePublicId('p01')).to.equal('products/p01');
    expect(importedImagePublicId('gen_7-b')).to.equal('products/gen_7-b');
    const ids = ['p.01', 'p_01', 'p/01', 'p 01', 'p..01'].map(importedImagePublicId);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(importedImagePublicId('p.01')).to.equal(importedImagePublicId('p.01'));
    for (const id of ids) expect(id).to.match(/^products\/[A-Za-z0-9_-]+$/);
  });
});
