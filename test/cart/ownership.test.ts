// Another user's cart line or wishlist item is unreachable: every operation answers 404 exactly as
// for an id that does not exist, and the row is left as it was. Without a session, 401.
import { expect } from 'chai';
import type { Client } from '../support/client.js';
import { accessTokenFor, makeProduct, makeUser, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

describe('cart and wishlist: other users’ data and sessions', () => {
  const suite = serverForSuite();
  let owner: Client;
  let intruder: Client;
  let cartLineId: number;
  let wishlistItemId: number;
  const snapshot = async () => ({
    cartLine: await suite.db('cart_items').where({ id: cartLineId }).first(),
    wishlistItem: await suite.db('wishlist_items').where({ id: wishlistItemId }).first(),
  });
  let before0: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    owner = await shopper(suite.server);
    intruder = await shopper(suite.server);
    const product = await makeProduct(suite.db, { stock: 20 });
    await owner.post('/api/cart/add/', { product_id: product.id, quantity: 2 });
    await owner.post('/api/cart/wishlist/add/', { product_id: product.id });
    cartLineId = (await owner.get('/api/cart/')).body.items[0].id;
    wishlistItemId = (await owner.get('/api/cart/wishlist/')).body.items[0].id;
    // The intruder has a cart and wishlist of their own, with the same product.
    await intruder.post('/api/cart/add/', { product_id: product.id });
    await intruder.post('/api/cart/wishlist/add/', { product_id: product.id });
    before0 = await snapshot();
  });

  afterEach(async () => {
    expect(await snapshot(), 'the owner’s rows are untouched').to.deep.equal(before0);
  });

  it('PATCH of another user’s cart line answers 404', async () => {
    const response = await intruder.patch(`/api/cart/update/${cartLineId}/`, { quantity: 5 });
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: 'Cart item not found.', code: 'not_found', detail: 'Cart item not found.' });
  });

  it('PATCH of another user’s cart line beyond stock still answers 404 (the stock is not revealed)', async () => {
    const response = await intruder.patch(`/api/cart/update/${cartLineId}/`, { quantity: 99 });
    expect(response.status).to.equal(404);
  });

  it('DELETE of another user’s cart line answers 404', async () => {
    const response = await intruder.delete(`/api/cart/remove/${cartLineId}/`);
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: 'Cart item not found.', code: 'not_found', detail: 'Cart item not found.' });
  });

  it('clearing one’s own cart leaves other carts alone', async () => {
    expect((await intruder.delete('/api/cart/clear/')).status).to.equal(200);
    expect((await intruder.get('/api/cart/')).body.items).to.deep.equal([]);
  });

  it('DELETE of another user’s wishlist item answers 404', async () => {
    const response = await intruder.delete(`/api/cart/wishlist/remove/${wishlistItemId}/`);
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: 'Wishlist item not found.', code: 'not_found', detail: 'Wishlist item not found.' });
  });

  it('a wishlist item id is not a cart line id and the other way round', async () => {
    // Ids of the other table that happen to exist must not reach across tables.
    expect((await owner.delete(`/api/cart/remove/${wishlistItemId + 1_000_000}/`)).status).to.equal(404);
    expect((await owner.delete(`/api/cart/wishlist/remove/${cartLineId + 1_000_000}/`)).status).to.equal(404);
  });

  it('each user sees only their own cart and wishlist', async () => {
    const ownerCart = (await owner.get('/api/cart/')).body;
    const intruderCart = (await intruder.get('/api/cart/')).body;
    expect(ownerCart.id).not.to.equal(intruderCart.id);
    expect(intruderCart.items.map((item: { id: number }) => item.id)).not.to.include(cartLineId);
    const intruderWishlist = (await intruder.get('/api/cart/wishlist/')).body;
    expect(intruderWishlist.items.map((item: { id: number }) => item.id)).not.to.include(wishlistItemId);
  });

  it('accepts the access token as a Bearer header too (non-browser clients)', async () => {
    const user = await makeUser(suite.db);
    const token = await accessTokenFor(suite.server, user);
    const client = suite.server.client({ authorization: `Bearer ${token}` });
    const product = await makeProduct(suite.db);
    expect((await client.post('/api/cart/add/', { product_id: product.id }, { origin: null })).status).to.equal(200);
    const cart = (await client.get('/api/cart/')).body;
    expect(cart.items.map((item: { product: { id: number } }) => item.product.id)).to.deep.equal([product.id]);
  });

  const calls: Array<[string, (client: Client) => Promise<{ status: number; body: { code: string } }>]> = [
    ['GET /api/cart/', (client) => client.get('/api/cart/')],
    ['POST /api/cart/add/', (client) => client.post('/api/cart/add/', { product_id: 1 })],
    ['PATCH /api/cart/update/{id}/', (client) => client.patch(`/api/cart/update/${cartLineId}/`, { quantity: 1 })],
    ['DELETE /api/cart/remove/{id}/', (client) => client.delete(`/api/cart/remove/${cartLineId}/`)],
    ['DELETE /api/cart/clear/', (client) => client.delete('/api/cart/clear/')],
    ['GET /api/cart/wishlist/', (client) => client.get('/api/cart/wishlist/')],
    ['POST /api/cart/wishlist/add/', (client) => client.post('/api/cart/wishlist/add/', { product_id: 1 })],
    ['DELETE /api/cart/wishlist/remove/{id}/', (client) => client.delete(`/api/cart/wishlist/remove/${wishlistItemId}/`)],
  ];
  for (const [name, call] of calls) {
    it(`${name} answers 401 without a session, or with a bad token`, async () => {
      const anonymous = await call(suite.server.client());
      expect(anonymous.status).to.equal(401);
      expect(anonymous.body.code).to.equal('not_authenticated');
      const forged = suite.server.client();
      forged.cookies.set('access', 'not-a-token');
      expect((await call(forged)).status).to.equal(401);
    });
  }
});
