// Stock held by card checkouts that are never paid comes back even when Stripe's expiry webhook
// never arrives (the sweeper), and when staff cancel a pending card order (its session is expired
// at Stripe first, so it can no longer be paid) — exactly once in every combination.
import { expect } from 'chai';
import { sweepAbandonedCheckouts } from '../../src/orders/payment-sweeper.js';
import { makeProduct, shopper, signedInUser, staffClient, unique } from '../support/factories.js';
import { checkoutEvent, stripeEnv } from '../../testing/fakes/stripe.js';
import { deliver, fakeStripeForSuite } from '../support/stripe.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import { ADDRESS, orderRow, stockOf } from '../orders/support.js';

describe('abandoned card checkouts', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => stripeEnv(fake.stripe));
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600 * 1000);

  async function cardOrder() {
    const tee = await makeProduct(suite.db, { price: '100.00', stock: 5 });
    const client = await shopper(suite.server);
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'stripe',
      cart: [{ id: tee.id, quantity: 2 }],
      address: ADDRESS,
    });
    expect(placed.status).to.equal(200);
    const order = await orderRow(suite.db, placed.body.order_id);
    return { orderId: order.id, sessionId: order.stripe_session_id!, tee };
  }
  const status = async (orderId: number) => (await orderRow(suite.db, orderId)).status;

  describe('the sweeper', () => {
    it('leaves checkouts alone before their expiry', async () => {
      const { orderId, sessionId, tee } = await cardOrder();
      fake.stripe.expireNow(sessionId);
      await sweepAbandonedCheckouts(suite.server.services);
      expect(await status(orderId)).to.equal('pending');
      expect(await stockOf(suite.db, tee.id)).to.equal(3);
    });

    it('cancels an expired checkout and gives its stock back once, even with a late webhook', async () => {
      const { orderId, sessionId, tee } = await cardOrder();
      fake.stripe.expireNow(sessionId);
      await sweepAbandonedCheckouts(suite.server.services, hoursFromNow(1));
      await sweepAbandonedCheckouts(suite.server.services, hoursFromNow(1));
      expect(await status(orderId)).to.equal('cancelled');
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
      await deliver(suite.server.client(), checkoutEvent('checkout.session.expired', fake.stripe.session(sessionId)));
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
    });

    it('marks paid a checkout Stripe says was paid when the webhook never came', async () => {
      const { orderId, sessionId, tee } = await cardOrder();
      fake.stripe.complete(sessionId);
      await sweepAbandonedCheckouts(suite.server.services, hoursFromNow(1));
      expect(await status(orderId)).to.equal('paid');
      expect(await stockOf(suite.db, tee.id)).to.equal(3);
    });

    it('keeps an order pending while Stripe still reports its session open', async () => {
      const { orderId, sessionId } = await cardOrder();
      const lookups = () => fake.stripe.requests.filter((request) => request.method === 'GET' && request.path.endsWith(sessionId)).length;
      await sweepAbandonedCheckouts(suite.server.services, hoursFromNow(1));
      expect(lookups(), 'the sweeper asked Stripe about the session').to.equal(1);
      expect(await status(orderId)).to.equal('pending');
    });

    it('fails an order whose session was never stored (the process died mid-checkout)', async () => {
      const { orderId, tee } = await cardOrder();
      await suite.db('orders').where({ id: orderId }).update({ stripe_session_id: null });
      await sweepAbandonedCheckouts(suite.server.services, hoursFromNow(1));
      expect(await status(orderId)).to.equal('failed');
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
    });
  });

  /**
   * A card checkout (2 of a stock of 5, with an Idempotency-Key) that has committed its order and
   * is still waiting for Stripe to create the session — as if the process had died right there.
   */
  async function strandedCheckout() {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 5 });
    const key = unique('key-');
    const body = { payment_method: 'stripe', cart: [{ id: tee.id, quantity: 2 }], address: ADDRESS };
    const held = fake.stripe.holdNextCreate();
    const stuck = client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    await held.arrived;
    const [order] = await suite.db('orders').where({ user_id: user.id });
    return { client, tee, key, body, held, stuck, order };
  }

  describe('a checkout whose process died while Stripe was being asked', () => {
    it('is failed by the sweeper, which frees its Idempotency-Key so the retry places a new order', async () => {
      const { client, tee, key, body, held, stuck, order: stranded } = await strandedCheckout();
      expect(stranded).to.include({ status: 'pending', stripe_session_id: null });
      const busy = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
      expect(busy.status).to.equal(409);
      expect(busy.body.code).to.equal('request_in_progress');

      const swept = await sweepAbandonedCheckouts(suite.server.services, hoursFromNow(1));
      expect(swept.failed).to.be.at.least(1);
      expect(await status(stranded.id)).to.equal('failed');
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
      const retry = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
      expect(retry.status, 'the key no longer answers "in progress"').to.equal(200);
      expect(retry.body.order_id).to.not.equal(stranded.id);
      expect(await stockOf(suite.db, tee.id)).to.equal(3);

      // Should the first request come back to life after all, its session is expired, not paid.
      held.release();
      const late = await stuck;
      expect(late.status).to.equal(409);
      const lateSession = [...fake.stripe.sessions.values()].find((session) => session.metadata.order_id === String(stranded.id));
      expect(lateSession?.status).to.equal('expired');
      expect(await status(stranded.id)).to.equal('failed');
      const replay = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
      expect(replay.body).to.deep.equal(retry.body);
    });
  });

  describe('staff cancelling a pending card order', () => {
    it('expires the session at Stripe, cancels and gives the stock back once', async () => {
      const { orderId, sessionId, tee } = await cardOrder();
      const cancelled = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' });
      expect(cancelled.status).to.equal(200);
      expect(cancelled.body.status).to.equal('cancelled');
      expect(fake.stripe.session(sessionId).status).to.equal('expired');
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
      await deliver(suite.server.client(), checkoutEvent('checkout.session.expired', fake.stripe.session(sessionId)));
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
    });

    it('refuses with 409 when the customer has already paid, and records the payment', async () => {
      const { orderId, sessionId, tee } = await cardOrder();
      fake.stripe.complete(sessionId);
      const refused = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' });
      expect(refused.status).to.equal(409);
      expect(await status(orderId)).to.equal('paid');
      expect(await stockOf(suite.db, tee.id)).to.equal(3);
      const shipped = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'shipped' });
      expect(shipped.body.status).to.equal('shipped');
    });

    it('cancels one whose session is not stored yet, freeing its Idempotency-Key; the late session is expired', async () => {
      const { client, tee, key, body, held, stuck, order: pending } = await strandedCheckout();
      const cancelled = await staff.patch(`/api/orders/${pending.id}/status/`, { status: 'cancelled' });
      expect(cancelled.status).to.equal(200);
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
      const retry = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
      expect(retry.status, 'the key no longer answers "in progress"').to.equal(200);
      expect(retry.body.order_id).to.not.equal(pending.id);

      held.release();
      expect((await stuck).status).to.equal(409);
      const lateSession = [...fake.stripe.sessions.values()].find((session) => session.metadata.order_id === String(pending.id));
      expect(lateSession?.status).to.equal('expired');
      expect(await status(pending.id)).to.equal('cancelled');
      expect(await stockOf(suite.db, tee.id)).to.equal(3);
    });

    it('answers 502 and changes nothing when Stripe cannot be reached', async () => {
      const { orderId, tee } = await cardOrder();
      fake.stripe.setUnreachable(true);
      try {
        const answer = await staff.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' });
        expect(answer.status).to.equal(502);
      } finally {
        fake.stripe.setUnreachable(false);
      }
      expect(await status(orderId)).to.equal('pending');
      expect(await stockOf(suite.db, tee.id)).to.equal(3);
    });
  });
});
