// Every change of an order's status goes through here: checkout failures, staff actions and the
// payment flow (src/payments). Each change is a conditional UPDATE (`... WHERE status IN (<allowed
// from>)`), so concurrent or out-of-order events cannot move an order backwards (a paid order
// never becomes cancelled), and only the caller whose UPDATE matched gives the stock back — stock
// is returned exactly once.
import type { Knex } from 'knex';
import { Product } from '../catalogue/product.model.js';
import type { OrderStatus } from './order.model.js';

/** Moves the order to `to` if it is in one of `from`; true when this call made the change. */
export async function transition(trx: Knex.Transaction, orderId: number, from: readonly OrderStatus[], to: OrderStatus): Promise<boolean> {
  const changed = await trx('orders')
    .update({ status: to, updated_at: trx.fn.now() })
    .where({ id: orderId })
    .whereIn('status', from as OrderStatus[])
    .returning('id');
  return changed.length > 0;
}

/** Gives back the stock an order holds; only right after the transition that released it. */
async function restock(trx: Knex.Transaction, orderId: number): Promise<void> {
  const lines = (await trx('order_items')
    .select('product_id')
    .sum({ quantity: 'quantity' })
    .where({ order_id: orderId })
    .whereNotNull('product_id') // a deleted product has no stock to give back
    .groupBy('product_id')
    .orderBy('product_id')) as Array<{ product_id: number; quantity: string | number }>;
  await Product.giveBackStock(
    trx,
    lines.map((line) => ({ productId: line.product_id, quantity: Number(line.quantity) })),
  );
}

/** Ends a not-yet-paid order as failed or cancelled and returns its stock; true when this call did it. */
export async function releaseOrder(
  trx: Knex.Transaction,
  orderId: number,
  to: 'failed' | 'cancelled',
  from: readonly OrderStatus[] = ['pending'],
): Promise<boolean> {
  const changed = await transition(trx, orderId, from, to);
  if (changed) await restock(trx, orderId);
  return changed;
}
