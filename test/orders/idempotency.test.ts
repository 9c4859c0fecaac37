// Idempotency-Key on "Place order": a retried or double-clicked request makes one order.
import { expect } from 'chai';
import { makeProduct, shopper, signedInUser, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS, stockOf } from './support.js';

describe('POST /api/orders/create/ with an Idempotency-Key', () => {
  const suite = serverForSuite();

  it('replays the first answer to a retry instead of placing a second order', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 5 });
    const key = unique('key-');
    const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 2 }], address: ADDRESS };
    const first = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    expect(first.status).to.equal(200);
    // The same body with its keys in another order is the same request.
    const retry = await client.post(
      '/api/orders/create/',
      { address: ADDRESS, cart: body.cart, payment_method: 'cod' },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(retry.status).to.equal(200);
    expect(retry.body).to.deep.equal(first.body);
    expect(await suite.db('orders').where({ user_id: user.id })).to.have.length(1);
    expect(await stockOf(suite.db, tee.id)).to.equal(3);
  });

  it('answers 409 when the key is reused for a different request', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { stock: 5 });
    const key = unique('key-');
    await client.post(
      '/api/orders/create/',
      { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS },
      { headers: { 'Idempotency-Key': key } },
    );
    const other = await client.post(
      '/api/orders/create/',
      { payment_method: 'cod', cart: [{ id: tee.id, quantity: 3 }], address: ADDRESS },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(other.status).to.equal(409);
    expect(other.body.code).to.equal('idempotency_key_reused');
    expect(await stockOf(suite.db, tee.id)).to.equal(4);
  });

  it('keeps keys per user: another user with the same key places their own order', async () => {
    const tee = await makeProduct(suite.db, { stock: 5 });
    const key = unique('key-');
    const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };
    const first = await (await shopper(suite.server)).post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    const second = await (await shopper(suite.server)).post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    expect(second.status).to.equal(200);
    expect(second.body.order_id).to.not.equal(first.body.order_id);
    expect(await stockOf(suite.db, tee.id)).to.equal(3);
  });

  it('frees the key when the attempt fails, so a corrected retry can succeed', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { stock: 1 });
    const key = unique('key-');
    const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 2 }], address: ADDRESS };
    const refused = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    expect(refused.status).to.equal(400);
    await suite.db('products').where({ id: tee.id }).update({ stock: 2 });
    const placed = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    expect(placed.status).to.equal(200);
  });

  it('makes one order from a double click: concurrent duplicates all get the same answer', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 50 });
    const key = unique('key-');
    const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } })),
    );
    expect(answers.map((answer) => answer.status)).to.deep.equal(Array(10).fill(200));
    expect(new Set(answers.map((answer) => answer.body.order_id)).size).to.equal(1);
    expect(await suite.db('orders').where({ user_id: user.id })).to.have.length(1);
    expect(await stockOf(suite.db, tee.id)).to.equal(49);
  });

  it('without a key, two identical requests are two orders', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 5 });
    const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };
    await client.post('/api/orders/create/', body);
    await client.post('/api/orders/create/', body);
    expect(await suite.db('orders').where({ user_id: user.id })).to.have.length(2);
  });
});
