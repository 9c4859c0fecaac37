// The cart as the storefront uses it: created on first use, lines with the full product, the exact
// messages the storefront shows, and stock rules that refuse instead of storing a quantity beyond stock.
import { expect } from 'chai';
import type { Client } from '../support/client.js';
import { makeProduct, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

describe('cart', () => {
  const suite = serverForSuite();

  const lineQuantity = async (productId: number) =>
    ((await suite.db('cart_items').where({ product_id: productId }).first('quantity')) as { quantity: number } | undefined)?.quantity;

  describe('GET /api/cart/', () => {
    it('creates an empty cart on first use and answers the same cart afterwards', async () => {
      const client = await shopper(suite.server);
      const first = await client.get('/api/cart/');
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.equal({ id: first.body.id, items: [], total: '0.00' });
      const second = await client.get('/api/cart/');
      expect(second.body.id).to.equal(first.body.id);
    });

    it('shows each line with the full product, its subtotal and the total, in the order added', async () => {
      const client = await shopper(suite.server);
      const tee = await makeProduct(suite.db, { price: '1495.00', stock: 24 });
      const cap = await makeProduct(suite.db, { price: '0.10', stock: 5 });
      expect((await client.post('/api/cart/add/', { product_id: tee.id, quantity: 2 })).status).to.equal(200);
      expect((await client.post('/api/cart/add/', { product_id: cap.id, quantity: 3 })).status).to.equal(200);
      const cart = (await client.get('/api/cart/')).body;
      expect(cart.items.map((item: { product: { id: number } }) => item.product.id)).to.deep.equal([tee.id, cap.id]);
      expect(cart.items[0]).to.deep.include({ quantity: 2, subtotal: '2990.00', exceeds_stock: false });
      expect(cart.items[0].product).to.include({ id: tee.id, name: tee.name, slug: tee.slug, price: '1495.00', stock: 24 });
      expect(cart.items[1]).to.deep.include({ quantity: 3, subtotal: '0.30', exceeds_stock: false });
      // 2990.00 + 0.30, added in paise: no floating-point drift.
      expect(cart.total).to.equal('2990.30');
    });
  });

  describe('POST /api/cart/add/', () => {
    it('adds one by default and merges later adds into the product’s one line', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { stock: 10 });
      const added = await client.post('/api/cart/add/', { product_id: product.id });
      expect(added.status).to.equal(200);
      expect(added.body).to.deep.equal({ message: 'Added to cart' });
      await client.post('/api/cart/add/', { product_id: product.id, quantity: 4 });
      const cart = (await client.get('/api/cart/')).body;
      expect(cart.items).to.have.length(1);
      expect(cart.items[0].quantity).to.equal(5);
    });

    it('answers 404 for an unknown product', async () => {
      const client = await shopper(suite.server);
      const response = await client.post('/api/cart/add/', { product_id: 2_000_000_000 });
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({ error: 'Product not found.', code: 'not_found', detail: 'Product not found.' });
    });

    it('refuses more than the stock with the storefront’s message', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { stock: 3 });
      const response = await client.post('/api/cart/add/', { product_id: product.id, quantity: 4 });
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({
        error: 'Only 3 item(s) available in stock.',
        code: 'insufficient_stock',
        detail: 'Only 3 item(s) available in stock.',
      });
      expect(await lineQuantity(product.id)).to.equal(undefined);
    });

    it('refuses a sold-out product', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { stock: 0 });
      const response = await client.post('/api/cart/add/', { product_id: product.id });
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('Only 0 item(s) available in stock.');
    });

    it('refuses a merge beyond stock, naming what is left, and keeps the line as it was', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { stock: 5 });
      await client.post('/api/cart/add/', { product_id: product.id, quantity: 3 });
      const response = await client.post('/api/cart/add/', { product_id: product.id, quantity: 3 });
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({
        error: 'Cannot add 3 more. Only 2 item(s) available.',
        code: 'insufficient_stock',
        detail: 'Cannot add 3 more. Only 2 item(s) available.',
      });
      expect(await lineQuantity(product.id)).to.equal(3);
      // Exactly up to the stock is fine.
      expect((await client.post('/api/cart/add/', { product_id: product.id, quantity: 2 })).status).to.equal(200);
      expect(await lineQuantity(product.id)).to.equal(5);
    });

    it('says nothing is left when the line already holds more than the stock', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { stock: 5 });
      await client.post('/api/cart/add/', { product_id: product.id, quantity: 4 });
      await suite.db('products').where({ id: product.id }).update({ stock: 2 });
      const response = await client.post('/api/cart/add/', { product_id: product.id, quantity: 1 });
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('Cannot add 1 more. Only 0 item(s) available.');
      expect(await lineQuantity(product.id)).to.equal(4);
    });

    it('refuses a merge beyond 99 per line with a clear 400 (the database would refuse it too)', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { stock: 500 });
      await client.post('/api/cart/add/', { product_id: product.id, quantity: 60 });
      const response = await client.post('/api/cart/add/', { product_id: product.id, quantity: 40 });
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('Cannot add 40 more. A cart line holds at most 99 item(s); you have 60.');
      expect(response.body.code).to.equal('validation_error');
      expect(response.body.fields).to.deep.equal({ quantity: [response.body.error] });
      expect(await lineQuantity(product.id)).to.equal(60);
      expect((await client.post('/api/cart/add/', { product_id: product.id, quantity: 39 })).status).to.equal(200);
      expect(await lineQuantity(product.id)).to.equal(99);
    });

    const invalid: Array<[string, unknown, string, string]> = [
      ['quantity 0', { product_id: 1, quantity: 0 }, 'quantity', 'Ensure this value is greater than or equal to 1.'],
      ['quantity 100', { product_id: 1, quantity: 100 }, 'quantity', 'Ensure this value is less than or equal to 99.'],
      ['a non-numeric quantity', { product_id: 1, quantity: 'two' }, 'quantity', 'A valid integer is required.'],
      ['a fractional quantity', { product_id: 1, quantity: 1.5 }, 'quantity', 'A valid integer is required.'],
      ['no product_id', { quantity: 1 }, 'product_id', 'This field is required.'],
      ['product_id 0', { product_id: 0 }, 'product_id', 'Ensure this value is greater than or equal to 1.'],
      [
        'a product_id beyond the id range',
        { product_id: 99_999_999_999 },
        'product_id',
        'Ensure this value is less than or equal to 2147483647.',
      ],
      ['an unknown field', { product_id: 1, price: 1 }, 'price', 'Unknown field.'],
    ];
    for (const [what, body, field, message] of invalid) {
      it(`answers 400 for ${what}`, async () => {
        const client = await shopper(suite.server);
        const response = await client.post('/api/cart/add/', body);
        expect(response.status).to.equal(400);
        expect(response.body.code).to.equal('validation_error');
        expect(response.body.fields[field]).to.deep.equal([message]);
      });
    }
  });

  describe('PATCH /api/cart/update/{item_id}/', () => {
    async function lineOf(client: Client, stock: number, quantity: number) {
      const product = await makeProduct(suite.db, { stock });
      await client.post('/api/cart/add/', { product_id: product.id, quantity });
      const cart = (await client.get('/api/cart/')).body;
      return { product, itemId: cart.items.find((item: { product: { id: number } }) => item.product.id === product.id).id as number };
    }

    it('sets the quantity within stock, up or down', async () => {
      const client = await shopper(suite.server);
      const { product, itemId } = await lineOf(client, 7, 2);
      const up = await client.patch(`/api/cart/update/${itemId}/`, { quantity: 7 });
      expect(up.status).to.equal(200);
      expect(up.body).to.deep.equal({ message: 'Quantity updated' });
      expect(await lineQuantity(product.id)).to.equal(7);
      await client.patch(`/api/cart/update/${itemId}/`, { quantity: 1 });
      expect(await lineQuantity(product.id)).to.equal(1);
    });

    it('refuses a quantity beyond stock and leaves the line as it was', async () => {
      const client = await shopper(suite.server);
      const { product, itemId } = await lineOf(client, 4, 2);
      const response = await client.patch(`/api/cart/update/${itemId}/`, { quantity: 5 });
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({
        error: 'Only 4 item(s) available in stock.',
        code: 'insufficient_stock',
        detail: 'Only 4 item(s) available in stock.',
      });
      expect(await lineQuantity(product.id)).to.equal(2);
    });

    it('answers 404 for an unknown line', async () => {
      const client = await shopper(suite.server);
      const response = await client.patch('/api/cart/update/2000000000/', { quantity: 1 });
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({ error: 'Cart item not found.', code: 'not_found', detail: 'Cart item not found.' });
    });

    for (const [what, body, field, message] of [
      ['quantity 0', { quantity: 0 }, 'quantity', 'Ensure this value is greater than or equal to 1.'],
      ['quantity 100', { quantity: 100 }, 'quantity', 'Ensure this value is less than or equal to 99.'],
      ['a non-numeric quantity', { quantity: 'abc' }, 'quantity', 'A valid integer is required.'],
      ['no quantity', {}, 'quantity', 'This field is required.'],
    ] as Array<[string, unknown, string, string]>) {
      it(`answers 400 for ${what}`, async () => {
        const client = await shopper(suite.server);
        const { product, itemId } = await lineOf(client, 5, 2);
        const response = await client.patch(`/api/cart/update/${itemId}/`, body);
        expect(response.status).to.equal(400);
        expect(response.body.fields[field]).to.deep.equal([message]);
        expect(await lineQuantity(product.id)).to.equal(2);
      });
    }

    it('answers 400 for an item id that is not a positive integer in range', async () => {
      const client = await shopper(suite.server);
      for (const id of ['abc', '0', '99999999999']) {
        const response = await client.patch(`/api/cart/update/${id}/`, { quantity: 1 });
        expect(response.status, id).to.equal(400);
        expect(response.body.fields).to.have.property('item_id');
      }
    });
  });

  describe('DELETE /api/cart/remove/{item_id}/ and /api/cart/clear/', () => {
    it('removes one line', async () => {
      const client = await shopper(suite.server);
      const keep = await makeProduct(suite.db);
      const drop = await makeProduct(suite.db);
      await client.post('/api/cart/add/', { product_id: keep.id });
      await client.post('/api/cart/add/', { product_id: drop.id });
      const dropId = (await client.get('/api/cart/')).body.items[1].id;
      const response = await client.delete(`/api/cart/remove/${dropId}/`);
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ message: 'Removed' });
      const cart = (await client.get('/api/cart/')).body;
      expect(cart.items.map((item: { product: { id: number } }) => item.product.id)).to.deep.equal([keep.id]);
      const again = await client.delete(`/api/cart/remove/${dropId}/`);
      expect(again.status).to.equal(404);
      expect(again.body).to.deep.equal({ error: 'Cart item not found.', code: 'not_found', detail: 'Cart item not found.' });
    });

    it('empties the cart, and emptying an empty cart is fine', async () => {
      const client = await shopper(suite.server);
      await client.post('/api/cart/add/', { product_id: (await makeProduct(suite.db)).id });
      await client.post('/api/cart/add/', { product_id: (await makeProduct(suite.db)).id, quantity: 2 });
      const cleared = await client.delete('/api/cart/clear/');
      expect(cleared.status).to.equal(200);
      expect(cleared.body).to.deep.equal({ message: 'Cart cleared' });
      expect((await client.get('/api/cart/')).body).to.deep.include({ items: [], total: '0.00' });
      expect((await client.delete('/api/cart/clear/')).status).to.equal(200);
    });
  });

  describe('products that change after they were added', () => {
    it('keeps a line whose product sold out, flagged, with its quantity unchanged', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { price: '250.00', stock: 5 });
      await client.post('/api/cart/add/', { product_id: product.id, quantity: 3 });
      await suite.db('products').where({ id: product.id }).update({ stock: 2 });
      let cart = (await client.get('/api/cart/')).body;
      expect(cart.items[0]).to.deep.include({ quantity: 3, subtotal: '750.00', exceeds_stock: true });
      expect(cart.items[0].product.stock).to.equal(2);
      await suite.db('products').where({ id: product.id }).update({ stock: 0 });
      cart = (await client.get('/api/cart/')).body;
      expect(cart.items[0]).to.deep.include({ quantity: 3, exceeds_stock: true });
      expect(cart.items[0].product.stock).to.equal(0);
      expect(await lineQuantity(product.id)).to.equal(3);
    });

    it('shows the current price', async () => {
      const client = await shopper(suite.server);
      const product = await makeProduct(suite.db, { price: '100.00', stock: 5 });
      await client.post('/api/cart/add/', { product_id: product.id, quantity: 2 });
      await suite.db('products').where({ id: product.id }).update({ price: '120.50' });
      const cart = (await client.get('/api/cart/')).body;
      expect(cart.items[0]).to.deep.include({ subtotal: '241.00' });
      expect(cart.total).to.equal('241.00');
    });

    it('drops the line of a deleted product', async () => {
      const client = await shopper(suite.server);
      const kept = await makeProduct(suite.db, { price: '10.00' });
      const deleted = await makeProduct(suite.db, { price: '99.00' });
      await client.post('/api/cart/add/', { product_id: kept.id });
      await client.post('/api/cart/add/', { product_id: deleted.id });
      await suite.db('products').where({ id: deleted.id }).del();
      const cart = (await client.get('/api/cart/')).body;
      expect(cart.items.map((item: { product: { id: number } }) => item.product.id)).to.deep.equal([kept.id]);
      expect(cart.total).to.equal('10.00');
    });
  });
});
