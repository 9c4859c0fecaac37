// Helpers shared by the order and payment tests: data written straight to the database.
import type { Knex } from 'knex';

export const ADDRESS = {
  full_name: 'Asha Rao',
  phone: '9876543210',
  street: '12 MG Road, Indiranagar',
  city: 'Bengaluru',
  pincode: '560038',
} as const;

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
    total_amount: string;
    stripe_session_id: string | null;
    user_id: number;
  };
}
