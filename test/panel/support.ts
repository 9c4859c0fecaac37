// Helpers of the staff panel suites: orders written straight to the database, in any status and at
// any moment, so a figure can be checked against orders whose totals the test knows.
import type { Knex } from 'knex';
import { SHIPPED_TO } from '../orders/support.js';

export interface OrderFields {
  userId: number;
  status?: string;
  payment_method?: 'cod' | 'stripe';
  /** By default what the status says: a card order paid, shipped or delivered, and a delivered cash order, are paid. */
  payment_status?: 'unpaid' | 'paid' | 'partially_refunded' | 'refunded';
  refunded_amount?: string;
  created_at?: Date;
  /** Lines: product (or null, a deleted one), name, unit price, quantity. */
  lines: Array<{ productId: number | null; name: string; price: string; quantity: number }>;
}

/** An order with its lines; its total is the sum of its lines (computed here in paise, exactly). */
export async function makeOrder(db: Knex, fields: OrderFields): Promise<{ id: number; total: string }> {
  const paise = fields.lines.reduce((sum, line) => sum + Math.round(Number(line.price) * 100) * line.quantity, 0);
  const total = `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
  const createdAt = fields.created_at ?? new Date();
  const status = fields.status ?? 'processing';
  const method = fields.payment_method ?? 'cod';
  const paid = method === 'stripe' ? ['paid', 'shipped', 'delivered'].includes(status) : status === 'delivered';
  const [order] = (await db('orders')
    .insert({
      user_id: fields.userId,
      status,
      payment_method: method,
      payment_status: fields.payment_status ?? (paid ? 'paid' : 'unpaid'),
      refunded_amount: fields.refunded_amount ?? '0',
      total_amount: total,
      currency: 'inr',
      ...SHIPPED_TO,
      created_at: createdAt,
      updated_at: createdAt,
    })
    .returning('id')) as Array<{ id: number }>;
  await db('order_items').insert(
    fields.lines.map((line) => ({
      order_id: order!.id,
      product_id: line.productId,
      product_name: line.name,
      image: null,
      price: line.price,
      quantity: line.quantity,
    })),
  );
  return { id: order!.id, total };
}

/** "12.34" → 1234: money compared exactly in tests too. */
export const paise = (amount: string) => Math.round(Number(amount) * 100);
