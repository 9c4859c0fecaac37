// Limits against stock hoarding: one order cannot take more than ORDER_MAX_PER_PRODUCT units of a
// product, one user cannot hold more than MAX_OPEN_CARD_CHECKOUTS unpaid card checkouts, and an
// account with an unverified email cannot place more than UNVERIFIED_COD_ORDERS_PER_DAY
// cash-on-delivery orders a day — also when the requests arrive all at once.
import { expect } from 'chai';
import { makeProduct, signedInUser } from '../support/factories.js';
import { stripeEnv } from '../../testing/fakes/stripe.js';
import { fakeStripeForSuite } from '../support/stripe.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS, fillCart, saveAddress, stockOf } from './support.js';

describe('checkout limits against stock hoarding', () => {
  const fake = fakeStripeForSuite();
  const suite = serverForSuite(() => ({
    ...stripeEnv(fake.stripe),
    ORDER_MAX_PER_PRODUCT: '5',
    MAX_OPEN_CARD_CHECKOUTS: '2',
    UNVERIFIED_COD_ORDERS_PER_DAY: '2',
  }));
  const order = (productId: number, quantity: number, paymentMethod: 'cod' | 'stripe' = 'cod') => ({
    payment_method: paymentMethod,
    cart: [{ id: productId, quantity }],
    address: ADDRESS,
  });
  // Parallel orders to a saved address: an inline address would make them wait for each other on
  // the address book's lock, and the test would not show that the limit holds by itself.
  const toSaved = (addressId: number, productId: number, paymentMethod: 'cod' | 'stripe') => ({
    payment_method: paymentMethod,
    cart: [{ id: productId, quantity: 1 }],
    address_id: addressId,
  });

  it('refuses more than ORDER_MAX_PER_PRODUCT units of one product in one order, from the request or the cart, taking nothing', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 29 });
    const refused = await client.post('/api/orders/create/', order(product.id, 6));
    expect(refused.status).to.equal(400);
    expect(refused.body.code).to.equal('checkout_limit');
    expect(refused.body.error).to.match(/At most 5 of one product per order/);
    expect(refused.body.fields.cart).to.have.length(1);
    await fillCart(suite.db, user.id, [{ productId: product.id, quantity: 6 }]);
    const fromCart = await client.post('/api/orders/create/', { payment_method: 'cod', address: ADDRESS });
    expect(fromCart.status).to.equal(400);
    expect(fromCart.body.code).to.equal('checkout_limit');
    expect(await stockOf(suite.db, product.id)).to.equal(29);
    expect((await client.post('/api/orders/create/', order(product.id, 5))).status).to.equal(200);
    expect(await stockOf(suite.db, product.id)).to.equal(24);
  });

  it('refuses a card checkout while MAX_OPEN_CARD_CHECKOUTS of the user are unpaid, even when they are started at once', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 50 });
    const addressId = await saveAddress(suite.db, user.id);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client.post('/api/orders/create/', toSaved(addressId, product.id, 'stripe'))),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).to.deep.equal([200, 200, 400, 400, 400]);
    const refusal = answers.find((answer) => answer.status === 400)!;
    expect(refusal.body.code).to.equal('checkout_limit');
    expect(refusal.body.error).to.match(/already have 2 card payment/);
    expect(await stockOf(suite.db, product.id)).to.equal(48);
    // Cash on delivery is still open to a verified account.
    expect((await client.post('/api/orders/create/', order(product.id, 1))).status).to.equal(200);
  });

  it('frees a card checkout slot once an unpaid checkout is no longer open', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 50 });
    for (let index = 0; index < 2; index++) {
      expect((await client.post('/api/orders/create/', order(product.id, 1, 'stripe'))).status).to.equal(200);
    }
    expect((await client.post('/api/orders/create/', order(product.id, 1, 'stripe'))).status).to.equal(400);
    await suite.db('orders').where({ user_id: user.id, status: 'pending' }).orderBy('id').limit(1).update({ status: 'cancelled' });
    expect((await client.post('/api/orders/create/', order(product.id, 1, 'stripe'))).status).to.equal(200);
  });

  it('limits cash-on-delivery orders of an unverified account per day, even when they arrive at once; verified accounts are not limited', async () => {
    const { user, client } = await signedInUser(suite.server, { email_verified: false });
    const product = await makeProduct(suite.db, { stock: 50 });
    const addressId = await saveAddress(suite.db, user.id);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client.post('/api/orders/create/', toSaved(addressId, product.id, 'cod'))),
    );
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 200, 400, 400, 400]);
    const refusal = answers.find((answer) => answer.status === 400)!;
    expect(refusal.body.code).to.equal('checkout_limit');
    expect(refusal.body.error).to.match(/Verify your email address/);
    expect(await stockOf(suite.db, product.id)).to.equal(48);

    const verified = (await signedInUser(suite.server)).client;
    for (let index = 0; index < 4; index++) {
      expect((await verified.post('/api/orders/create/', order(product.id, 1))).status).to.equal(200);
    }
  });
});
