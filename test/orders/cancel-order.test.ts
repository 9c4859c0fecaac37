// POST /api/orders/{id}/cancel/: the customer cancels their own order while it is still
// processing; the stock comes back exactly once, and a paid card order is refunded in full.
import { expect } from 'chai';
import { stripeEnv } from '../../testing/fakes/stripe.js';
import { makeProduct, shopper, signedInUser, staffClient } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { fakeStripeForSuite } from '../support/stripe.js';
import type { Client } from '../support/client.js';
import { ADDRESS, orderRow, paidCardOrder, stockOf } from './support.js';

describe('POST /api/orders/{id}/cancel/', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => stripeEnv(fake.stripe));
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });

  async function codOrder(client: Client, quantity = 3) {
    const tee = await makeProduct(suite.db, { stock: 10 });
    const placed = await client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity }], address: ADDRESS });
    return { orderId: placed.body.order_id as number, tee };
  }

  it('cancels a processing cash order and gives its stock back exactly once, however often it is clicked', async () => {
    const client = await shopper(suite.server);
    const { orderId, tee } = await codOrder(client);
    expect(await stockOf(suite.db, tee.id)).to.equal(7);
    const answers = await Promise.all([1, 2, 3].map(() => client.post(`/api/orders/${orderId}/cancel/`)));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409, 409]);
    const ok = answers.find((answer) => answer.status === 200)!;
    expect(ok.body).to.include({ message: 'Order cancelled successfully', order_id: orderId, refund_info: null });
    expect(ok.body.order).to.include({ status: 'cancelled', order_status: 'cancelled', payment_status: 'unpaid' });
    expect(await stockOf(suite.db, tee.id)).to.equal(10);
  });

  it('refuses a shipped order with 409 and another user’s order with 404, changing nothing', async () => {
    const client = await shopper(suite.server);
    const { orderId, tee } = await codOrder(client);
    const stranger = await shopper(suite.server);
    expect((await stranger.post(`/api/orders/${orderId}/cancel/`)).status).to.equal(404);
    await staff.patch(`/api/orders/${orderId}/status/`, { order_status: 'shipped' });
    const shipped = await client.post(`/api/orders/${orderId}/cancel/`);
    expect(shipped.status).to.equal(409);
    expect(shipped.body.error).to.match(/still processing/);
    expect((await orderRow(suite.db, orderId)).status).to.equal('shipped');
    expect(await stockOf(suite.db, tee.id)).to.equal(7);
    expect((await suite.server.client().post(`/api/orders/${orderId}/cancel/`)).status).to.equal(401);
  });

  it('refunds a paid card order in full through Stripe, cancels it and gives the stock back', async () => {
    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const { client } = await signedInUser(suite.server);
    const paid = await paidCardOrder(client, suite.server.client(), fake.stripe, suite.db, [{ id: tee.id, quantity: 2 }]);
    expect(await stockOf(suite.db, tee.id)).to.equal(8);

    const cancelled = await client.post(`/api/orders/${paid.orderId}/cancel/`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    expect(cancelled.body.refund_info).to.include('998.00 INR');
    expect(cancelled.body.order).to.include({ status: 'cancelled', payment_status: 'refunded', refunded_amount: '998.00' });
    expect(await stockOf(suite.db, tee.id)).to.equal(10);
    const refunds = fake.stripe.refundRequests();
    const mine = refunds.filter((request) => request.params.payment_intent === paid.paymentIntentId);
    expect(mine).to.have.length(1);
    expect(mine[0]!.params).to.include({ amount: '99800', reason: 'requested_by_customer' });
    expect(mine[0]!.idempotencyKey).to.match(/^refund-\d+$/);
    // Cancelled is final: a second click is refused and refunds nothing more.
    expect((await client.post(`/api/orders/${paid.orderId}/cancel/`)).status).to.equal(409);
    expect(fake.stripe.refundRequests().filter((request) => request.params.payment_intent === paid.paymentIntentId)).to.have.length(1);
  });

  it('leaves a paid card order as it was when Stripe refuses the refund (502)', async () => {
    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const { client } = await signedInUser(suite.server);
    const paid = await paidCardOrder(client, suite.server.client(), fake.stripe, suite.db, [{ id: tee.id, quantity: 1 }]);
    fake.stripe.failNextRefund();
    const refused = await client.post(`/api/orders/${paid.orderId}/cancel/`);
    expect(refused.status).to.equal(502);
    const row = await orderRow(suite.db, paid.orderId);
    expect(row).to.include({ status: 'paid', payment_status: 'paid', refunded_amount: '0.00' });
    expect(await stockOf(suite.db, tee.id)).to.equal(9);
    // Nothing was reserved for good: the cancellation works once Stripe does.
    expect((await client.post(`/api/orders/${paid.orderId}/cancel/`)).status).to.equal(200);
  });

  it('records each cancellation in the audit log with the customer who made it', async () => {
    const { user, client } = await signedInUser(suite.server);
    const { orderId } = await codOrder(client, 1);
    await client.post(`/api/orders/${orderId}/cancel/`);
    const cash = await staff.get(`/api/panel/audit-log/?target_type=order&target_id=${orderId}&action=order.cancel`);
    expect(cash.body).to.have.length(1);
    expect(cash.body[0]).to.include({ actor_id: user.id, actor_email: user.email });
    expect(cash.body[0].before).to.deep.equal({ status: 'processing', payment_status: 'unpaid' });
    expect(cash.body[0].after).to.deep.equal({ status: 'cancelled', payment_status: 'unpaid' });

    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const paid = await paidCardOrder(client, suite.server.client(), fake.stripe, suite.db, [{ id: tee.id, quantity: 1 }]);
    const cancelled = await client.post(`/api/orders/${paid.orderId}/cancel/`);
    const card = await staff.get(`/api/panel/audit-log/?target_type=order&target_id=${paid.orderId}&action=order.cancel`);
    expect(card.body).to.have.length(1);
    expect(card.body[0].actor_id).to.equal(user.id);
    expect(card.body[0].before).to.deep.include({ status: 'paid', payment_status: 'paid' });
    expect(card.body[0].after).to.deep.include({ refund_id: cancelled.body.order.refunds[0].id, amount: '499.00' });
    // A refused cancellation records nothing.
    await client.post(`/api/orders/${paid.orderId}/cancel/`);
    expect((await staff.get(`/api/panel/audit-log/?target_type=order&target_id=${paid.orderId}`)).body).to.have.length(1);
  });
});
