// POST /api/orders/{id}/refund/ and Stripe's refund webhooks: staff refund a paid card order in
// full or by line through Stripe's Refunds API; never more than was paid (also when requests
// race); refunded lines not yet shipped go back to stock; Stripe's later verdicts are applied once.
import { expect } from 'chai';
import { sweepAbandonedCheckouts } from '../../src/orders/payment-sweeper.js';
import { checkoutEvent, stripeEnv } from '../../testing/fakes/stripe.js';
import { makeProduct, shopper, staffClient } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { deliver, fakeStripeForSuite } from '../support/stripe.js';
import type { Client } from '../support/client.js';
import { ADDRESS, orderRow, paidCardOrder, stockOf } from '../orders/support.js';

describe('POST /api/orders/{id}/refund/', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => stripeEnv(fake.stripe));
  let staff: Client;
  let anonymous: Client;
  before(async () => {
    staff = await staffClient(suite.server);
    anonymous = suite.server.client();
  });

  /** A paid card order of 2 × ₹499.00 tees and 1 × ₹250.50 socks (total ₹1248.50). */
  async function paidOrder() {
    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const socks = await makeProduct(suite.db, { price: '250.50', stock: 10 });
    const client = await shopper(suite.server);
    const paid = await paidCardOrder(client, anonymous, fake.stripe, suite.db, [
      { id: tee.id, quantity: 2 },
      { id: socks.id, quantity: 1 },
    ]);
    const teeLine = paid.items.find((item) => item.product_id === tee.id)!;
    const socksLine = paid.items.find((item) => item.product_id === socks.id)!;
    return { ...paid, tee, socks, teeLine, socksLine, client };
  }

  const stripeRefundsOf = (paymentIntentId: string) =>
    fake.stripe.refundRequests().filter((request) => request.params.payment_intent === paymentIntentId);

  it('refunds one line of an order not yet shipped: Stripe refunds its amount, its goods go back to stock', async () => {
    const order = await paidOrder();
    const refunded = await staff.post(`/api/orders/${order.orderId}/refund/`, {
      items: [{ id: order.teeLine.id, quantity: 1 }],
      reason: 'requested_by_customer',
    });
    expect(refunded.status, JSON.stringify(refunded.body)).to.equal(200);
    expect(refunded.body.message).to.equal('Refund issued');
    expect(refunded.body.refund).to.include({ amount: '499.00', status: 'succeeded', reason: 'requested_by_customer' });
    expect(refunded.body.refund.items).to.deep.equal([{ item_id: order.teeLine.id, quantity: 1 }]);
    expect(refunded.body.order).to.include({ status: 'paid', order_status: 'processing', payment_status: 'partially_refunded' });
    expect(refunded.body.order.refunded_amount).to.equal('499.00');
    const line = (refunded.body.order.items as Array<{ id: number; refunded_quantity: number }>).find(
      (item) => item.id === order.teeLine.id,
    );
    expect(line!.refunded_quantity).to.equal(1);
    expect(await stockOf(suite.db, order.tee.id)).to.equal(9);

    const sent = stripeRefundsOf(order.paymentIntentId);
    expect(sent).to.have.length(1);
    expect(sent[0]!.params).to.include({ amount: '49900', reason: 'requested_by_customer' });
    expect(sent[0]!.params.metadata).to.deep.include({ order_id: String(order.orderId) });
    expect(sent[0]!.idempotencyKey).to.equal(`refund-${refunded.body.refund.id}`);
    // That line has one left to refund, not two.
    const tooMany = await staff.post(`/api/orders/${order.orderId}/refund/`, { items: [{ id: order.teeLine.id, quantity: 2 }] });
    expect(tooMany.status).to.equal(409);
  });

  it("records a staff member's refund in the audit log, with the order's payment before and the refund asked for", async () => {
    const order = await paidOrder();
    const refunded = await staff.post(`/api/orders/${order.orderId}/refund/`, { items: [{ id: order.socksLine.id, quantity: 1 }] });
    expect(refunded.status).to.equal(200);
    const log = await staff.get(`/api/panel/audit-log/?target_type=order&target_id=${order.orderId}&action=order.refund`);
    expect(log.body).to.have.length(1);
    expect(log.body[0].before).to.deep.equal({ status: 'paid', payment_status: 'paid', refunded_amount: '0.00' });
    expect(log.body[0].after).to.deep.equal({
      refund_id: refunded.body.refund.id,
      amount: '250.50',
      items: [{ item_id: order.socksLine.id, quantity: 1 }],
      reason: null,
    });
  });

  it('refunds the rest in full, which cancels an order not yet shipped and gives all its stock back', async () => {
    const order = await paidOrder();
    await staff.post(`/api/orders/${order.orderId}/refund/`, { items: [{ id: order.socksLine.id }] });
    const rest = await staff.post(`/api/orders/${order.orderId}/refund/`);
    expect(rest.status, JSON.stringify(rest.body)).to.equal(200);
    expect(rest.body.refund.amount).to.equal('998.00');
    expect(rest.body.order).to.include({ status: 'cancelled', payment_status: 'refunded', refunded_amount: '1248.50' });
    expect(await stockOf(suite.db, order.tee.id)).to.equal(10);
    expect(await stockOf(suite.db, order.socks.id)).to.equal(10);
    expect((await staff.post(`/api/orders/${order.orderId}/refund/`)).status).to.equal(409);
    expect(stripeRefundsOf(order.paymentIntentId)).to.have.length(2);
  });

  it('refunds a shipped order without restocking what the customer already has', async () => {
    const order = await paidOrder();
    await staff.patch(`/api/orders/${order.orderId}/status/`, { order_status: 'shipped' });
    const refunded = await staff.post(`/api/orders/${order.orderId}/refund/`);
    expect(refunded.status).to.equal(200);
    expect(refunded.body.order).to.include({ status: 'shipped', payment_status: 'refunded', refunded_amount: '1248.50' });
    expect(await stockOf(suite.db, order.tee.id)).to.equal(8);
  });

  it('never refunds more than was paid when staff refund at the same moment', async () => {
    const order = await paidOrder();
    const answers = await Promise.all([1, 2, 3, 4].map(() => staff.post(`/api/orders/${order.orderId}/refund/`)));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409, 409, 409]);
    // The database refused the others before Stripe was asked.
    expect(stripeRefundsOf(order.paymentIntentId)).to.have.length(1);
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '1248.50', payment_status: 'refunded' });
    expect(await stockOf(suite.db, order.tee.id)).to.equal(10);
  });

  it('keeps refunded_amount within the total in the database itself', async () => {
    const order = await paidOrder();
    let refusal: unknown;
    try {
      await suite.db('orders').where({ id: order.orderId }).update({ refunded_amount: '1248.51' });
    } catch (error) {
      refusal = error;
    }
    expect(String(refusal)).to.include('orders_refund_within_total');
  });

  it('gives nothing away when Stripe refuses (502), and refuses orders that were not paid by card (409)', async () => {
    const order = await paidOrder();
    fake.stripe.failNextRefund();
    const refused = await staff.post(`/api/orders/${order.orderId}/refund/`);
    expect(refused.status).to.equal(502);
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '0.00', payment_status: 'paid', status: 'paid' });
    expect(await stockOf(suite.db, order.tee.id)).to.equal(8);
    const failed = await suite.db('order_refunds').where({ order_id: order.orderId }).select('status');
    expect(failed).to.deep.equal([{ status: 'failed' }]);

    const tee = await makeProduct(suite.db);
    const client = await shopper(suite.server);
    const cod = await client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS });
    expect((await staff.post(`/api/orders/${cod.body.order_id}/refund/`)).status).to.equal(409);
    const unknownLine = await staff.post(`/api/orders/${order.orderId}/refund/`, { items: [{ id: 2000000000 }] });
    expect(unknownLine.status).to.equal(400);
  });

  it('is for staff only', async () => {
    const order = await paidOrder();
    expect((await order.client.post(`/api/orders/${order.orderId}/refund/`)).status).to.equal(403);
    expect((await anonymous.post(`/api/orders/${order.orderId}/refund/`)).status).to.equal(401);
    expect((await staff.post('/api/orders/2000000000/refund/')).status).to.equal(404);
  });

  it('applies refund.updated once: a refund Stripe later fails gives its amount back to the order', async () => {
    const order = await paidOrder();
    const refunded = await staff.post(`/api/orders/${order.orderId}/refund/`, { items: [{ id: order.socksLine.id }] });
    const stripeRefund = [...fake.stripe.refunds.values()].find((refund) => refund.payment_intent === order.paymentIntentId)!;
    const event = checkoutEvent('refund.updated', { ...stripeRefund, status: 'failed' });
    const first = await deliver(anonymous, event);
    expect(first.body).to.deep.equal({ status: 'success' });
    const again = await deliver(anonymous, event);
    expect(again.body).to.deep.equal({ status: 'ignored' });
    const other = await deliver(anonymous, checkoutEvent('refund.updated', { ...stripeRefund, status: 'failed' }));
    expect(other.body).to.deep.equal({ status: 'success' });
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '0.00', payment_status: 'paid' });
    const shown = await staff.get(`/api/orders/${order.orderId}/`);
    expect(shown.body.refunds).to.have.length(1);
    expect(shown.body.refunds[0]).to.include({ id: refunded.body.refund.id, status: 'failed' });
    const recorded = await suite.db('stripe_events').where({ id: event.id }).select('order_id');
    expect(recorded).to.deep.equal([{ order_id: order.orderId }]);
  });

  it('records a refund made in the Stripe Dashboard from charge.refunded, once', async () => {
    const order = await paidOrder();
    fake.stripe.refundOutside(order.paymentIntentId, 30000);
    const event = checkoutEvent('charge.refunded', fake.stripe.charge(order.paymentIntentId));
    expect((await deliver(anonymous, event)).body).to.deep.equal({ status: 'success' });
    expect((await deliver(anonymous, event)).body).to.deep.equal({ status: 'ignored' });
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '300.00', payment_status: 'partially_refunded' });
    // Our own refund of the rest is then capped at what is left.
    const rest = await staff.post(`/api/orders/${order.orderId}/refund/`);
    expect(rest.body.refund.amount).to.equal('948.50');
    // Its charge.refunded reports what is already recorded: nothing more is added.
    await deliver(anonymous, checkoutEvent('charge.refunded', fake.stripe.charge(order.paymentIntentId)));
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '1248.50', payment_status: 'refunded' });
  });

  it('ignores refund events it cannot use without failing: a refund of no order, an object of another type, unstorable ids', async () => {
    const unknown = await deliver(
      anonymous,
      checkoutEvent('refund.updated', { id: 're_test_nobody', object: 'refund', status: 'failed', amount: 100 }),
    );
    expect(unknown.body).to.deep.equal({ status: 'success' });
    const wrongObject = await deliver(anonymous, checkoutEvent('charge.refunded', { id: 'cs_test_x', object: 'checkout.session' }));
    expect(wrongObject.body).to.deep.equal({ status: 'ignored' });
    const hostile = await deliver(
      anonymous,
      checkoutEvent('charge.refunded', { id: 'ch_test_x', object: 'charge', payment_intent: 'pi_\u0000', amount_refunded: 5 }),
    );
    expect(hostile.body).to.deep.equal({ status: 'ignored' });
    const strangerPayment = await deliver(
      anonymous,
      checkoutEvent('charge.refunded', { id: 'ch_test_y', object: 'charge', payment_intent: 'pi_test_nobody', amount_refunded: 'lots' }),
    );
    expect(strangerPayment.status).to.equal(200);
  });

  it('keeps a refund Stripe did not answer reserved, and the sweeper completes it with the same Idempotency-Key', async () => {
    const order = await paidOrder();
    fake.stripe.setUnreachable(true);
    let lost;
    try {
      lost = await staff.post(`/api/orders/${order.orderId}/refund/`, { items: [{ id: order.socksLine.id }] });
    } finally {
      fake.stripe.setUnreachable(false);
    }
    expect(lost.status).to.equal(502);
    // Reserved, not refunded: a second refund cannot take the same money meanwhile.
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '250.50', payment_status: 'paid' });
    const [pending] = (await suite.db('order_refunds').where({ order_id: order.orderId })) as Array<{ id: number; status: string }>;
    expect(pending!.status).to.equal('requested');

    // Not yet: a request this young may still be waiting for its answer.
    await sweepAbandonedCheckouts(suite.server.services);
    expect((await suite.db('order_refunds').where({ id: pending!.id }).first()).status).to.equal('requested');
    const swept = await sweepAbandonedCheckouts(suite.server.services, new Date(Date.now() + 10 * 60 * 1000));
    expect(swept.refunds).to.equal(1);
    expect((await suite.db('order_refunds').where({ id: pending!.id }).first()).status).to.equal('succeeded');
    expect(await orderRow(suite.db, order.orderId)).to.include({ refunded_amount: '250.50', payment_status: 'partially_refunded' });
    expect(await stockOf(suite.db, order.socks.id)).to.equal(10);
    const sent = stripeRefundsOf(order.paymentIntentId);
    // (The lost attempt never reached Stripe; had it, the same key would have replayed its answer.)
    expect(sent.map((request) => request.idempotencyKey)).to.deep.equal([`refund-${pending!.id}`]);
    // Settled once: the next sweep leaves it alone.
    expect((await sweepAbandonedCheckouts(suite.server.services, new Date(Date.now() + 20 * 60 * 1000))).refunds).to.equal(0);
  });
});
