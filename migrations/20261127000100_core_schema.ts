// The core data model of every domain. Integrity lives here as well as in code: unique keys,
// foreign keys and CHECK constraints mean a bug or a race can fail a statement but never store
// a negative stock, a duplicate cart line or an order pointing at nothing.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.increments('id');
    // Stored lower-case so uniqueness and login are case-insensitive.
    table.string('email', 254).notNullable().unique();
    table.text('password').nullable(); // null for accounts that only ever signed in with Google
    table.string('first_name', 30).notNullable().defaultTo('');
    table.string('last_name', 30).notNullable().defaultTo('');
    table.boolean('is_active').notNullable().defaultTo(true);
    table.boolean('is_staff').notNullable().defaultTo(false);
    table.boolean('email_verified').notNullable().defaultTo(false);
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check('email = lower(email)', [], 'users_email_lower_case');
  });

  await knex.schema.createTable('products', (table) => {
    table.increments('id');
    table.string('name', 255).notNullable();
    table.string('slug', 300).notNullable().unique();
    table.decimal('price', 10, 2).notNullable();
    table.string('category', 10).notNullable();
    table.text('image').nullable();
    table.text('description').notNullable();
    table.integer('stock').notNullable().defaultTo(0);
    // The `id` of the item in products.json it was imported from, so re-imports update in place.
    table.string('source_id', 100).nullable().unique();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['created_at', 'id'], 'products_newest_first');
    table.check('char_length(name) >= 3', [], 'products_name_length');
    table.check('price >= 0 AND price <= 1000000', [], 'products_price_range');
    table.check("category IN ('men', 'women')", [], 'products_category');
    table.check('char_length(description) >= 10', [], 'products_description_length');
    table.check('stock >= 0', [], 'products_stock_not_negative');
  });

  await knex.schema.createTable('carts', (table) => {
    table.increments('id');
    table.integer('user_id').notNullable().unique().references('users.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('cart_items', (table) => {
    table.increments('id');
    table.integer('cart_id').notNullable().references('carts.id').onDelete('CASCADE');
    table.integer('product_id').notNullable().references('products.id').onDelete('CASCADE');
    table.integer('quantity').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['cart_id', 'product_id'], { indexName: 'cart_items_one_line_per_product' });
    table.index(['product_id']);
    table.check('quantity BETWEEN 1 AND 99', [], 'cart_items_quantity_range');
  });

  await knex.schema.createTable('wishlists', (table) => {
    table.increments('id');
    table.integer('user_id').notNullable().unique().references('users.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('wishlist_items', (table) => {
    table.increments('id');
    table.integer('wishlist_id').notNullable().references('wishlists.id').onDelete('CASCADE');
    table.integer('product_id').notNullable().references('products.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['wishlist_id', 'product_id'], { indexName: 'wishlist_items_one_line_per_product' });
    table.index(['product_id']);
  });

  await knex.schema.createTable('addresses', (table) => {
    table.increments('id');
    table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.string('full_name', 100).notNullable();
    table.string('phone', 10).notNullable();
    table.string('street', 255).notNullable();
    table.string('city', 100).notNullable();
    table.string('pincode', 6).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['user_id']);
    table.check("phone ~ '^[0-9]{10}$'", [], 'addresses_phone_ten_digits');
    table.check("pincode ~ '^[0-9]{6}$'", [], 'addresses_pincode_six_digits');
  });

  await knex.schema.createTable('orders', (table) => {
    table.increments('id');
    table.integer('user_id').notNullable().references('users.id').onDelete('RESTRICT');
    table.string('status', 20).notNullable();
    table.string('payment_method', 10).notNullable();
    table.decimal('total_amount', 14, 2).notNullable();
    table.string('currency', 3).notNullable();
    // The order's own copy of where it ships: editing or deleting the address book entry later
    // must not change a past order.
    table.string('ship_full_name', 100).notNullable();
    table.string('ship_phone', 10).notNullable();
    table.string('ship_street', 255).notNullable();
    table.string('ship_city', 100).notNullable();
    table.string('ship_pincode', 6).notNullable();
    table.string('stripe_session_id', 255).nullable().unique();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['user_id', 'created_at']);
    table.check("status IN ('pending', 'processing', 'paid', 'failed', 'cancelled', 'shipped', 'delivered')", [], 'orders_status');
    table.check("payment_method IN ('cod', 'stripe')", [], 'orders_payment_method');
    table.check('total_amount >= 0', [], 'orders_total_not_negative');
  });

  await knex.schema.createTable('order_items', (table) => {
    table.increments('id');
    table.integer('order_id').notNullable().references('orders.id').onDelete('CASCADE');
    // Null once the product is deleted; the copies below keep what was bought.
    table.integer('product_id').nullable().references('products.id').onDelete('SET NULL');
    table.string('product_name', 255).notNullable();
    table.text('image').nullable();
    table.decimal('price', 10, 2).notNullable();
    table.integer('quantity').notNullable();
    table.index(['order_id']);
    table.check('quantity BETWEEN 1 AND 99', [], 'order_items_quantity_range');
    table.check('price >= 0', [], 'order_items_price_not_negative');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['order_items', 'orders', 'addresses', 'wishlist_items', 'wishlists', 'cart_items', 'carts', 'products', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
