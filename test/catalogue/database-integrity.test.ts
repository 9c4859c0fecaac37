// The rules hold in the database itself, whatever code writes — unique slugs, stock and price never
// negative, money as numeric (exact decimals), one cart line and one wishlist item per product,
// cart quantities 1–99.
import { expect } from 'chai';
import { makeProduct, makeUser, unique } from '../support/factories.js';
import { testDatabase } from '../support/server.js';

async function sqlState(write: () => Promise<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await write();
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    return { code, constraint };
  }
  return {};
}

describe('integrity in the database', () => {
  it('products: unique slug, CHECK stock >= 0 and price >= 0, numeric money', async () => {
    const { db } = await testDatabase();
    const product = await makeProduct(db, { price: '0.10', stock: 0 });
    const row = (fields: Record<string, unknown>) => ({
      name: 'Integrity Tee',
      slug: unique('integrity-'),
      price: '10.00',
      category: 'men',
      description: 'Checked by the database itself.',
      stock: 1,
      ...fields,
    });
    expect(await sqlState(() => db('products').insert(row({ slug: product.slug })))).to.deep.equal({
      code: '23505',
      constraint: 'products_slug_unique',
    });
    expect(await sqlState(() => db('products').insert(row({ stock: -1 })))).to.deep.equal({
      code: '23514',
      constraint: 'products_stock_not_negative',
    });
    expect(await sqlState(() => db('products').insert(row({ price: '-0.01' })))).to.deep.equal({
      code: '23514',
      constraint: 'products_price_range',
    });
    // A conditional decrement that would go below zero is refused by the CHECK too, not stored.
    expect(await sqlState(() => db('products').where({ id: product.id }).decrement('stock', 1))).to.deep.equal({
      code: '23514',
      constraint: 'products_stock_not_negative',
    });

    const { rows } = await db.raw(
      "SELECT data_type, numeric_scale FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'price'",
    );
    expect(rows).to.deep.equal([{ data_type: 'numeric', numeric_scale: 2 }]);
    // numeric keeps decimals exact where a float would not: 0.10 + 0.20 is 0.30.
    const { rows: sum } = await db.raw('SELECT (price + 0.20)::text AS total FROM products WHERE id = ?', [product.id]);
    expect(sum[0].total).to.equal('0.30');
  });

  it('cart and wishlist: one line per product, cart quantities 1–99', async () => {
    const { db } = await testDatabase();
    const user = await makeUser(db);
    const product = await makeProduct(db);
    const [cart] = await db('carts').insert({ user_id: user.id }).returning('id');
    const [wishlist] = await db('wishlists').insert({ user_id: user.id }).returning('id');
    await db('cart_items').insert({ cart_id: cart.id, product_id: product.id, quantity: 1 });
    await db('wishlist_items').insert({ wishlist_id: wishlist.id, product_id: product.id });

    expect(await sqlState(() => db('cart_items').insert({ cart_id: cart.id, product_id: product.id, quantity: 1 }))).to.deep.equal({
      code: '23505',
      constraint: 'cart_items_one_line_per_product',
    });
    expect(await sqlState(() => db('wishlist_items').insert({ wishlist_id: wishlist.id, product_id: product.id }))).to.deep.equal({
      code: '23505',
      constraint: 'wishlist_items_one_line_per_product',
    });
    for (const quantity of [0, 100]) {
      expect(await sqlState(() => db('cart_items').where({ cart_id: cart.id }).update({ quantity })), String(quantity)).to.deep.equal({
        code: '23514',
        constraint: 'cart_items_quantity_range',
      });
    }
    expect(await sqlState(() => db('carts').insert({ user_id: user.id }))).to.deep.include({ code: '23505' });
  });
});
