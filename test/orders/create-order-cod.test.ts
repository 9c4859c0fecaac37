// Placing an order with cash on delivery: database prices, stock taken in one transaction, the
// address copied onto the order, the cart emptied — and every refusal changes nothing.
import { expect } from 'chai';
import { clientAs, makeProduct, makeUser, shopper, signedInUser, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS, cartLines, fillCart, orderRow, placeCodOrder, saveAddress, stockOf } from './support.js';

describe('POST /api/orders/create/ (cash on delivery)', () => {
  const suite = serverForSuite();

  it('places the order at database prices, takes the stock, copies the address and empties the cart', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { price: '1495.00', stock: 5 });
    const cap = await makeProduct(suite.db, { price: '299.50', stock: 3, image: null });
    const other = await makeProduct(suite.db, { stock: 4 });
    await fillCart(suite.db, user.id, [{ productId: other.id, quantity: 1 }]);

    const response = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [
        { id: tee.id, name: tee.name, price: 1495, quantity: 2 },
        { id: cap.id, name: cap.name, price: 299.5, quantity: 1 },
      ],
      address: ADDRESS,
    });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({
      message: 'COD order placed',
      order_id: response.body.order_id,
      payment_method: 'cod',
      status: 'processing',
    });

    const order = await orderRow(suite.db, response.body.order_id);
    expect(order.status).to.equal('processing');
    expect(order.total_amount).to.equal('3289.50');
    expect(await stockOf(suite.db, tee.id)).to.equal(3);
    expect(await stockOf(suite.db, cap.id)).to.equal(2);
    expect(await stockOf(suite.db, other.id)).to.equal(4);
    expect(await cartLines(suite.db, user.id)).to.deep.equal([]);
    const saved = await suite.db('addresses').where({ user_id: user.id });
    expect(saved).to.have.length(1);
    expect(saved[0]).to.include(ADDRESS);

    const mine = await client.get('/api/orders/my/');
    expect(
      mine.body[0].items.map((item: { product: number; quantity: number; price: string }) => [item.product, item.quantity, item.price]),
    ).to.deep.equal([
      [tee.id, 2, '1495.00'],
      [cap.id, 1, '299.50'],
    ]);
    expect(mine.body[0].address).to.deep.equal(ADDRESS);
  });

  it('trims an inline address as the address book does (the spec allows spaces around the digits)', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { stock: 5 });
    const padded = {
      full_name: ' Asha Rao ',
      phone: ' 9876543210 ',
      street: ' 12 MG Road, Indiranagar ',
      city: ' Bengaluru ',
      pincode: ' 560038 ',
    };
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [{ id: tee.id, quantity: 1 }],
      address: padded,
    });
    expect(placed.status).to.equal(200);
    expect((await client.get('/api/orders/my/')).body[0].address).to.deep.equal(ADDRESS);
    const book = await client.get('/api/orders/addresses/');
    expect(book.body.map(({ id: _id, ...fields }: { id: number }) => fields)).to.deep.equal([ADDRESS]);
    // Ordering again to the same place, spelled without the spaces, adds no second entry.
    await client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS });
    expect((await client.get('/api/orders/addresses/')).body).to.have.length(1);
  });

  it('saves a new inline address once when orders to it race (the address book gets one entry)', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { stock: 50 });
    const address = { ...ADDRESS, street: `${unique('Lane ')} Koramangala` };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address }),
      ),
    );
    expect(answers.map((answer) => answer.status)).to.deep.equal(Array(12).fill(200));
    expect(await suite.db('orders').where({ user_id: user.id })).to.have.length(12);
    const book = await client.get('/api/orders/addresses/');
    expect(book.body.map(({ id: _id, ...fields }: { id: number }) => fields)).to.deep.equal([address]);
    // Only checkout avoids duplicates: the address book itself still takes an entry identical to one it holds.
    expect((await client.post('/api/orders/addresses/', address)).status).to.equal(201);
  });

  it('orders the server-side cart when no cart is sent, and empties it', async () => {
    const { user, client } = await signedInUser(suite.server);
    const a = await makeProduct(suite.db, { price: '100.00', stock: 10 });
    const b = await makeProduct(suite.db, { price: '0.99', stock: 10 });
    await fillCart(suite.db, user.id, [
      { productId: a.id, quantity: 3 },
      { productId: b.id, quantity: 7 },
    ]);
    const addressId = await saveAddress(suite.db, user.id);
    const response = await client.post('/api/orders/create/', { payment_method: 'cod', address_id: addressId });
    expect(response.status).to.equal(200);
    expect((await orderRow(suite.db, response.body.order_id)).total_amount).to.equal('306.93');
    expect(await stockOf(suite.db, a.id)).to.equal(7);
    expect(await stockOf(suite.db, b.id)).to.equal(3);
    expect(await cartLines(suite.db, user.id)).to.deep.equal([]);
  });

  it('refuses an empty server-side cart', async () => {
    const { user, client } = await signedInUser(suite.server);
    const response = await client.post('/api/orders/create/', { payment_method: 'cod', address: ADDRESS });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('Your cart is empty.');
    expect(await suite.db('orders').where({ user_id: user.id })).to.deep.equal([]);
  });

  it('charges the database price: a line claiming another price is refused with 409 and the current prices', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { price: '1495.00', stock: 5 });
    const cap = await makeProduct(suite.db, { price: '299.00', stock: 5 });
    await fillCart(suite.db, user.id, [{ productId: cap.id, quantity: 1 }]);
    const response = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [
        { id: tee.id, name: tee.name, price: 1, quantity: 2 },
        { id: cap.id, name: cap.name, price: '299.00', quantity: 1 },
      ],
      address: ADDRESS,
    });
    expect(response.status).to.equal(409);
    expect(response.body.code).to.equal('price_changed');
    expect(response.body.error).to.be.a('string').and.not.equal('');
    expect(response.body.current_prices).to.deep.equal(
      [
        { id: tee.id, name: tee.name, price: '1495.00' },
        { id: cap.id, name: cap.name, price: '299.00' },
      ].sort((x, y) => x.id - y.id),
    );
    // Nothing happened: no order, no stock taken, no address saved, cart intact.
    expect(await suite.db('orders').where({ user_id: user.id })).to.deep.equal([]);
    expect(await stockOf(suite.db, tee.id)).to.equal(5);
    expect(await suite.db('addresses').where({ user_id: user.id })).to.deep.equal([]);
    expect(await cartLines(suite.db, user.id)).to.deep.equal([{ product_id: cap.id, quantity: 1 }]);
  });

  it('refuses the whole order when any line lacks stock, naming the product and its stock, and changes nothing', async () => {
    const { user, client } = await signedInUser(suite.server);
    const plenty = await makeProduct(suite.db, { stock: 10 });
    const scarce = await makeProduct(suite.db, { name: 'Scarce Hoodie', stock: 2 });
    const response = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [
        { id: plenty.id, quantity: 4 },
        { id: scarce.id, quantity: 3 },
      ],
      address: ADDRESS,
    });
    expect(response.status).to.equal(400);
    expect(response.body).to.deep.equal({
      error: 'Insufficient stock for Scarce Hoodie. Only 2 available.',
      code: 'insufficient_stock',
      detail: 'Insufficient stock for Scarce Hoodie. Only 2 available.',
    });
    expect(await stockOf(suite.db, plenty.id)).to.equal(10);
    expect(await stockOf(suite.db, scarce.id)).to.equal(2);
    expect(await suite.db('orders').where({ user_id: user.id })).to.deep.equal([]);
  });

  it('adds up repeated lines of one product before checking stock', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { name: 'Twice Tee', stock: 3 });
    const response = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [
        { id: tee.id, quantity: 2 },
        { id: tee.id, quantity: 2 },
      ],
      address: ADDRESS,
    });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('Insufficient stock for Twice Tee. Only 3 available.');
  });

  it('answers 400 for an unknown product, a missing address or two addresses, 404 for a foreign address', async () => {
    const user = await makeUser(suite.db);
    const stranger = await makeUser(suite.db);
    const client = await clientAs(suite.server, user);
    const tee = await makeProduct(suite.db);
    const foreign = await saveAddress(suite.db, stranger.id);

    const unknown = await placeCodOrder(client, 2_000_000_000);
    expect(unknown.status).to.equal(400);
    const noAddress = await client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }] });
    expect(noAddress.status).to.equal(400);
    expect(noAddress.body.fields).to.have.property('address');
    const both = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [{ id: tee.id, quantity: 1 }],
      address: ADDRESS,
      address_id: foreign,
    });
    expect(both.status).to.equal(400);
    const badAddress = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [{ id: tee.id, quantity: 1 }],
      address: { ...ADDRESS, pincode: '12' },
    });
    expect(badAddress.status).to.equal(400);
    expect(badAddress.body.fields).to.have.property('address.pincode');
    const badMethod = await client.post('/api/orders/create/', {
      payment_method: 'upi',
      cart: [{ id: tee.id, quantity: 1 }],
      address: ADDRESS,
    });
    expect(badMethod.status).to.equal(400);
    const emptyCart = await client.post('/api/orders/create/', { payment_method: 'cod', cart: [], address: ADDRESS });
    expect(emptyCart.status).to.equal(400);
    const theirs = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [{ id: tee.id, quantity: 1 }],
      address_id: foreign,
    });
    expect(theirs.status).to.equal(404);
    expect(await suite.db('orders').where({ user_id: user.id })).to.deep.equal([]);
    expect(await stockOf(suite.db, tee.id)).to.equal(10);
  });

  it('requires a login', async () => {
    const response = await suite.server.client().post('/api/orders/create/', { payment_method: 'cod', address: ADDRESS });
    expect(response.status).to.equal(401);
  });

  it('keeps the order’s copies when the address and product are later edited or deleted', async () => {
    const { user, client } = await signedInUser(suite.server);
    const tee = await makeProduct(suite.db, { name: 'Original Name Tee', price: '500.00' });
    const addressId = await saveAddress(suite.db, user.id);
    const placed = await client.post('/api/orders/create/', {
      payment_method: 'cod',
      cart: [{ id: tee.id, quantity: 1 }],
      address_id: addressId,
    });
    expect(placed.status).to.equal(200);

    await suite.db('addresses').where({ id: addressId }).update({ street: '99 Somewhere Else Street', city: 'Mysuru' });
    await suite
      .db('products')
      .where({ id: tee.id })
      .update({ name: 'Renamed Tee', price: '900.00', image: 'https://images.example-cdn.com/new.jpg' });
    let [order] = (await client.get('/api/orders/my/')).body;
    expect(order.address).to.deep.equal(ADDRESS);
    expect(order.items[0]).to.include({
      product: tee.id,
      product_name: 'Original Name Tee',
      price: '500.00',
      image: 'https://images.example-cdn.com/test.jpg',
    });

    await suite.db('addresses').where({ id: addressId }).delete();
    await suite.db('products').where({ id: tee.id }).delete();
    [order] = (await client.get('/api/orders/my/')).body;
    expect(order.address).to.deep.equal(ADDRESS);
    expect(order.items[0]).to.include({ product: null, product_name: 'Original Name Tee', price: '500.00' });
    expect(order.total_amount).to.equal('500.00');
  });

  describe('with REQUIRE_EMAIL_VERIFICATION', () => {
    const strict = serverForSuite(() => ({ REQUIRE_EMAIL_VERIFICATION: 'True' }));

    it('refuses an unverified email and accepts a verified one', async () => {
      const tee = await makeProduct(suite.db, { stock: 5 });
      const unverified = await shopper(strict.server, { email_verified: false });
      const refused = await placeCodOrder(unverified, tee.id);
      expect(refused.status).to.equal(400);
      expect(refused.body.code).to.equal('email_not_verified');
      expect(await stockOf(suite.db, tee.id)).to.equal(5);
      const verified = await shopper(strict.server, { email_verified: true });
      const placed = await placeCodOrder(verified, tee.id);
      expect(placed.status).to.equal(200);
    });
  });
});
