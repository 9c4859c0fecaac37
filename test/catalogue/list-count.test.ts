// X-Total-Count of the product list is kept per filter and counted again only when the catalogue
// version moves, so it must stay exact after every kind of write that changes which products a
// filter matches — through the API, or straight in the database as another server process would —
// while stock changes (every order) leave the kept counts alone.
import { expect } from 'chai';
import { makeProduct, shopper, staffClient, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import { placeCodOrder } from '../orders/support.js';

describe('X-Total-Count of the product list after catalogue writes', () => {
  const suite = serverForSuite();
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });

  const totalOf = async (query: string) => {
    const response = await suite.server.client().get(`/api/products/?${query}`);
    expect(response.status).to.equal(200);
    return Number(response.headers.get('x-total-count'));
  };
  const version = async () => String(((await suite.db('catalogue_version').select('version').first()) as { version: string }).version);

  it('follows creations, renames, price and category changes and deletions made through the API', async () => {
    const word = unique('countword');
    const search = `search=${word}`;
    const priced = `search=${word}&min_price=1000`;
    const women = `search=${word}&category=women`;
    expect([await totalOf(search), await totalOf(priced), await totalOf(women)]).to.deep.equal([0, 0, 0]);

    const created = await staff.post('/api/products/create/', {
      name: `Counted Tee ${word}`,
      price: '1495.00',
      category: 'Men',
      description: 'A tee to count.',
      stock: 3,
    });
    expect(created.status).to.equal(201);
    expect([await totalOf(search), await totalOf(priced), await totalOf(women)]).to.deep.equal([1, 1, 0]);

    const other = await makeProduct(suite.db, { name: 'Plain Tee', price: '499.00' });
    expect(await totalOf(search)).to.equal(1);
    expect((await staff.patch(`/api/products/${other.id}/`, { name: `Renamed Tee ${word}` })).status).to.equal(200);
    expect([await totalOf(search), await totalOf(priced)]).to.deep.equal([2, 1]);

    expect((await staff.patch(`/api/products/${other.id}/`, { price: '1999.00' })).status).to.equal(200);
    expect(await totalOf(priced)).to.equal(2);
    expect((await staff.patch(`/api/products/${created.body.id}/`, { category: 'women' })).status).to.equal(200);
    expect(await totalOf(women)).to.equal(1);

    expect((await staff.delete(`/api/products/${created.body.id}/`)).status).to.equal(204);
    expect([await totalOf(search), await totalOf(priced), await totalOf(women)]).to.deep.equal([1, 1, 0]);
  });

  it('follows writes made straight in the database, as by another server process', async () => {
    const word = unique('elsewhere');
    expect(await totalOf(`search=${word}`)).to.equal(0);
    const product = await makeProduct(suite.db, { name: `Elsewhere Tee ${word}` });
    expect(await totalOf(`search=${word}`)).to.equal(1);
    await suite
      .db('products')
      .where({ id: product.id })
      .update({ description: `Also ${word}`, name: 'Elsewhere Tee' });
    expect(await totalOf(`search=${word}`)).to.equal(1);
    await suite.db('products').where({ id: product.id }).delete();
    expect(await totalOf(`search=${word}`)).to.equal(0);
  });

  it('is not counted again on every request: a count kept for a filter is answered until the catalogue version moves', async () => {
    const word = unique('kept');
    await makeProduct(suite.db, { name: `Kept Tee ${word}` });
    expect(await totalOf(`search=${word}`)).to.equal(1);
    // A row written while the trigger is off does not move the version: the kept count is answered.
    await suite.db.transaction(async (trx) => {
      await trx.raw('ALTER TABLE products DISABLE TRIGGER products_catalogue_version');
      await makeProduct(trx, { name: `Kept Tee Two ${word}` });
      await trx.raw('ALTER TABLE products ENABLE TRIGGER products_catalogue_version');
    });
    expect(await totalOf(`search=${word}`)).to.equal(1);
    await suite.db('catalogue_version').increment('version', 1);
    expect(await totalOf(`search=${word}`)).to.equal(2);
  });

  it('is not disturbed by orders: taking stock leaves the catalogue version alone, and the count exact', async () => {
    const word = unique('ordered');
    const tee = await makeProduct(suite.db, { name: `Ordered Tee ${word}`, stock: 5 });
    expect(await totalOf(`search=${word}`)).to.equal(1);
    const before = await version();
    const buyer = await shopper(suite.server);
    const order = await placeCodOrder(buyer, tee.id, 2);
    expect(order.status).to.equal(200);
    expect(await version()).to.equal(before);
    expect(await totalOf(`search=${word}`)).to.equal(1);
  });
});
