// The indexes of the staff panel's aggregates. Named after 20261127006000 (the orders' payment
// columns it covers), not with the panel's 2026112700500x prefix. Covering indexes: the figures
// read what they add up from the index alone (an index-only scan), never the wide order rows.
// - orders by time, carrying status, payment status, method and money: the recent orders, a
//   report's range and its sums, the 7/30-day revenue, and the staff's newest-first list of all
//   orders (which orders_created_at_id served: same keys, so that index goes);
// - orders by status and payment status, carrying the money: the all-time totals;
// - products by stock: the low-stock list.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE INDEX orders_newest_first ON orders (created_at, id) INCLUDE (status, payment_status, payment_method, total_amount, refunded_amount)',
  );
  await knex.raw('DROP INDEX IF EXISTS orders_created_at_id');
  await knex.raw('CREATE INDEX orders_status_totals ON orders (status, payment_status) INCLUDE (total_amount, refunded_amount)');
  await knex.raw('CREATE INDEX products_low_stock ON products (stock, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS products_low_stock');
  await knex.raw('DROP INDEX IF EXISTS orders_status_totals');
  await knex.raw('CREATE INDEX IF NOT EXISTS orders_created_at_id ON orders (created_at, id)');
  await knex.raw('DROP INDEX IF EXISTS orders_newest_first');
}
