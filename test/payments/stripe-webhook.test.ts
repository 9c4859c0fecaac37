// POST /api/orders/webhook/: signed events from Stripe, each applied exactly once, only to the
// order that owns the session, only for the right amount, never moving a paid order backwards.
import { expect } from 'chai';
import { makeProduct, shopper } from '../support/factories.js';
import { checkoutEvent, stripeEnv } from '../../testing/fakes/stripe.js';
import { deliver, fakeStripeForSuite } from '../support/stripe.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import { ADDRESS, orderRow, stockOf } from '../orders/support.js';

describe('POST /api/orders/webhook/', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => stripeEnv(fake.stripe));
  let anonymous: Client;
  before(() => {
    anonymous = suite.server.client();
  });

  /** A pending card order for 2 × ₹499.00 (stock 10 → 8) and its session at the fake Stripe. */
  async function cardOrder() {
    const tee = await makeProduct(suite.db, { price: '499.00', stock: 10 });
    const client = await shopper(suite.server);
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'stripe',
      cart: [{ id: tee.id, quantity: 2 }],
      address: ADDRESS,
    });
    expect(placed.status).to.equal(200);
    const order = await orderRow(suite.db, placed.body.order_id);
    return { orderId: order.id, sessionId: order.stripe_session_id!, tee, client };
  }

  const status = async (orderId: number) => (await orderRow(suite.db, orderId)).status;

  it('marks the order paid on checkout.session.completed with a paid, matching session', async () => {
    const { orderId, sessionId, tee } = await cardOrder();
    const session = fake.stripe.complete(sessionId);
    const response = await deliver(anonymous, checkoutEvent('checkout.session.completed', session));
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'success' });
    expect(await status(orderId)).to.equal('paid');
    expect(await stockOf(suite.db, tee.id)).to.equal(8);
  });

  it('refuses a missing or wrong signature with 400 and changes nothing', async () => {
    const { orderId, sessionId } = await cardOrder();
    const event = checkoutEvent('checkout.session.completed', fake.stripe.complete(sessionId));
    const missing = await deliver(anonymous, event, { signature: null });
    expect(missing.status).to.equal(400);
    const wrongSecret = await deliver(anonymous, event, { secret: 'whsec_someone_else' });
    expect(wrongSecret.status).to.equal(400);
    expect(wrongSecret.body.code).to.equal('invalid_signature');
    const garbage = await deliver(anonymous, event, { signature: 't=1,v1=deadbeef' });
    expect(garbage.status).to.equal(400);
    // A body altered after signing fails too: the signature covers the raw bytes.
    const payload = JSON.stringify(event);
    const { default: Stripe } = await import('stripe');
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: stripeEnv(fake.stripe).STRIPE_WEBHOOK_SECRET! });
    const tampered = await anonymous.post('/api/orders/webhook/', undefined, {
      rawBody: payload.replace('"paid"', ' "paid"'),
      origin: null,
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    expect(tampered.status).to.equal(400);
    expect(await status(orderId)).to.equal('pending');
  });

  it('does not mark paid when payment_status is unpaid', async () => {
    const { orderId, sessionId } = await cardOrder();
    const session = fake.stripe.complete(sessionId, { payment_status: 'unpaid' });
    const response = await deliver(anonymous, checkoutEvent('checkout.session.completed', session));
    expect(response.status).to.equal(200);
    expect(await status(orderId)).to.equal('pending');
    // The control: once Stripe says paid, the same order is marked paid.
    await deliver(anonymous, checkoutEvent('checkout.session.async_payment_succeeded', fake.stripe.complete(sessionId)));
    expect(await status(orderId)).to.equal('paid');
  });

  it('does not mark paid when the amount or currency differs from the order', async () => {
    const { orderId, sessionId } = await cardOrder();
    const cheaper = fake.stripe.complete(sessionId, { amount_total: 200 });
    expect((await deliver(anonymous, checkoutEvent('checkout.session.completed', cheaper))).status).to.equal(200);
    expect(await status(orderId)).to.equal('pending');
    const dollars = { ...fake.stripe.session(sessionId), amount_total: 99800, currency: 'usd' };
    expect((await deliver(anonymous, checkoutEvent('checkout.session.completed', dollars))).status).to.equal(200);
    expect(await status(orderId)).to.equal('pending');
    // The control: the exact amount in the order's currency is a payment.
    const exact = { ...fake.stripe.session(sessionId), amount_total: 99800, currency: 'inr' };
    await deliver(anonymous, checkoutEvent('checkout.session.completed', exact));
    expect(await status(orderId)).to.equal('paid');
  });

  it('does not mark an order paid through a session that is not the order’s own', async () => {
    const victim = await cardOrder();
    const attacker = await cardOrder();
    // A real paid session whose metadata names another order.
    const forged = { ...fake.stripe.complete(attacker.sessionId), metadata: { order_id: String(victim.orderId) } };
    await deliver(anonymous, checkoutEvent('checkout.session.completed', forged));
    expect(await status(victim.orderId)).to.equal('pending');
    expect(await status(attacker.orderId)).to.equal('pending');
    // A session id no order has.
    const stranger = { ...fake.stripe.session(victim.sessionId), id: 'cs_test_unknown', payment_status: 'paid', status: 'complete' };
    const response = await deliver(anonymous, checkoutEvent('checkout.session.completed', stranger));
    expect(response.status).to.equal(200);
    expect(await status(victim.orderId)).to.equal('pending');
  });

  it('cancels on checkout.session.expired and gives the stock back exactly once, however often it is delivered', async () => {
    const { orderId, sessionId, tee } = await cardOrder();
    const event = checkoutEvent('checkout.session.expired', fake.stripe.expireNow(sessionId));
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(anonymous, event)));
    expect(answers.map((answer) => answer.status)).to.deep.equal(Array(6).fill(200));
    expect(answers.filter((answer) => answer.body.status === 'success')).to.have.length(1);
    expect(answers.filter((answer) => answer.body.status === 'ignored')).to.have.length(5);
    expect(await status(orderId)).to.equal('cancelled');
    expect(await stockOf(suite.db, tee.id)).to.equal(10);
    // A second, different expiry event for the same session (Stripe retries with a new id) changes nothing either.
    await deliver(anonymous, checkoutEvent('checkout.session.expired', fake.stripe.session(sessionId)));
    expect(await stockOf(suite.db, tee.id)).to.equal(10);
  });

  it('applies concurrent duplicate deliveries of a completion once', async () => {
    const { orderId, sessionId } = await cardOrder();
    const event = checkoutEvent('checkout.session.completed', fake.stripe.complete(sessionId));
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(anonymous, event)));
    expect(answers.filter((answer) => answer.body.status === 'success')).to.have.length(1);
    expect(await status(orderId)).to.equal('paid');
    const recorded = await suite.db('stripe_events').where({ id: event.id });
    expect(recorded).to.have.length(1);
    expect(recorded[0].order_id).to.equal(orderId);
  });

  it('never moves a paid order backwards when events arrive out of order', async () => {
    const { orderId, sessionId, tee } = await cardOrder();
    const paid = fake.stripe.complete(sessionId);
    await deliver(anonymous, checkoutEvent('checkout.session.completed', paid));
    await deliver(anonymous, checkoutEvent('checkout.session.expired', { ...paid, status: 'expired' }));
    await deliver(anonymous, checkoutEvent('checkout.session.async_payment_failed', { ...paid, payment_status: 'unpaid' }));
    expect(await status(orderId)).to.equal('paid');
    expect(await stockOf(suite.db, tee.id)).to.equal(8);
  });

  it('handles delayed payments: completed unpaid, then async success → paid; async failure → failed with stock back', async () => {
    const good = await cardOrder();
    const pendingGood = fake.stripe.complete(good.sessionId, { payment_status: 'unpaid' });
    await deliver(anonymous, checkoutEvent('checkout.session.completed', pendingGood));
    expect(await status(good.orderId)).to.equal('pending');
    await deliver(anonymous, checkoutEvent('checkout.session.async_payment_succeeded', fake.stripe.complete(good.sessionId)));
    expect(await status(good.orderId)).to.equal('paid');

    const bad = await cardOrder();
    const failed = fake.stripe.complete(bad.sessionId, { payment_status: 'unpaid' });
    await deliver(anonymous, checkoutEvent('checkout.session.async_payment_failed', failed));
    expect(await status(bad.orderId)).to.equal('failed');
    expect(await stockOf(suite.db, bad.tee.id)).to.equal(10);
    // A late success for a failed order is not applied.
    await deliver(anonymous, checkoutEvent('checkout.session.async_payment_succeeded', fake.stripe.complete(bad.sessionId)));
    expect(await status(bad.orderId)).to.equal('failed');
    expect(await stockOf(suite.db, bad.tee.id)).to.equal(10);
  });

  it('answers 200 "ignored" for event types it does not handle', async () => {
    const response = await deliver(anonymous, {
      ...checkoutEvent('payment_intent.created', { id: 'pi_test_1', object: 'payment_intent' }),
    });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ignored' });
  });
});

describe('POST /api/orders/webhook/ without a webhook secret', () => {
  const suite = serverForSuite();

  it('answers 503', async () => {
    const response = await deliver(suite.server.client(), checkoutEvent('checkout.session.completed', { id: 'cs_test_x' }));
    expect(response.status).to.equal(503);
  });
});
