// The order's money, stored beside its fulfilment status: whether it has been paid and how much
// of it has been refunded. Until now `status` said both at once (`paid` meant "card payment in,
// not yet shipped"), which cannot say "a cash order delivered and paid", "a shipped order refunded
// in part" or "a cancelled order whose card payment went back".
//
// payment_status: unpaid | paid | partially_refunded | refunded.
// Backfill from the existing status: card orders that reached paid/shipped/delivered were paid;
// a delivered cash order was paid at the door (the old records had no other place to say so);
// everything else is unpaid.
//
// refunded_amount is what has been refunded or is being refunded (reserved before Stripe is
// asked, released again if Stripe refuses): the CHECK refunded_amount <= total_amount is the
// guarantee that concurrent refunds never give back more than was paid.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.string('payment_status', 20).notNullable().defaultTo('unpaid');
    table.decimal('refunded_amount', 14, 2).notNullable().defaultTo(0);
    // The PaymentIntent of a paid card order (refunds are made against it; charge.refunded names it).
    table.string('stripe_payment_intent_id', 255).nullable().unique();
  });
  await knex.raw(`
    UPDATE orders SET payment_status = 'paid'
    WHERE (payment_method = 'stripe' AND status IN ('paid', 'shipped', 'delivered'))
       OR (payment_method = 'cod' AND status = 'delivered')`);
  await knex.schema.alterTable('orders', (table) => {
    table.check("payment_status IN ('unpaid', 'paid', 'partially_refunded', 'refunded')", [], 'orders_payment_status');
    // A checkout that never completed has taken no money; a card order that is paid, shipped or
    // delivered has (a refund may have given some or all of it back since).
    table.check(
      "NOT (status IN ('pending', 'failed') AND payment_status <> 'unpaid')" +
        " AND NOT (payment_method = 'stripe' AND status IN ('paid', 'shipped', 'delivered') AND payment_status = 'unpaid')",
      [],
      'orders_payment_status_consistent',
    );
    table.check('refunded_amount >= 0 AND refunded_amount <= total_amount', [], 'orders_refund_within_total');
    // The staff's list of all orders is newest first.
    table.index(['created_at', 'id'], 'orders_created_at_id');
  });

  await knex.schema.alterTable('order_items', (table) => {
    table.integer('refunded_quantity').notNullable().defaultTo(0);
    table.check('refunded_quantity >= 0 AND refunded_quantity <= quantity', [], 'order_items_refund_within_quantity');
  });

  await knex.schema.createTable('order_refunds', (table) => {
    table.increments('id');
    table.integer('order_id').notNullable().references('orders.id').onDelete('CASCADE');
    table.decimal('amount', 14, 2).notNullable();
    // requested: reserved on the order, Stripe not yet answered; then Stripe's own refund status.
    table.string('status', 20).notNullable();
    table.string('reason', 30).nullable();
    // [{item_id, quantity}] — the lines this refund covers (empty for a refund made outside the API).
    table.jsonb('items').notNullable().defaultTo('[]');
    table.string('stripe_refund_id', 255).nullable().unique();
    table.integer('requested_by').nullable().references('users.id').onDelete('SET NULL');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['order_id']);
    table.check('amount > 0', [], 'order_refunds_amount_positive');
    table.check("status IN ('requested', 'pending', 'succeeded', 'failed', 'canceled')", [], 'order_refunds_status');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('order_refunds');
  await knex.schema.alterTable('order_items', (table) => {
    table.dropChecks(['order_items_refund_within_quantity']);
    table.dropColumn('refunded_quantity');
  });
  await knex.schema.alterTable('orders', (table) => {
    table.dropIndex(['created_at', 'id'], 'orders_created_at_id');
    table.dropChecks(['orders_payment_status', 'orders_payment_status_consistent', 'orders_refund_within_total']);
    table.dropColumn('stripe_payment_intent_id');
    table.dropColumn('refunded_amount');
    table.dropColumn('payment_status');
  });
}
