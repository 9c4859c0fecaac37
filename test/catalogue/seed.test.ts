// The catalogue import: the original backend's products.json format, normalised categories,
// bad items skipped with a reason, and idempotent re-runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { importCatalogue, readCatalogueFile } from '../../src/catalogue/import.js';
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

  it("accepts the original's format, normalises categories, and re-running changes nothing", async () => {
    const prefix = unique('src');
    const original = {
      products: [
        { id: `${prefix}-1`, name: 'Goku Tee', price: 1495, category: 'Men', image: 'https://cdn.example.com/goku.jpg?format=webp&w=300', description: 'Orange training tee with a kanji print.', stock: 12 },
        { id: `${prefix}-2`, name: 'Goku Tee', price: '799.5', category: 'WOMEN', image: null, description: 'Cropped version of the training tee.', stock: 0 },
        { id: `${prefix}-3`, name: 'Broken', price: 'abc', category: 'Men', description: 'This one has a bad price.', stock: 1 },
        { id: `${prefix}-4`, name: 'Kids Tee', price: 299, category: 'Kids', description: 'Category the shop does not sell.', stock: 1 },
      ],
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'catalogue-')), 'products.json');
    writeFileSync(file, JSON.stringify(original));
    const { db } = await testDatabase();

    const first = await importCatalogue(db, await readCatalogueFile(file));
    expect(first).to.deep.include({ created: 2, updated: 0, unchanged: 0 });
    expect(first.failed.map((failure) => failure.id)).to.deep.equal([`${prefix}-3`, `${prefix}-4`]);
    expect(first.failed[0]!.reason).to.match(/price/);
    expect(first.failed[1]!.reason).to.match(/category/);

    const rows = await db('products').where('source_id', 'like', `${prefix}-%`).orderBy('source_id');
    expect(rows.map((row) => [row.category, row.price, row.slug.replace(/-\d+$/, '')])).to.deep.equal([
      ['men', '1495.00', 'goku-tee'],
      ['women', '799.50', 'goku-tee'],
    ]);
    expect(rows[0].slug).not.to.equal(rows[1].slug);
    expect(rows[0].image).to.equal('https://cdn.example.com/goku.jpg?format=webp&w=300');

    const again = await importCatalogue(db, await readCatalogueFile(file));
    expect(again).to.deep.include({ created: 0, updated: 0, unchanged: 2 });
    expect(await db('products').where('source_id', 'like', `${prefix}-%`).count({ n: '*' }).first()).to.satisfy((row: { n: unknown }) => Number(row.n) === 2);

    original.products[0]!.stock = 11;
    writeFileSync(file, JSON.stringify(original));
    const changed = await importCatalogue(db, await readCatalogueFile(file));
    expect(changed).to.deep.include({ created: 0, updated: 1, unchanged: 1 });
    expect((await db('products').where('source_id', `${prefix}-1`).first()).stock).to.equal(11);
  });
});
