// The wishlist as the storefront uses it: created on first use, one item per product, the messages
// the storefront shows.
import { expect } from 'chai';
import { makeProduct, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

describe('wishlist', () => {
  const suite = serverForSuite();

  const productIds = (body: { items: { product: { id: number } }[] }) => body.items.map((item) => item.product.id);

  it('is created empty on first use', async () => {
    const client = await shopper(suite.server);
    const first = await client.get('/api/cart/wishlist/');
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({ id: first.body.id, items: [] });
    expect((await client.get('/api/cart/wishlist/')).body.id).to.equal(first.body.id);
  });

  it('adds products in order, with the full product, and answers a duplicate with "Already in wishlist"', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { price: '799.00', stock: 0 });
    const cap = await makeProduct(suite.db);
    const added = await client.post('/api/cart/wishlist/add/', { product_id: tee.id });
    expect(added.status).to.equal(200);
    expect(added.body).to.deep.equal({ message: 'Added to wishlist' });
    await client.post('/api/cart/wishlist/add/', { product_id: cap.id });
    const duplicate = await client.post('/api/cart/wishlist/add/', { product_id: tee.id });
    expect(duplicate.status).to.equal(200);
    expect(duplicate.body).to.deep.equal({ message: 'Already in wishlist' });
    const wishlist = (await client.get('/api/cart/wishlist/')).body;
    expect(productIds(wishlist)).to.deep.equal([tee.id, cap.id]);
    // A sold-out product can still be wished for; it is shown with its stock.
    expect(wishlist.items[0].product).to.include({ id: tee.id, name: tee.name, price: '799.00', stock: 0 });
  });

  it('answers 404 for an unknown product', async () => {
    const client = await shopper(suite.server);
    const response = await client.post('/api/cart/wishlist/add/', { product_id: 2_000_000_000 });
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: 'Product not found.', code: 'not_found', detail: 'Product not found.' });
  });

  for (const [what, body, field, message] of [
    ['no product_id', {}, 'product_id', 'This field is required.'],
    ['a non-numeric product_id', { product_id: 'tee' }, 'product_id', 'A valid integer is required.'],
    ['product_id 0', { product_id: 0 }, 'product_id', 'Ensure this value is greater than or equal to 1.'],
    [
      'a product_id beyond the id range',
      { product_id: 3_000_000_000 },
      'product_id',
      'Ensure this value is less than or equal to 2147483647.',
    ],
    ['an unknown field', { product_id: 1, note: 'x' }, 'note', 'Unknown field.'],
  ] as Array<[string, unknown, string, string]>) {
    it(`answers 400 for ${what}`, async () => {
      const response = await (await shopper(suite.server)).post('/api/cart/wishlist/add/', body);
      expect(response.status).to.equal(400);
      expect(response.body.code).to.equal('validation_error');
      expect(response.body.fields[field]).to.deep.equal([message]);
    });
  }

  it('removes an item; removing it again answers 404', async () => {
    const client = await shopper(suite.server);
    const product = await makeProduct(suite.db);
    await client.post('/api/cart/wishlist/add/', { product_id: product.id });
    const itemId = (await client.get('/api/cart/wishlist/')).body.items[0].id as number;
    const removed = await client.delete(`/api/cart/wishlist/remove/${itemId}/`);
    expect(removed.status).to.equal(200);
    expect(removed.body).to.deep.equal({ message: 'Removed' });
    expect((await client.get('/api/cart/wishlist/')).body.items).to.deep.equal([]);
    const again = await client.delete(`/api/cart/wishlist/remove/${itemId}/`);
    expect(again.status).to.equal(404);
    expect(again.body).to.deep.equal({ error: 'Wishlist item not found.', code: 'not_found', detail: 'Wishlist item not found.' });
  });

  it('drops the item of a deleted product', async () => {
    const client = await shopper(suite.server);
    const kept = await makeProduct(suite.db);
    const deleted = await makeProduct(suite.db);
    await client.post('/api/cart/wishlist/add/', { product_id: kept.id });
    await client.post('/api/cart/wishlist/add/', { product_id: deleted.id });
    await suite.db('products').where({ id: deleted.id }).del();
    expect(productIds((await client.get('/api/cart/wishlist/')).body)).to.deep.equal([kept.id]);
  });
});
