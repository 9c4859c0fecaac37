// The public catalogue's reads send the JSON text PostgreSQL makes of each product (see
// SHOWN_AS_JSON in product.model.ts); every other answer with a product in it (a write, a cart line,
// a wishlist) goes through toProductResponse and JSON.stringify. The two must write the same text,
// byte for byte, whatever a row holds: characters JSON escapes, any price the column allows,
// timestamps with microseconds, written at any offset, read under any session time zone.
import { expect } from 'chai';
import { Product, toProductResponse, type ProductRow } from '../../src/catalogue/product.model.js';
import { makeProduct, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

const SHOWN = ['id', 'name', 'slug', 'price', 'category', 'image', 'description', 'stock', 'created_at', 'updated_at'];

describe('Product JSON made by the database', () => {
  const suite = serverForSuite();

  /** What every other answer would say of these products: the rows through toProductResponse. */
  const stringified = async (ids: number[]) => {
    const rows = (await suite
      .db('products')
      .select(SHOWN)
      .whereIn('id', ids)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])) as ProductRow[];
    return rows.map((row) => JSON.stringify(toProductResponse(row)));
  };

  /** Products holding what is hardest to write as JSON, all findable by one word. */
  const awkwardProducts = async (word: string) => {
    const texts = [
      `Quote " backslash \\ slash / ${word}`,
      `Controls \u0001\u001f\b\f\n\r\t DEL \u007f ${word}`,
      `Separators \u2028\u2029 emoji 👕 accents Ünïcödé ${word}`,
    ];
    const products = [
      await makeProduct(suite.db, { name: texts[0], price: '0.00', image: null, description: texts[1] }),
      await makeProduct(suite.db, { name: texts[1], price: '1000000.00', description: texts[2] }),
      await makeProduct(suite.db, {
        name: texts[2],
        price: '5.5',
        image: 'https://img.example/a.jpg?x=1&y=ü',
        description: '</script> <!-- closing tags -->',
      }),
      await makeProduct(suite.db, { name: `Plain ${word}`, price: '1495' }),
    ];
    const ids = products.map((product) => product.id);
    // Microseconds (a Date keeps milliseconds, truncated), written at other offsets, and a round second.
    const moments = [
      ['2026-03-04 05:06:07.999999+00', '2026-03-04 05:06:08.000001+00'],
      ['2026-03-04 10:36:07.123456+05:30', '1999-12-31 23:59:59.9995-08:00'],
      ['2026-03-04 05:06:07+00', '2026-03-04 05:06:07+00'],
      ['2024-02-29 23:59:59.000999+00', '2024-03-01 00:00:00.5+00'],
    ];
    for (const [index, [created, updated]] of moments.entries()) {
      await suite.db('products').where('id', ids[index]).update({ created_at: created, updated_at: updated });
    }
    return ids;
  };

  it('writes one product as toProductResponse and JSON.stringify do', async () => {
    const ids = await awkwardProducts(unique('jsonword'));
    const expected = await stringified(ids);
    const made = await Promise.all(ids.map(async (id) => (await Product.findShownJson(suite.db, id))?.json));
    expect(made.sort()).to.deep.equal([...expected].sort());
    expect(await Product.findShownJson(suite.db, 2_000_000_000)).to.equal(undefined);
  });

  it('writes a page as the array JSON.stringify makes, newest first, under any session time zone', async () => {
    const word = unique('pageword');
    const ids = await awkwardProducts(word);
    const expected = `[${(await stringified(ids)).join(',')}]`;
    await suite.db.transaction(async (trx) => {
      await trx.raw("SET LOCAL TimeZone = 'Asia/Kolkata'");
      const page = await Product.pageJsonMatching(trx, { search: word }, { limit: 10, offset: 0 });
      expect(page.json).to.equal(expected);
    });
    const secondPage = await Product.pageJsonMatching(suite.db, { search: word }, { limit: 2, offset: 2 });
    expect(JSON.parse(secondPage.json)).to.deep.equal(JSON.parse(expected).slice(2));
    const none = await Product.pageJsonMatching(suite.db, { search: unique('nothing') }, { limit: 10, offset: 0 });
    expect(none.json).to.equal('[]');
  });

  it('sends that text: the detail and the list over HTTP parse to the same products', async () => {
    const word = unique('wireword');
    const ids = await awkwardProducts(word);
    const expected = (await stringified(ids)).map((text) => JSON.parse(text) as unknown);
    const list = await suite.server.client().get(`/api/products/?search=${word}`);
    expect(list.status).to.equal(200);
    expect(list.headers.get('content-type')).to.match(/^application\/json/);
    expect(list.body).to.deep.equal(expected);
    for (const product of expected as Array<{ id: number }>) {
      const detail = await suite.server.client().get(`/api/products/${product.id}/`);
      expect(detail.status).to.equal(200);
      expect(detail.body).to.deep.equal(product);
    }
  });
});
