// Card checkout: the real stripe SDK talks to a local Stripe-compatible server. The order is
// pending and holds its stock; the session carries database amounts in paise; a Stripe failure
// fails the order, gives stock and cart back and answers 502.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { isEmbedded } from '../../src/db.js';
import type { TestResponse } from '../support/client.js';
import { makeProduct, shopper, signedInUser, staffClient, unique } from '../support/factories.js';
import { stripeEnv } from '../../testing/fakes/stripe.js';
import { fakeStripeForSuite } from '../support/stripe.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS, cartLines, fillCart, orderRow, stockOf } from '../orders/support.js';

/** Waits until a session of this database is waiting for a lock. */
async function waitForLockWait(db: Knex, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.raw<{ rows: Array<{ waiting: number }> }>(
      "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0]!.waiting > 0) return;
    if (Date.now() > deadline) throw new Error('no session started waiting for a lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('POST /api/orders/create/ (Stripe Checkout)', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => ({
    ...stripeEnv(fake.stripe),
    FRONTEND_URL: 'https://shop.example.com',
    STRIPE_CHECKOUT_EXPIRY_MINUTES: '45',
  }));

  it('creates a Checkout Session from database prices and answers its URL; the order holds the stock', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { name: 'Goku Tee', price: '1495.00', stock: 5 });
    const cap = await makeProduct(suite.db, { name: 'Cap', price: '299.99', stock: 5, image: null });
    const before = Math.floor(Date.now() / 1000);
    const response = await client.post(
      '/api/orders/create/',
      {
        payment_method: 'stripe',
        cart: [
          { id: tee.id, name: 'Goku Tee', price: '1495.00', quantity: 2 },
          { id: cap.id, quantity: 1 },
        ],
        address: ADDRESS,
      },
      { origin: 'https://shop.example.com' },
    );
    expect(response.status).to.equal(200);
    const orderId = response.body.order_id;
    const order = await orderRow(suite.db, orderId);
    expect(order.status).to.equal('pending');
    expect(order.total_amount).to.equal('3289.99');
    expect(await stockOf(suite.db, tee.id)).to.equal(3);

    const [request] = fake.stripe.createRequests().filter((recorded) => recorded.params.client_reference_id === String(orderId));
    expect(request!.idempotencyKey).to.equal(`checkout-session-order-${orderId}`);
    const session = fake.stripe.session(order.stripe_session_id!);
    expect(response.body).to.deep.equal({ checkout_url: session.url, order_id: orderId, payment_method: 'stripe' });
    expect(session.mode).to.equal('payment');
    expect(session.allowed_payment_method_types).to.deep.equal(['card']);
    expect(session.currency).to.equal('inr');
    expect(session.amount_total).to.equal(328999);
    expect(session.line_items_sent).to.deep.equal([
      {
        quantity: 2,
        price_data: {
          currency: 'inr',
          unit_amount: 149500,
          product_data: { name: 'Goku Tee', images: ['https://images.example-cdn.com/test.jpg'] },
        },
      },
      { quantity: 1, price_data: { currency: 'inr', unit_amount: 29999, product_data: { name: 'Cap' } } },
    ]); // lines in product id order; the tee was created first
    expect(session.metadata).to.deep.equal({ order_id: String(orderId) });
    expect(session.payment_intent_metadata).to.deep.equal({ order_id: String(orderId) });
    expect(session.client_reference_id).to.equal(String(orderId));
    expect(session.customer_email).to.equal(user.email);
    expect(session.success_url).to.equal('https://shop.example.com/payment-success?session_id={CHECKOUT_SESSION_ID}');
    expect(session.cancel_url).to.equal('https://shop.example.com/payment');
    expect(session.expires_at).to.be.within(before + 45 * 60, before + 45 * 60 + 120);
  });

  it('derives the idempotency key from the order, so a repeated creation gets the same session back', async () => {
    const request = {
      orderId: 2_000_000_001,
      currency: 'inr',
      customerEmail: 'repeat@example.com',
      lines: [{ name: 'Repeat Tee', unitAmount: 49900, quantity: 1, image: null }],
      expiresAt: new Date(Date.now() + 31 * 60 * 1000),
    };
    const first = await suite.server.services.stripe!.createCheckoutSession(request);
    const again = await suite.server.services.stripe!.createCheckoutSession(request);
    expect(again.id).to.equal(first.id);
    const sent = fake.stripe.createRequests().filter((recorded) => recorded.params.client_reference_id === String(request.orderId));
    expect(sent.map((recorded) => recorded.idempotencyKey)).to.deep.equal([
      'checkout-session-order-2000000001',
      'checkout-session-order-2000000001',
    ]);
    expect([...fake.stripe.sessions.values()].filter((session) => session.client_reference_id === String(request.orderId))).to.have.length(
      1,
    );
  });

  it('marks the order failed, gives stock and cart back and answers 502 when Stripe fails', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 4 });
    await fillCart(suite.db, user.id, [{ productId: tee.id, quantity: 3 }]);
    fake.stripe.failNextCreate(500, 'api_error', 'Stripe is having a bad day.');
    const key = unique('key-');
    const response = await client.post(
      '/api/orders/create/',
      { payment_method: 'stripe', address: ADDRESS },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(response.status).to.equal(502);
    expect(response.body.code).to.equal('bad_gateway');
    expect(response.body.error).to.equal('Payment provider error. Please try again.');
    const [order] = await suite.db('orders').where({ user_id: user.id });
    expect(order.status).to.equal('failed');
    expect(await stockOf(suite.db, tee.id)).to.equal(4);
    expect(await cartLines(suite.db, user.id)).to.deep.equal([{ product_id: tee.id, quantity: 3 }]);

    // The same key may be retried once Stripe is back: a new attempt, not a replay of the 502.
    const retry = await client.post(
      '/api/orders/create/',
      { payment_method: 'stripe', address: ADDRESS },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(retry.status).to.equal(200);
    expect(await stockOf(suite.db, tee.id)).to.equal(1);
    expect(await cartLines(suite.db, user.id)).to.deep.equal([]);
  });

  describe('a product deleted while a failed checkout gives the cart back', () => {
    async function heldFailingCheckout() {
      const { user, client } = await signedInUser(suite.server);
      const tee = await makeProduct(suite.db, { stock: 4 });
      const cap = await makeProduct(suite.db, { stock: 4 });
      await fillCart(suite.db, user.id, [
        { productId: tee.id, quantity: 1 },
        { productId: cap.id, quantity: 2 },
      ]);
      const held = fake.stripe.holdNextCreate();
      fake.stripe.failNextCreate(500, 'api_error', 'Stripe is having a bad day.');
      const answer = client.post('/api/orders/create/', { payment_method: 'stripe', address: ADDRESS });
      await held.arrived;
      return { user, tee, cap, held, answer };
    }
    async function expectFailedWithoutTheDeletedProduct(user: { id: number }, cap: { id: number }, response: TestResponse) {
      expect(response.status).to.equal(502);
      expect(response.body.code).to.equal('bad_gateway');
      expect(await cartLines(suite.db, user.id)).to.deep.equal([{ product_id: cap.id, quantity: 2 }]);
      expect(await stockOf(suite.db, cap.id)).to.equal(4);
      expect((await suite.db('orders').where({ user_id: user.id }).first()).status).to.equal('failed');
    }

    it('skips the product deleted while Stripe was being asked', async () => {
      const { user, tee, cap, held, answer } = await heldFailingCheckout();
      const staff = await staffClient(suite.server);
      expect((await staff.delete(`/api/products/${tee.id}/`)).status).to.equal(204);
      held.release();
      await expectFailedWithoutTheDeletedProduct(user, cap, await answer);
    });

    it('skips it too when the deletion commits while the cart is being put back (PostgreSQL)', async function () {
      // The embedded database has one connection: a second open transaction would stall the app.
      if (isEmbedded(suite.db)) this.skip();
      const { user, tee, cap, held, answer } = await heldFailingCheckout();
      const deletion = await suite.db.transaction();
      try {
        await deletion('products').where({ id: tee.id }).delete();
        held.release();
        // Let the checkout reach the row the uncommitted deletion holds, then commit the deletion.
        await waitForLockWait(suite.db);
        await deletion.commit();
      } finally {
        if (!deletion.isCompleted()) await deletion.rollback();
      }
      await expectFailedWithoutTheDeletedProduct(user, cap, await answer);
    });
  });

  it('answers 502 when Stripe refuses the request or cannot be reached', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { stock: 4 });
    fake.stripe.failNextCreate(402, 'card_error', 'Your card was declined.');
    const declined = await client.post('/api/orders/create/', {
      payment_method: 'stripe',
      cart: [{ id: tee.id, quantity: 1 }],
      address: ADDRESS,
    });
    expect(declined.status).to.equal(502);
    fake.stripe.setUnreachable(true);
    try {
      const down = await client.post('/api/orders/create/', {
        payment_method: 'stripe',
        cart: [{ id: tee.id, quantity: 1 }],
        address: ADDRESS,
      });
      expect(down.status).to.equal(502);
    } finally {
      fake.stripe.setUnreachable(false);
    }
    expect(await stockOf(suite.db, tee.id)).to.equal(4);
  });

  it('replays a retried card checkout with the same Idempotency-Key: one order, one session', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 4 });
    const key = unique('key-');
    const body = { payment_method: 'stripe', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };
    const first = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    const second = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
    expect(second.status).to.equal(200);
    expect(second.body).to.deep.equal(first.body);
    expect(await suite.db('orders').where({ user_id: user.id })).to.have.length(1);
    expect(await stockOf(suite.db, tee.id)).to.equal(3);
  });

  it('makes one order from concurrent duplicates: the others replay or are told to retry', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 40 });
    const key = unique('key-');
    const body = { payment_method: 'stripe', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } })),
    );
    const ok = answers.filter((answer) => answer.status === 200);
    const busy = answers.filter((answer) => answer.status === 409);
    expect(ok.length + busy.length).to.equal(8);
    expect(ok.length).to.be.at.least(1);
    expect(new Set(ok.map((answer) => answer.body.checkout_url)).size).to.equal(1);
    for (const answer of busy) expect(answer.body.code).to.equal('request_in_progress');
    expect(await suite.db('orders').where({ user_id: user.id })).to.have.length(1);
    expect(await stockOf(suite.db, tee.id)).to.equal(39);
  });
});

describe('POST /api/orders/create/ without Stripe configured', () => {
  const suite = serverForSuite();

  it('refuses card checkout with 503 and changes nothing; cash on delivery still works', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { stock: 2 });
    const card = await client.post('/api/orders/create/', {
      payment_method: 'stripe',
      cart: [{ id: tee.id, quantity: 1 }],
      address: ADDRESS,
    });
    expect(card.status).to.equal(503);
    expect(card.body.code).to.equal('service_unavailable');
    expect(await stockOf(suite.db, tee.id)).to.equal(2);
    const cod = await client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS });
    expect(cod.status).to.equal(200);
  });
});
