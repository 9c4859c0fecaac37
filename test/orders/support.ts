// Helpers shared by the order and payment tests: data written straight to the database.
import type { Knex } from 'knex';
import { checkoutEvent, type FakeStripe } from '../../testing/fakes/stripe.js';
import type { Client, TestResponse } from '../support/client.js';
import { deliver } from '../support/stripe.js';

export const ADDRESS = {
  full_name: 'Asha Rao',
  phone: '9876543210',
  street: '12 MG Road, Indiranagar',
  city: 'Bengaluru',
  pincode: '560038',
} as const;

/** ADDRESS as an order row keeps it (its own copy of where it ships), for orders written straight to the database. */
export const SHIPPED_TO = {
  ship_full_name: ADDRESS.full_name,
  ship_phone: ADDRESS.phone,
  ship_street: ADDRESS.street,
  ship_city: ADDRESS.city,
  ship_pincode: ADDRESS.pincode,
} as const;

/** Places a cash-on-delivery order of one product through the API, shipped to ADDRESS; the answer as it came. */
export function placeCodOrder(client: Client, productId: number, quantity = 1): Promise<TestResponse> {
  return client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: productId, quantity }], address: ADDRESS });
}

export async function stockOf(db: Knex, productId: number): Promise<number> {
  const row = (await db('products').select('stock').where({ id: productId }).first()) as { stock: number };
  return row.stock;
}

/** Puts lines in the user's server-side cart (created on first use). */
export async function fillCart(db: Knex, userId: number, lines: Array<{ productId: number; quantity: number }>): Promise<void> {
  await db('carts').insert({ user_id: userId }).onConflict('user_id').ignore();
  const cart = (await db('carts').select('id').where({ user_id: userId }).first()) as { id: number };
  for (const line of lines) {
    await db('cart_items').insert({ cart_id: cart.id, product_id: line.productId, quantity: line.quantity });
  }
}

export async function cartLines(db: Knex, userId: number): Promise<Array<{ product_id: number; quantity: number }>> {
  return (await db('cart_items')
    .join('carts', 'carts.id', 'cart_items.cart_id')
    .where('carts.user_id', userId)
    .select('cart_items.product_id', 'cart_items.quantity')
    .orderBy('cart_items.product_id')) as Array<{ product_id: number; quantity: number }>;
}

export async function saveAddress(db: Knex, userId: number, fields: Partial<typeof ADDRESS> = {}): Promise<number> {
  const [row] = (await db('addresses')
    .insert({ user_id: userId, ...ADDRESS, ...fields })
    .returning('id')) as Array<{ id: number }>;
  return row!.id;
}

export async function orderRow(db: Knex, orderId: number) {
  return (await db('orders').where({ id: orderId }).first()) as {
    id: number;
    status: string;
    payment_status: string;
    refunded_amount: string;
    total_amount: string;
    stripe_session_id: string | null;
    user_id: number;
  };
}

export interface PlacedCardOrder {
  orderId: number;
  sessionId: string;
  paymentIntentId: string;
  items: Array<{ id: number; product_id: number; quantity: number }>;
}

/**
 * A card order placed through the API and paid at the fake Stripe, its completion delivered to
 * the webhook: the order is `paid` and knows its PaymentIntent.
 */
export async function paidCardOrder(
  client: Client,
  anonymous: Client,
  stripe: FakeStripe,
  db: Knex,
  cart: Array<{ id: number; quantity: number }>,
): Promise<PlacedCardOrder> {
  const placed = await client.post('/api/orders/create/', { payment_method: 'stripe', cart, address: ADDRESS });
  if (placed.status !== 200) throw new Error(`card order not placed: ${JSON.stringify(placed.body)}`);
  const order = await orderRow(db, placed.body.order_id as number);
  const session = stripe.complete(order.stripe_session_id!);
  const delivered = await deliver(anonymous, checkoutEvent('checkout.session.completed', session));
  if (delivered.body.status !== 'success') throw new Error('completion not applied');
  const items = (await db('order_items').where({ order_id: order.id }).orderBy('id').select('id', 'product_id', 'quantity')) as Array<{
    id: number;
    product_id: number;
    quantity: number;
  }>;
  return { orderId: order.id, sessionId: order.stripe_session_id!, paymentIntentId: session.payment_intent!, items };
}
