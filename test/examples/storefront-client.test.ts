// The typed client kit (examples/storefront-client) drives a shopper's whole journey against the
// real app, as a storefront would: registration, the emailed verification link (a real SMTP
// server), browsing and search, wishlist, cart, a cash-on-delivery order and a card order paid
// through the local Stripe server's signed webhook, the order history, logout. Every response is
// checked against openapi.yaml on the way (specCheckedFetch).
import { expect } from 'chai';
import { hashPassword } from '../../src/accounts/passwords.js';
import { ApiError, createStorefrontClient, ok } from '../../examples/storefront-client/index.js';
import { checkoutEvent, stripeEnv } from '../../testing/fakes/stripe.js';
import { startMailServer, tokenFromLink, type MailServer } from '../../testing/fakes/smtp.js';
import { specCheckedFetch } from '../support/checked-fetch.js';
import { FRONTEND_ORIGIN } from '../support/client.js';
import { makeProduct, makeUser, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { deliver, fakeStripeForSuite } from '../support/stripe.js';
import { ADDRESS } from '../orders/support.js';

describe('The storefront client kit', () => {
  const fake = fakeStripeForSuite();
  let mail: MailServer;
  before(async () => {
    mail = await startMailServer();
  });
  after(() => mail.close());
  // Registrations from 127.0.0.1 are counted in the run's database by every suite: a limit of our own.
  const suite = serverForSuite(() => ({
    ...stripeEnv(fake.stripe),
    SMTP_URL: mail.url,
    REQUIRE_EMAIL_VERIFICATION: 'True',
    THROTTLE_REGISTER: '1000/1h',
  }));

  it('takes a shopper from registration to a paid card order and a logout', async function () {
    this.timeout(60_000);
    const tag = unique('kit');
    const tee = await makeProduct(suite.db, { name: `Kame House Tee ${tag}`, price: '499.00', stock: 10, category: 'men' });
    const kurta = await makeProduct(suite.db, { name: `Lotus Kurta ${tag}`, price: '1250.50', stock: 5, category: 'women' });
    const api = createStorefrontClient({ baseUrl: suite.server.url, origin: FRONTEND_ORIGIN, fetch: specCheckedFetch() });

    // A guest is told so: 401 in the error schema.
    const guest = await api.GET('/api/auth/me/');
    expect(guest.response.status).to.equal(401);
    expect(guest.error?.code).to.equal('not_authenticated');

    // Register, then follow the mailed link's token.
    const email = `${tag}@example.com`;
    const registered = await ok(api.POST('/api/auth/register/', { body: { email, password: 'a-long-password' } }));
    expect(registered.user.email).to.equal(email);
    expect(registered.user.email_verified).to.equal(false);
    const token = tokenFromLink(await mail.nextMailTo(email), 'verify-email');
    await ok(api.POST('/api/auth/verify-email/', { body: { token } }));
    expect((await ok(api.GET('/api/auth/me/'))).email_verified).to.equal(true);

    // Browse and search the catalogue.
    const found = await ok(api.GET('/api/products/', { params: { query: { search: tag } } }));
    expect(found.map((product) => product.id)).to.have.members([tee.id, kurta.id]);
    const women = await ok(api.GET('/api/products/', { params: { query: { search: tag, category: 'women' } } }));
    expect(women.map((product) => product.id)).to.deep.equal([kurta.id]);
    const detail = await ok(api.GET('/api/products/{id}/', { params: { path: { id: tee.id } } }));
    expect(detail.price).to.equal('499.00');

    // Wishlist and cart.
    await ok(api.POST('/api/cart/wishlist/add/', { body: { product_id: kurta.id } }));
    const wishlist = await ok(api.GET('/api/cart/wishlist/'));
    expect(wishlist.items.map((item) => item.product.id)).to.deep.equal([kurta.id]);
    await ok(api.POST('/api/cart/add/', { body: { product_id: tee.id, quantity: 2 } }));
    const cart = await ok(api.GET('/api/cart/'));
    expect(cart.total).to.equal('998.00');

    // Cash on delivery, from the server-side cart; a retry with the same key is the same order.
    const attempt = crypto.randomUUID();
    const cod = await ok(api.placeOrder({ payment_method: 'cod', address: ADDRESS }, attempt));
    expect(cod).to.include({ payment_method: 'cod', status: 'processing' });
    const retried = await ok(api.placeOrder({ payment_method: 'cod', address: ADDRESS }, attempt));
    expect(retried.order_id).to.equal(cod.order_id);
    expect((await ok(api.GET('/api/cart/'))).items).to.deep.equal([]);

    // By card: Stripe Checkout, then Stripe's signed webhook says it is paid.
    const [address] = await ok(api.GET('/api/orders/addresses/'));
    const card = await ok(api.placeOrder({ payment_method: 'stripe', cart: [{ id: kurta.id, quantity: 1 }], address_id: address!.id }));
    expect(card).to.have.property('checkout_url');
    const session = [...fake.stripe.sessions.values()].find((candidate) => candidate.metadata.order_id === String(card.order_id));
    expect(session, 'the Checkout Session of the card order').to.not.equal(undefined);
    const webhook = await deliver(suite.server.client(), checkoutEvent('checkout.session.completed', fake.stripe.complete(session!.id)));
    expect(webhook.status).to.equal(200);

    const orders = await ok(api.GET('/api/orders/my/'));
    expect(orders.map((order) => [order.id, order.status])).to.deep.equal([
      [card.order_id, 'paid'],
      [cod.order_id, 'processing'],
    ]);

    // Log out: the session is over, and its refresh token is refused.
    await ok(api.POST('/api/auth/logout/'));
    const refresh = await api.POST('/api/auth/refresh/');
    expect(refresh.response.status).to.equal(401);
    const after = await api.GET('/api/auth/me/');
    expect(after.response.status).to.equal(401);
    const error = await ok(api.GET('/api/cart/')).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ApiError);
    expect((error as ApiError).status).to.equal(401);
  });

  it('authenticates with tokens from the token endpoint instead of cookies, needing no Origin for writes', async () => {
    const password = 'a-long-password';
    const user = await makeUser(suite.db, { password: await hashPassword(password) });
    const product = await makeProduct(suite.db);
    // An app without cookies: no cookie jar, no Origin.
    const anonymous = createStorefrontClient({ baseUrl: suite.server.url, auth: { bearer: () => undefined }, fetch: specCheckedFetch() });
    let tokens = await ok(anonymous.POST('/api/auth/token/', { body: { email: user.email, password } }));
    const api = createStorefrontClient({ baseUrl: suite.server.url, auth: { bearer: () => tokens.access }, fetch: specCheckedFetch() });
    expect((await ok(api.GET('/api/auth/me/'))).email).to.equal(user.email);
    const added = await ok(api.POST('/api/cart/add/', { body: { product_id: product.id, quantity: 1 } }));
    expect(added.message).to.equal('Added to cart');

    tokens = await ok(anonymous.POST('/api/auth/token/refresh/', { body: { refresh: tokens.refresh } }));
    expect((await ok(api.GET('/api/cart/'))).items).to.have.length(1);
    await ok(api.POST('/api/auth/logout/'));
    expect((await api.GET('/api/auth/me/')).response.status).to.equal(401);
    expect((await anonymous.GET('/api/auth/me/')).response.status).to.equal(401);
  });

  it('sends no cookie-authenticated write without the storefront origin (the CSRF rule)', async () => {
    const jar = specCheckedFetch();
    const withOrigin = createStorefrontClient({ baseUrl: suite.server.url, origin: FRONTEND_ORIGIN, fetch: jar });
    await ok(withOrigin.POST('/api/auth/register/', { body: { email: `${unique('csrf')}@example.com`, password: 'a-long-password' } }));
    // The same cookies, from a program that does not say it is the storefront: refused.
    const withoutOrigin = createStorefrontClient({ baseUrl: suite.server.url, fetch: jar });
    const refused = await withoutOrigin.DELETE('/api/cart/clear/');
    expect(refused.response.status).to.equal(403);
    expect((await withOrigin.DELETE('/api/cart/clear/')).response.status).to.equal(200);
  });
});
