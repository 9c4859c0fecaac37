// GET /api/orders/my/: the user's own orders, newest first, each with its items and address copy.
import { expect } from 'chai';
import { clientAs, makeProduct, makeUser, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS } from './support.js';

describe('GET /api/orders/my/', () => {
  const suite = serverForSuite();

  it('lists only the user’s orders, newest first, with items, paged', async () => {
    const user = await makeUser(suite.db);
    const other = await makeUser(suite.db);
    const client = await clientAs(suite.server, user);
    const tee = await makeProduct(suite.db, { price: '100.00', stock: 50 });
    const cap = await makeProduct(suite.db, { price: '20.00', stock: 50 });
    const ids: number[] = [];
    for (let index = 1; index <= 3; index += 1) {
      const placed = await client.post('/api/orders/create/', {
        payment_method: 'cod',
        cart: [
          { id: tee.id, quantity: index },
          { id: cap.id, quantity: 1 },
        ],
        address: ADDRESS,
      });
      ids.push(placed.body.order_id);
    }
    await (
      await clientAs(suite.server, other)
    ).post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS });

    const all = await client.get('/api/orders/my/');
    expect(all.status).to.equal(200);
    expect(all.body.map((order: { id: number }) => order.id)).to.deep.equal([...ids].reverse());
    expect(all.headers.get('x-total-count')).to.equal('3');
    const newest = all.body[0];
    expect(newest).to.include({
      user: user.id,
      total_amount: '320.00',
      currency: 'inr',
      payment_method: 'cod',
      status: 'processing',
      stripe_session_id: null,
    });
    expect(newest.items).to.have.length(2);
    expect(newest.items[0]).to.include({ product: tee.id, product_name: tee.name, quantity: 3, price: '100.00' });
    expect(newest.address).to.deep.equal(ADDRESS);

    const page = await client.get('/api/orders/my/?limit=2&offset=2');
    expect(page.body.map((order: { id: number }) => order.id)).to.deep.equal([ids[0]]);
    expect(page.body[0].items).to.have.length(2);
    expect(page.headers.get('link')).to.include('rel="first"');
  });

  it('answers an empty array for a user without orders, and 401 without a session', async () => {
    const client = await shopper(suite.server);
    expect((await client.get('/api/orders/my/')).body).to.deep.equal([]);
    expect((await suite.server.client().get('/api/orders/my/')).status).to.equal(401);
  });
});
