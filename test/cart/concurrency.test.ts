// Real parallel requests (run the suite with DATABASE_URL to get real PostgreSQL concurrency; on
// the embedded database they are serialised through one connection, and must hold there too).
// What they protect: each cart and wishlist write is one conditional statement. A read-add-write
// would lose clicks here, or store more than the stock or the 99-per-line limit.
import { expect } from 'chai';
import { makeProduct, shopper, signedInUser } from '../support/factories.js';
import { serverForSuite, testDatabase } from '../support/server.js';
import type { TestResponse } from '../support/client.js';

const PARALLEL = 12;

describe('cart and wishlist under concurrent requests', () => {
  const suite = serverForSuite();

  const parallel = <T>(run: () => Promise<T>) => Promise.all(Array.from({ length: PARALLEL }, run));

  const cartLines = (userId: number, productId: number) =>
    suite
      .db('cart_items')
      .join('carts', 'carts.id', 'cart_items.cart_id')
      .where({ 'carts.user_id': userId, 'cart_items.product_id': productId })
      .select('cart_items.quantity') as Promise<{ quantity: number }[]>;

  const count = async (table: string, where: Record<string, unknown>) =>
    Number(((await suite.db(table).where(where).count({ n: '*' })) as { n: string | number }[])[0]!.n);

  it(`${PARALLEL} concurrent adds of one product by a new user make one cart and one line holding every add`, async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 1000 });
    // The cart does not exist yet: the first requests also race to create it.
    const responses = await parallel(() => client.post('/api/cart/add/', { product_id: product.id, quantity: 2 }));
    expect(responses.map((response) => response.status)).to.deep.equal(Array(PARALLEL).fill(200));
    expect(await cartLines(user.id, product.id)).to.deep.equal([{ quantity: 2 * PARALLEL }]);
    expect(await count('carts', { user_id: user.id })).to.equal(1);
  });

  it('with limited stock, concurrent adds never store more than the stock and every refusal is the stock message', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 7 });
    const responses = await parallel(() => client.post('/api/cart/add/', { product_id: product.id, quantity: 2 }));
    const accepted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status !== 200);
    // 2 + 2 + 2 fit into 7; a fourth add of 2 would not.
    expect(accepted).to.have.length(3);
    expect(await cartLines(user.id, product.id)).to.deep.equal([{ quantity: 6 }]);
    for (const response of refused) {
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({
        error: 'Cannot add 2 more. Only 1 item(s) available.',
        code: 'insufficient_stock',
        detail: 'Cannot add 2 more. Only 1 item(s) available.',
      });
    }
  });

  it('concurrent adds of one product near the 99-per-line limit stop exactly at 99', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 10_000 });
    const responses = await parallel(() => client.post('/api/cart/add/', { product_id: product.id, quantity: 9 }));
    const accepted = responses.filter((response) => response.status === 200).length;
    expect(accepted).to.equal(11); // 11 × 9 = 99
    expect(responses.filter((response) => response.status === 400)).to.have.length(PARALLEL - 11);
    expect(await cartLines(user.id, product.id)).to.deep.equal([{ quantity: 99 }]);
  });

  it('concurrent quantity updates leave one of the requested quantities, never a sum', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db, { stock: 50 });
    await client.post('/api/cart/add/', { product_id: product.id });
    const itemId = (await client.get('/api/cart/')).body.items[0].id as number;
    const quantities = Array.from({ length: PARALLEL }, (_, index) => index + 1);
    const responses = await Promise.all(quantities.map((quantity) => client.patch(`/api/cart/update/${itemId}/`, { quantity })));
    expect(responses.map((response) => response.status)).to.deep.equal(Array(PARALLEL).fill(200));
    const [line] = await cartLines(user.id, product.id);
    expect(quantities).to.include(line!.quantity);
  });

  it('concurrent wishlist clicks on one product make one wishlist and one item', async () => {
    const { user, client } = await signedInUser(suite.server);
    const product = await makeProduct(suite.db);
    const responses = await parallel(() => client.post('/api/cart/wishlist/add/', { product_id: product.id }));
    expect(responses.map((response) => response.status)).to.deep.equal(Array(PARALLEL).fill(200));
    const messages = responses.map((response) => response.body.message as string);
    expect(messages.filter((message) => message === 'Added to wishlist')).to.have.length(1);
    expect(messages.filter((message) => message === 'Already in wishlist')).to.have.length(PARALLEL - 1);
    expect(await count('wishlists', { user_id: user.id })).to.equal(1);
    const wishlist = (await client.get('/api/cart/wishlist/')).body;
    expect(wishlist.items.map((item: { product: { id: number } }) => item.product.id)).to.deep.equal([product.id]);
  });

  /**
   * Runs the request while a transaction deletes the product, committing the deletion only once
   * the request's statement waits for it (on PostgreSQL): the statement has seen the product, and
   * then its foreign key check finds it gone. The embedded database has one connection, so there
   * the request simply runs after the deletion.
   */
  async function whileProductIsDeleted(productId: number, table: string, request: () => Promise<TestResponse>): Promise<TestResponse> {
    const onPostgres = Boolean((await testDatabase()).url);
    const db = suite.db;
    const deletion = await db.transaction();
    await deletion('products').where({ id: productId }).delete();
    const pending = request();
    if (onPostgres) {
      const blocked = async () =>
        (
          (await suite.db.raw(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE ?",
            [`%INSERT INTO ${table}%`],
          )) as { rows: Array<{ n: number }> }
        ).rows[0]!.n > 0;
      for (let tries = 0; !(await blocked()); tries += 1) {
        if (tries > 500) throw new Error(`the insert into ${table} never waited for the deletion`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await deletion.commit();
    return pending;
  }

  it('adding a product to the cart or wishlist while it is deleted answers 404, not 500', async () => {
    const client = await shopper(suite.server);
    const forCart = await makeProduct(suite.db);
    const cart = await whileProductIsDeleted(forCart.id, 'cart_items', () => client.post('/api/cart/add/', { product_id: forCart.id }));
    expect(cart.status).to.equal(404);
    expect(cart.body).to.deep.equal({ error: 'Product not found.', code: 'not_found', detail: 'Product not found.' });
    const forWishlist = await makeProduct(suite.db);
    const wishlist = await whileProductIsDeleted(forWishlist.id, 'wishlist_items', () =>
      client.post('/api/cart/wishlist/add/', { product_id: forWishlist.id }),
    );
    expect(wishlist.status).to.equal(404);
    expect(wishlist.body).to.deep.equal({ error: 'Product not found.', code: 'not_found', detail: 'Product not found.' });
  });

  it('concurrent first visits create one cart and one wishlist', async () => {
    const { user, client } = await signedInUser(suite.server);
    const carts = await parallel(() => client.get('/api/cart/'));
    const wishlists = await parallel(() => client.get('/api/cart/wishlist/'));
    expect(new Set(carts.map((response) => response.body.id)).size).to.equal(1);
    expect(new Set(wishlists.map((response) => response.body.id)).size).to.equal(1);
    expect(await count('carts', { user_id: user.id })).to.equal(1);
    expect(await count('wishlists', { user_id: user.id })).to.equal(1);
  });
});
