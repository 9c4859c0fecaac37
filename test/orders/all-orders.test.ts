// The staff's list of all orders (a bare, paged array with filters and search), one order for its
// owner or staff, and the order shape the later storefront reads (order_status, payment_status,
// user; lines with the product's current category and stock).
import { expect } from 'chai';
import { makeProduct, signedInUser, staffClient, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import { ADDRESS } from './support.js';

describe('orders for staff: GET /api/orders/admin/all/ and GET /api/orders/{id}/', () => {
  const suite = serverForSuite();
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });

  async function codOrder(client: Client, productId: number, quantity = 1): Promise<number> {
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [{ id: productId, quantity }],
      address: ADDRESS,
    });
    expect(placed.status, JSON.stringify(placed.body)).to.equal(200);
    return placed.body.order_id as number;
  }

  it('shows order_status, payment_status and user, and each line’s current category and stock (null once deleted)', async () => {
    const tee = await makeProduct(suite.db, { stock: 10, category: 'women' });
    const gone = await makeProduct(suite.db, { stock: 5 });
    const { user, client } = await signedInUser(suite.server);
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [
        { id: tee.id, quantity: 2 },
        { id: gone.id, quantity: 1 },
      ],
      address: ADDRESS,
    });
    const orderId = placed.body.order_id as number;
    await suite.db('products').where({ id: gone.id }).delete();
    await suite.db('products').where({ id: tee.id }).update({ stock: 3 });

    const shown = await client.get(`/api/orders/${orderId}/`);
    expect(shown.status).to.equal(200);
    expect(shown.body).to.include({
      id: orderId,
      user: user.id,
      status: 'processing',
      order_status: 'processing',
      payment_status: 'unpaid',
      refunded_amount: '0.00',
    });
    const lines = shown.body.items as Array<Record<string, unknown>>;
    expect(lines.find((line) => line.product === tee.id)).to.include({ category: 'women', stock: 3, refunded_quantity: 0 });
    expect(lines.find((line) => line.product === null)).to.include({ category: null, stock: null, product_name: gone.name });
  });

  it('answers one order to its owner and to staff, and 404 to anyone else', async () => {
    const tee = await makeProduct(suite.db);
    const owner = await signedInUser(suite.server);
    const orderId = await codOrder(owner.client, tee.id);
    expect((await owner.client.get(`/api/orders/${orderId}/`)).status).to.equal(200);
    expect((await staff.get(`/api/orders/${orderId}/`)).body.id).to.equal(orderId);
    const stranger = await signedInUser(suite.server);
    const foreign = await stranger.client.get(`/api/orders/${orderId}/`);
    expect(foreign.status).to.equal(404);
    expect((await owner.client.get('/api/orders/2000000000/')).status).to.equal(404);
    expect((await suite.server.client().get(`/api/orders/${orderId}/`)).status).to.equal(401);
  });

  it('lists every order newest first as a bare array, paged with X-Total-Count and Link', async () => {
    const tee = await makeProduct(suite.db, { stock: 50 });
    const buyer = await signedInUser(suite.server);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push(await codOrder(buyer.client, tee.id));
    const page = await staff.get(`/api/orders/admin/all/?user=${buyer.user.id}&limit=2`);
    expect(page.status).to.equal(200);
    expect(page.body).to.be.an('array');
    expect(page.body.map((order: { id: number }) => order.id)).to.deep.equal([ids[2], ids[1]]);
    expect(page.headers.get('x-total-count')).to.equal('3');
    expect(page.headers.get('link')).to.include('rel="next"');
    const next = await staff.get(`/api/orders/admin/all/?user=${buyer.user.id}&limit=2&offset=2`);
    expect(next.body.map((order: { id: number }) => order.id)).to.deep.equal([ids[0]]);
  });

  it('filters by status, payment status, payment method and date range, and finds orders by id or email', async () => {
    const tee = await makeProduct(suite.db, { stock: 50 });
    const email = `${unique('findme')}@example.com`;
    const buyer = await signedInUser(suite.server, { email });
    const shippedId = await codOrder(buyer.client, tee.id);
    const waitingId = await codOrder(buyer.client, tee.id);
    await staff.patch(`/api/orders/${shippedId}/status/`, { order_status: 'shipped', payment_status: 'paid' });
    const ids = async (query: string) => {
      const answer = await staff.get(`/api/orders/admin/all/?${query}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return (answer.body as Array<{ id: number }>).map((order) => order.id);
    };
    const mine = `user=${buyer.user.id}`;
    expect(await ids(`${mine}&status=shipped`)).to.deep.equal([shippedId]);
    expect(await ids(`${mine}&order_status=processing`)).to.deep.equal([waitingId]);
    expect(await ids(`${mine}&payment_status=paid`)).to.deep.equal([shippedId]);
    expect(await ids(`${mine}&payment_status=unpaid&payment_method=cod`)).to.deep.equal([waitingId]);
    expect(await ids(`${mine}&payment_method=stripe`)).to.deep.equal([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`${mine}&start_date=${today}&end_date=${today}`)).to.deep.equal([waitingId, shippedId]);
    expect(await ids(`${mine}&end_date=2020-01-01`)).to.deep.equal([]);
    expect(await ids(`search=${encodeURIComponent(email.slice(0, 12).toUpperCase())}`)).to.deep.equal([waitingId, shippedId]);
    expect(await ids(`search=%23${shippedId}`)).to.include(shippedId);
    expect(await ids(`search=${encodeURIComponent('%')}&${mine}`)).to.deep.equal([]);
    const backwards = await staff.get(`/api/orders/admin/all/?start_date=2026-02-02&end_date=2026-02-01`);
    expect(backwards.status).to.equal(400);
    expect((await staff.get('/api/orders/admin/all/?start_date=2026-02-30')).status).to.equal(400);
  });

  it('is for staff only', async () => {
    const { client } = await signedInUser(suite.server);
    expect((await client.get('/api/orders/admin/all/')).status).to.equal(403);
    expect((await suite.server.client().get('/api/orders/admin/all/')).status).to.equal(401);
  });
});
