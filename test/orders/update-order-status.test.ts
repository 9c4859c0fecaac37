// PATCH /api/orders/{id}/status/: staff move orders along processing/paid → shipped → delivered,
// or cancel pending/processing ones (stock given back exactly once), and record a cash order's
// payment (unpaid → paid) with the later original's order_status/payment_status; nonsense is 409.
import { expect } from 'chai';
import { makeProduct, shopper, staffClient } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import { ADDRESS, stockOf } from './support.js';

describe('PATCH /api/orders/{id}/status/', () => {
  const suite = serverForSuite();
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });

  async function codOrder(quantity = 2) {
    const tee = await makeProduct(suite.db, { stock: 10 });
    const client = await shopper(suite.server);
    const placed = await client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity }], address: ADDRESS });
    return { orderId: placed.body.order_id as number, tee, client };
  }

  it('moves an order processing → shipped → delivered and answers the order', async () => {
    const { orderId } = await codOrder();
    const shipped = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'shipped' });
    expect(shipped.status, JSON.stringify(shipped.body)).to.equal(200);
    expect(shipped.body).to.include({ id: orderId, status: 'shipped' });
    expect(shipped.body.items).to.have.length(1);
    const delivered = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'delivered' });
    expect(delivered.body.status).to.equal('delivered');
  });

  it('refuses transitions that make no sense with 409', async () => {
    const { orderId } = await codOrder();
    const early = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'delivered' });
    expect(early.status).to.equal(409);
    expect(early.body.error).to.equal('Cannot change status from processing to delivered.');
    await staff.patch(`/api/orders/${orderId}/status/`, { status: 'shipped' });
    const again = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'shipped' });
    expect(again.status).to.equal(409);
    const cancelShipped = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' });
    expect(cancelShipped.status).to.equal(409);
    const paid = await codOrder();
    await suite.db('orders').where({ id: paid.orderId }).update({ status: 'paid' });
    const cancelPaid = await staff.patch(`/api/orders/${paid.orderId}/status/`, { status: 'cancelled' });
    expect(cancelPaid.status).to.equal(409);
    const bogus = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'paid' });
    expect(bogus.status).to.equal(400);
  });

  it('cancels a processing order and gives the stock back exactly once', async () => {
    const { orderId, tee } = await codOrder(3);
    expect(await stockOf(suite.db, tee.id)).to.equal(7);
    const answers = await Promise.all([1, 2, 3].map(() => staff.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' })));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409, 409]);
    expect(await stockOf(suite.db, tee.id)).to.equal(10);
  });

  it('is for staff only, and answers 404 for an unknown order', async () => {
    const { orderId, client } = await codOrder();
    const own = await client.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' });
    expect(own.status).to.equal(403);
    expect((await suite.server.client().patch(`/api/orders/${orderId}/status/`, { status: 'shipped' })).status).to.equal(401);
    expect((await staff.patch('/api/orders/2000000000/status/', { status: 'shipped' })).status).to.equal(404);
  });

  it('takes the later original’s order_status and payment_status (any case): a cash order unpaid → paid, processing → shipped → delivered', async () => {
    const { orderId } = await codOrder();
    const shipped = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'Shipped' });
    expect(shipped.status, JSON.stringify(shipped.body)).to.equal(200);
    expect(shipped.body.message).to.equal('Order updated successfully');
    // The order stays at the top level for today's clients and is also under `order`.
    expect(shipped.body).to.include({ id: orderId, status: 'shipped', order_status: 'shipped', payment_status: 'unpaid' });
    expect(shipped.body.order).to.include({ id: orderId, order_status: 'shipped' });
    const both = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'delivered', payment_status: 'PAID' });
    expect(both.body.order).to.include({ status: 'delivered', order_status: 'delivered', payment_status: 'paid' });
    const row = (await suite.db('orders').where({ id: orderId }).first()) as { payment_status: string };
    expect(row.payment_status).to.equal('paid');
  });

  it('changes both or neither, refuses what would change nothing, undoing a payment, and values outside the choices', async () => {
    const { orderId, tee } = await codOrder(2);
    // Cancelling and recording a payment at once makes no sense: nothing changes, stock stays taken.
    const cancelPaid = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'cancelled', payment_status: 'paid' });
    expect(cancelPaid.status).to.equal(409);
    expect(await stockOf(suite.db, tee.id)).to.equal(8);
    const early = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'delivered', payment_status: 'paid' });
    expect(early.status).to.equal(409);
    expect((await suite.db('orders').where({ id: orderId }).first()).payment_status).to.equal('unpaid');
    const same = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'processing' });
    expect(same.status).to.equal(409);
    const paid = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'processing', payment_status: 'paid' });
    expect(paid.status).to.equal(200);
    expect(paid.body.payment_status).to.equal('paid');
    expect((await staff.patch(`/api/orders/${orderId}/status/`, { payment_status: 'unpaid' })).status).to.equal(409);
    // A paid cash order is not cancelled by a status change (its money must go back first).
    expect((await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'cancelled' })).status).to.equal(409);
    const bogus = await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'lost' });
    expect(bogus.status).to.equal(400);
    expect(bogus.body.fields).to.have.property('order_status');
    expect((await staff.patch(`/api/orders/${orderId}/status/`, { payment_status: 'refunded' })).status).to.equal(400);
    expect((await staff.patch(`/api/orders/${orderId}/status/`, { status: 'shipped', order_status: 'delivered' })).status).to.equal(400);
    expect((await staff.patch(`/api/orders/${orderId}/status/`, {})).status).to.equal(400);
  });
});
