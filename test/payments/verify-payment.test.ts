// GET /api/orders/verify-payment/: the owner's check after the redirect, settled with the same
// rules as the webhook; another user's session is not found.
import { expect } from 'chai';
import { makeProduct, shopper } from '../support/factories.js';
import { checkoutEvent, stripeEnv } from '../../testing/fakes/stripe.js';
import { deliver, fakeStripeForSuite } from '../support/stripe.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS, orderRow, stockOf } from '../orders/support.js';

describe('GET /api/orders/verify-payment/', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => stripeEnv(fake.stripe));

  async function cardOrder() {
    const tee = await makeProduct(suite.db, { price: '250.00', stock: 5 });
    const client = await shopper(suite.server);
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'stripe',
      cart: [{ id: tee.id, quantity: 1 }],
      address: ADDRESS,
    });
    const order = await orderRow(suite.db, placed.body.order_id);
    return { orderId: order.id, sessionId: order.stripe_session_id!, tee, client };
  }
  const verify = (client: Awaited<ReturnType<typeof cardOrder>>['client'], sessionId: string) =>
    client.get(`/api/orders/verify-payment/?session_id=${encodeURIComponent(sessionId)}`);

  it('reports an unpaid session as not verified, then marks the order paid once Stripe says paid', async () => {
    const { orderId, sessionId, client } = await cardOrder();
    const open = await verify(client, sessionId);
    expect(open.status).to.equal(200);
    expect(open.body).to.deep.equal({ order_id: orderId, status: 'pending', payment_verified: false });
    fake.stripe.complete(sessionId);
    const paid = await verify(client, sessionId);
    expect(paid.body).to.deep.equal({ order_id: orderId, status: 'paid', payment_verified: true });
    // The webhook arriving afterwards changes nothing.
    const late = await deliver(suite.server.client(), checkoutEvent('checkout.session.completed', fake.stripe.session(sessionId)));
    expect(late.status).to.equal(200);
    expect((await orderRow(suite.db, orderId)).status).to.equal('paid');
  });

  it('applies the webhook’s checks: an unpaid completion or a wrong amount is not a payment', async () => {
    const unpaid = await cardOrder();
    fake.stripe.complete(unpaid.sessionId, { payment_status: 'unpaid' });
    expect((await verify(unpaid.client, unpaid.sessionId)).body.payment_verified).to.equal(false);
    const wrong = await cardOrder();
    fake.stripe.complete(wrong.sessionId, { amount_total: 1 });
    const answer = await verify(wrong.client, wrong.sessionId);
    expect(answer.body).to.deep.equal({ order_id: wrong.orderId, status: 'pending', payment_verified: false });
  });

  it('cancels the order and gives the stock back when the session has expired', async () => {
    const { orderId, sessionId, client, tee } = await cardOrder();
    expect(await stockOf(suite.db, tee.id)).to.equal(4);
    fake.stripe.expireNow(sessionId);
    const answer = await verify(client, sessionId);
    expect(answer.body).to.deep.equal({ order_id: orderId, status: 'cancelled', payment_verified: false });
    expect(await stockOf(suite.db, tee.id)).to.equal(5);
    await deliver(suite.server.client(), checkoutEvent('checkout.session.expired', fake.stripe.session(sessionId)));
    await verify(client, sessionId);
    expect(await stockOf(suite.db, tee.id)).to.equal(5);
  });

  it('answers 404 for another user’s session or an unknown one, 400 without session_id, 401 without login', async () => {
    const { sessionId } = await cardOrder();
    const stranger = await shopper(suite.server);
    const theirs = await verify(stranger, sessionId);
    expect(theirs.status).to.equal(404);
    expect((await verify(stranger, 'cs_test_nobody')).status).to.equal(404);
    expect((await stranger.get('/api/orders/verify-payment/')).status).to.equal(400);
    expect((await suite.server.client().get(`/api/orders/verify-payment/?session_id=${sessionId}`)).status).to.equal(401);
    // The stranger's look did not settle anything at Stripe or here.
    expect(fake.stripe.requests.filter((request) => request.method === 'GET' && request.path.endsWith(sessionId))).to.have.length(0);
  });

  it('answers 502 when Stripe cannot be reached', async () => {
    const { sessionId, client } = await cardOrder();
    fake.stripe.setUnreachable(true);
    try {
      expect((await verify(client, sessionId)).status).to.equal(502);
    } finally {
      fake.stripe.setUnreachable(false);
    }
  });
});
