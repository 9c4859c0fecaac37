// The seed through Cloudinary: products.json's format as it is, each image uploaded by its
// URL (query string dropped) under products/<item id>, nothing duplicated or re-uploaded on a
// re-run, failures reported and skipped, progress and a summary printed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createMediaStore } from '../../src/services.js';
import { seedCatalogue } from '../../src/catalogue/seed-catalogue.js';
import { unique } from '../support/factories.js';
import { startFakeCloudinary, type FakeCloudinary } from '../../testing/fakes/cloudinary.js';
import { testDatabase } from '../support/server.js';

describe('catalogue seed through Cloudinary (real SDK, local fake upload API)', () => {
  let cloudinary: FakeCloudinary;
  before(async () => {
    cloudinary = await startFakeCloudinary();
  });
  after(() => cloudinary.close());

  it('uploads each image once by URL, re-runs change nothing, failures are skipped and reported', async () => {
    const prefix = unique('cl');
    const cdn = 'https://images.example-cdn.com/store';
    const catalogue = {
      products: [
        {
          id: `${prefix}-1`,
          name: 'Goku Tee',
          price: 1495,
          category: 'Men',
          image: `${cdn}/goku.jpg?format=webp&w=300`,
          description: 'Orange training tee with a kanji print.',
          stock: 12,
        },
        {
          id: `${prefix}-2`,
          name: 'Bulma Dress',
          price: '2199.00',
          category: 'Women',
          image: `${cdn}/bulma.png?w=300`,
          description: 'Capsule Corp summer dress in teal.',
          stock: 4,
        },
        {
          id: `${prefix}-3`,
          name: 'Plain Tee',
          price: 299,
          category: 'men',
          image: null,
          description: 'A tee with no picture at all.',
          stock: 1,
        },
        {
          id: `${prefix}-4`,
          name: 'Lost Tee',
          price: 599,
          category: 'Men',
          image: `${cdn}/unreachable/lost.jpg?w=300`,
          description: 'Its image cannot be fetched.',
          stock: 3,
        },
        {
          id: `${prefix}-5`,
          name: 'Broken',
          price: 'abc',
          category: 'Men',
          image: `${cdn}/broken.jpg`,
          description: 'This one has a bad price.',
          stock: 1,
        },
      ],
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'catalogue-')), 'products.json');
    writeFileSync(file, JSON.stringify(catalogue));
    const { db } = await testDatabase();
    const media = createMediaStore({
      cloudinary: {
        cloudName: cloudinary.cloudName,
        apiKey: cloudinary.apiKey,
        apiSecret: cloudinary.apiSecret,
        apiBase: cloudinary.apiBase,
      },
      dataDir: tmpdir(),
    });
    const lines: string[] = [];
    const run = () => seedCatalogue(db, { file, media, print: (line) => lines.push(line) });
    cloudinary.unreachable = /\/unreachable\//;

    const first = await run();
    expect(first).to.deep.include({ created: 3, updated: 0, unchanged: 0 });
    expect(first.failed.map((failure) => failure.id)).to.deep.equal([`${prefix}-4`, `${prefix}-5`]);
    expect(first.failed[0]!.reason).to.match(/Cloudinary upload failed: Resource not found/);
    expect(first.failed[1]!.reason).to.match(/price/);
    expect(cloudinary.rejected).to.deep.equal([]);
    expect(cloudinary.uploads.map((upload) => [upload.publicId, upload.url])).to.deep.equal([
      [`products/${prefix}-1`, `${cdn}/goku.jpg`],
      [`products/${prefix}-2`, `${cdn}/bulma.png`],
    ]);
    const rows = await db('products').where('source_id', 'like', `${prefix}-%`).orderBy('source_id');
    expect(rows.map((row) => [row.source_id, row.category])).to.deep.equal([
      [`${prefix}-1`, 'men'],
      [`${prefix}-2`, 'women'],
      [`${prefix}-3`, 'men'],
    ]);
    expect(rows[2].image).to.equal(null);
    expect(rows[0].image).to.match(new RegExp(`^https://res\\.cloudinary\\.com/fake-cloud/image/upload/v\\d+/products/${prefix}-1\\.jpg$`));
    expect(rows[1].image).to.match(new RegExp(`^https://res\\.cloudinary\\.com/fake-cloud/image/upload/v\\d+/products/${prefix}-2\\.png$`));
    expect(lines[0]).to.equal(`Importing 5 products from products.json (images uploaded to Cloudinary)`);
    expect(lines).to.include('  imported 5/5');
    expect(lines).to.include('Catalogue import from products.json: 3 created, 0 updated, 0 unchanged, 2 failed');

    // Again: nothing duplicated, nothing uploaded again (the unreachable image is tried again and fails again).
    const second = await run();
    expect(second).to.deep.include({ created: 0, updated: 0, unchanged: 3 });
    expect(second.failed).to.have.length(2);
    expect(cloudinary.uploads).to.have.length(2);
    expect(await db('products').where('source_id', 'like', `${prefix}-%`).count({ n: '*' }).first()).to.satisfy(
      (row: { n: unknown }) => Number(row.n) === 3,
    );

    // The image comes back: only that item is created and uploaded.
    cloudinary.unreachable = undefined;
    const third = await run();
    expect(third).to.deep.include({ created: 1, updated: 0, unchanged: 3 });
    expect(cloudinary.uploads.map((upload) => upload.publicId).slice(2)).to.deep.equal([`products/${prefix}-4`]);

    // A new source image for an item: uploaded again under the same public id, the row updated.
    catalogue.products[0]!.image = `${cdn}/goku-v2.jpg?format=webp`;
    writeFileSync(file, JSON.stringify(catalogue));
    const fourth = await run();
    expect(fourth).to.deep.include({ created: 0, updated: 1, unchanged: 3 });
    expect(cloudinary.uploads.slice(3).map((upload) => [upload.publicId, upload.url])).to.deep.equal([
      [`products/${prefix}-1`, `${cdn}/goku-v2.jpg`],
    ]);

    // An upload error (Cloudinary answers 500) fails that item only; the next run picks it up.
    catalogue.products[1]!.image = `${cdn}/bulma-v2.png`;
    writeFileSync(file, JSON.stringify(catalogue));
    cloudinary.failNext();
    const fifth = await run();
    expect(fifth).to.deep.include({ created: 0, updated: 0, unchanged: 3 });
    expect(fifth.failed.map((failure) => failure.id)).to.deep.equal([`${prefix}-2`, `${prefix}-5`]);
    expect(fifth.failed[0]!.reason).to.match(/Cloudinary upload failed/);
    const sixth = await run();
    expect(sixth).to.deep.include({ created: 0, updated: 1, unchanged: 3 });
    expect(cloudinary.rejected).to.deep.equal([]);
  });

  it('without Cloudinary (local media store, no network) imports every valid item keeping the source URL', async () => {
    const prefix = unique('lo');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'catalogue-')), 'products.json');
    const image = 'https://images.example-cdn.com/store/p01.jpg?format=webp&w=300';
    writeFileSync(
      file,
      JSON.stringify({
        products: [
          {
            id: `${prefix}-1`,
            name: 'Goku Tee',
            price: 1495,
            category: 'Men',
            image,
            description: 'Orange training tee with a kanji print.',
            stock: 12,
          },
        ],
      }),
    );
    const { db } = await testDatabase();
    const media = createMediaStore({ cloudinary: undefined, dataDir: tmpdir() });
    const summary = await seedCatalogue(db, { file, media, print: () => undefined });
    expect(summary).to.deep.include({ created: 1, failed: [] });
    expect((await db('products').where('source_id', `${prefix}-1`).first()).image).to.equal(image);
    expect(await seedCatalogue(db, { file, media, print: () => undefined })).to.deep.include({ unchanged: 1 });
  });
});
