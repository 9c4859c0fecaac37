// What checkout and the Stripe webhook need beyond the core schema: a record of every Stripe event
// already applied (its id is the primary key, so a duplicate delivery cannot apply twice), the
// Idempotency-Key of each placed order (so a retried "Place order" replays instead of ordering
// twice), and when an order's Checkout Session expires (so abandoned checkouts give their stock back).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stripe_events', (table) => {
    table.string('id', 255).primary();
    table.string('type', 100).notNullable();
    table.integer('order_id').nullable().references('orders.id').onDelete('SET NULL');
    table.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('order_idempotency_keys', (table) => {
    table.increments('id');
    table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.string('key', 255).notNullable();
    // sha256 of the request body: the same key with another body is a client bug, answered 409.
    table.string('request_hash', 64).notNullable();
    table.integer('order_id').nullable().references('orders.id').onDelete('CASCADE');
    // The first answer, replayed to retries; null while the first request is still running.
    table.integer('response_status').nullable();
    table.jsonb('response_body').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['user_id', 'key'], { indexName: 'order_idempotency_keys_user_key' });
    table.index(['created_at']);
  });

  await knex.schema.alterTable('orders', (table) => {
    table.timestamp('stripe_expires_at', { useTz: true }).nullable();
  });
  // The sweeper looks only at pending orders; keep that lookup cheap however many orders exist.
  await knex.raw(
    "CREATE INDEX orders_pending_stripe_expiry ON orders (stripe_expires_at) WHERE status = 'pending' AND payment_method = 'stripe'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS orders_pending_stripe_expiry');
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('stripe_expires_at');
  });
  await knex.schema.dropTableIfExists('order_idempotency_keys');
  await knex.schema.dropTableIfExists('stripe_events');
}
