// Staff-only product writes with the field rules and messages the storefront shows, slugs that stay
// unique under concurrency, and deletion that empties carts and wishlists but keeps past orders' copies.
import { expect } from 'chai';
import { clientAs, makeProduct, makeUser, staffClient, unique } from '../support/factories.js';
import { startServer, type TestServer } from '../support/server.js';
import type { Client } from '../support/client.js';

const valid = () => ({
  name: `Goku Tee ${unique()}`,
  price: '1495.00',
  category: 'Men',
  description: 'Heavyweight cotton tee with a hand-drawn print.',
  stock: 24,
  image: 'https://images.example-cdn.com/goku.jpg',
});

describe('product writes (staff only)', () => {
  let server: TestServer;
  let staff: Client;
  let shopper: Client;

  before(async () => {
    server = await startServer();
    staff = await staffClient(server);
    shopper = await clientAs(server, await makeUser(server.services.db));
  });
  after(() => server.close());

  it('answers 401 to anonymous and 403 to non-staff callers of every write, changing nothing', async () => {
    const product = await makeProduct(server.services.db, { stock: 7 });
    const anonymous = server.client();
    const calls = (client: Client) => [
      client.post('/api/products/create/', valid()),
      client.put(`/api/products/${product.id}/`, valid()),
      client.patch(`/api/products/${product.id}/`, { stock: 1 }),
      client.delete(`/api/products/${product.id}/`),
    ];
    for (const response of await Promise.all(calls(anonymous))) {
      expect(response.status).to.equal(401);
      expect(response.body.code).to.equal('not_authenticated');
    }
    for (const response of await Promise.all(calls(shopper))) {
      expect(response.status).to.equal(403);
      expect(response.body).to.deep.equal({ error: 'Only staff can do this.', code: 'forbidden', detail: 'Only staff can do this.' });
    }
    const row = await server.services.db('products').where({ id: product.id }).first();
    expect(row.stock).to.equal(7);
  });

  it('creates a product from JSON: 201, lower-case category, two-decimal price, slug from the name', async () => {
    const input = { ...valid(), name: `Vegeta  Hoodie ${unique()}`, price: 2499.5, category: 'WOMEN' };
    const response = await staff.post('/api/products/create/', input);
    expect(response.status).to.equal(201);
    expect(response.body).to.include({ name: input.name, price: '2499.50', category: 'women', stock: 24, image: input.image });
    expect(response.body.slug).to.equal(input.name.toLowerCase().replace(/\s+/g, '-'));
    const fetched = await server.client().get(`/api/products/${response.body.id}/`);
    expect(fetched.body).to.deep.equal(response.body);
  });

  it('defaults stock to 0 and image to null', async () => {
    const { stock: _stock, image: _image, ...input } = valid();
    const response = await staff.post('/api/products/create/', input);
    expect(response.status).to.equal(201);
    expect(response.body).to.include({ stock: 0, image: null });
  });

  it('refuses invalid fields with the storefront’s messages, field by field', async () => {
    const before = await server.services.db('products').count({ n: '*' }).first();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: 'ab' }, 'name', 'Ensure this field has at least 3 characters.'],
      [{ name: 'x'.repeat(256) }, 'name', 'Ensure this field has no more than 255 characters.'],
      [{ name: '   ab   ' }, 'name', 'Ensure this field has at least 3 characters.'],
      [{ description: 'too short' }, 'description', 'Ensure this field has at least 10 characters.'],
      [{ price: '-1' }, 'price', 'Enter an amount from 0 to 1000000 with no more than 2 decimal places.'],
      [{ price: 1000000.01 }, 'price', 'Enter an amount from 0 to 1000000 with no more than 2 decimal places.'],
      [{ price: '10.555' }, 'price', 'Enter an amount from 0 to 1000000 with no more than 2 decimal places.'],
      [{ price: 10.555 }, 'price', 'Ensure that there are no more than 2 decimal places.'],
      [{ stock: -1 }, 'stock', 'Ensure this value is greater than or equal to 0.'],
      [{ stock: 'many' }, 'stock', 'A valid integer is required.'],
      [{ category: 'kids' }, 'category', '"kids" is not a valid choice.'],
      [{ image: 'not a url' }, 'image', 'Enter a valid http:// or https:// URL.'],
      [{ image: 'javascript:alert(document.cookie)' }, 'image', 'Enter a valid http:// or https:// URL.'],
      [{ image: 'data:image/png;base64,iVBORw0KGgo=' }, 'image', 'Enter a valid http:// or https:// URL.'],
      [{ image: 'ftp://files.example.com/tee.jpg' }, 'image', 'Enter a valid http:// or https:// URL.'],
      [{ colour: 'red' }, 'colour', 'Unknown field.'],
    ];
    for (const [change, field, message] of cases) {
      const response = await staff.post('/api/products/create/', { ...valid(), ...change });
      expect(response.status, JSON.stringify(change)).to.equal(400);
      expect(response.body.code).to.equal('validation_error');
      expect(response.body.fields[field], JSON.stringify(change)).to.deep.equal([message]);
      expect(response.body.error).to.equal(`${field}: ${message}`);
    }
    const missing = await staff.post('/api/products/create/', { name: 'Only a name' });
    expect(missing.status).to.equal(400);
    expect(Object.keys(missing.body.fields).sort()).to.deep.equal(['category', 'description', 'price']);
    const after = await server.services.db('products').count({ n: '*' }).first();
    expect(Number(after!.n)).to.equal(Number(before!.n));
  });

  it("takes image URLs over http(s) only, so no script URL reaches the storefront's <img src>", async () => {
    const product = await makeProduct(server.services.db, { image: 'https://images.example-cdn.com/old.jpg' });
    for (const image of ['javascript:alert(document.cookie)', 'JavaScript://%0Aalert(1)', 'vbscript:msgbox(1)', 'file:///etc/passwd']) {
      const patched = await staff.patch(`/api/products/${product.id}/`, { image });
      expect(patched.status, image).to.equal(400);
      expect(patched.body.fields.image, image).to.deep.equal(['Enter a valid http:// or https:// URL.']);
    }
    expect((await server.services.db('products').where({ id: product.id }).first()).image).to.equal(
      'https://images.example-cdn.com/old.jpg',
    );
    const upper = await staff.patch(`/api/products/${product.id}/`, { image: 'HTTPS://images.example-cdn.com/new.jpg' });
    expect(upper.status).to.equal(200);
  });

  it('accepts the bounds: price 0 and 1000000, stock 0, a 3-character name', async () => {
    for (const change of [{ price: 0 }, { price: '1000000.00' }, { stock: 0, name: 'Tee' }]) {
      const response = await staff.post('/api/products/create/', { ...valid(), ...change });
      expect(response.status, JSON.stringify(change)).to.equal(201);
    }
  });

  it('gives different slugs to products of one name created at the same moment', async () => {
    const name = `Race Tee ${unique()}`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => staff.post('/api/products/create/', { ...valid(), name })));
    expect(responses.map((response) => response.status)).to.deep.equal(Array(10).fill(201));
    const slugs = responses.map((response) => response.body.slug as string);
    expect(new Set(slugs).size).to.equal(10);
    const base = name.toLowerCase().replace(/\s+/g, '-');
    expect([...slugs].sort()).to.deep.equal([base, ...Array.from({ length: 9 }, (_, index) => `${base}-${index + 1}`)].sort());
  });

  it('PATCH changes only the given fields and keeps the slug; PUT replaces every field', async () => {
    const created = (await staff.post('/api/products/create/', valid())).body;
    const patched = await staff.patch(`/api/products/${created.id}/`, { stock: 3, category: 'women', name: 'Renamed Tee' });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.include({
      stock: 3,
      category: 'women',
      name: 'Renamed Tee',
      slug: created.slug,
      price: '1495.00',
      image: created.image,
    });
    expect(Date.parse(patched.body.updated_at)).to.be.at.least(Date.parse(created.updated_at));

    const { stock: _stock, image: _image, ...replacement } = { ...valid(), price: '10' };
    const replaced = await staff.put(`/api/products/${created.id}/`, replacement);
    expect(replaced.status).to.equal(200);
    expect(replaced.body).to.include({
      name: replacement.name,
      price: '10.00',
      category: 'men',
      stock: 0,
      image: null,
      slug: created.slug,
    });

    const empty = await staff.patch(`/api/products/${created.id}/`, {});
    expect(empty.status).to.equal(400);
    expect(empty.body.error).to.equal('Provide at least one field to change.');
    const bad = await staff.patch(`/api/products/${created.id}/`, { price: 'abc' });
    expect(bad.status).to.equal(400);
    expect(bad.body.fields.price).to.deep.equal(['Enter an amount from 0 to 1000000 with no more than 2 decimal places.']);
  });

  it('answers 404 for writes to a product that does not exist', async () => {
    for (const response of [
      await staff.put('/api/products/999999999/', valid()),
      await staff.patch('/api/products/999999999/', { stock: 1 }),
      await staff.delete('/api/products/999999999/'),
    ]) {
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({ error: 'Product not found.', code: 'not_found', detail: 'Product not found.' });
    }
  });

  it('deleting a product removes it from carts and wishlists; past orders keep its name, price and image', async () => {
    const db = server.services.db;
    const product = await makeProduct(db, {
      name: `Doomed Tee ${unique()}`,
      price: '799.00',
      image: 'https://images.example-cdn.com/doomed.jpg',
    });
    const keeper = await makeProduct(db);
    const buyer = await makeUser(db);
    const [cart] = await db('carts').insert({ user_id: buyer.id }).returning('id');
    await db('cart_items').insert([
      { cart_id: cart.id, product_id: product.id, quantity: 2 },
      { cart_id: cart.id, product_id: keeper.id, quantity: 1 },
    ]);
    const [wishlist] = await db('wishlists').insert({ user_id: buyer.id }).returning('id');
    await db('wishlist_items').insert({ wishlist_id: wishlist.id, product_id: product.id });
    const [order] = await db('orders')
      .insert({
        user_id: buyer.id,
        status: 'processing',
        payment_method: 'cod',
        total_amount: '1598.00',
        currency: 'inr',
        ship_full_name: 'Test User',
        ship_phone: '9876543210',
        ship_street: '12 Market Road',
        ship_city: 'Pune',
        ship_pincode: '411001',
      })
      .returning('id');
    await db('order_items').insert({
      order_id: order.id,
      product_id: product.id,
      product_name: product.name,
      image: 'https://images.example-cdn.com/doomed.jpg',
      price: '799.00',
      quantity: 2,
    });

    const response = await staff.delete(`/api/products/${product.id}/`);
    expect(response.status).to.equal(204);
    expect(response.text).to.equal('');
    expect((await server.client().get(`/api/products/${product.id}/`)).status).to.equal(404);
    expect(await db('cart_items').where({ cart_id: cart.id }).pluck('product_id')).to.deep.equal([keeper.id]);
    expect(await db('wishlist_items').where({ wishlist_id: wishlist.id })).to.deep.equal([]);
    const line = await db('order_items').where({ order_id: order.id }).first();
    expect(line).to.include({
      product_id: null,
      product_name: product.name,
      image: 'https://images.example-cdn.com/doomed.jpg',
      price: '799.00',
      quantity: 2,
    });
    expect((await staff.delete(`/api/products/${product.id}/`)).status).to.equal(404);
  });
});
