// What checkout does with the shopper's server-side cart, inside its transaction: it takes the
// lines into the order, and gives them back when a card checkout cannot start.
import type { Knex } from 'knex';
import { usersCart } from './owned-container.js';

export interface CartLine {
  product_id: number;
  quantity: number;
}

/**
 * Empties the user's cart and returns what it held (DELETE ... RETURNING, so a concurrent "add to
 * cart" either lands before and is taken, or after and stays in the cart). Rolled back with the
 * checkout when the order is refused.
 */
export async function takeCart(trx: Knex.Transaction, userId: number): Promise<CartLine[]> {
  return (await trx('cart_items').whereIn('cart_id', usersCart(trx, userId)).delete().returning(['product_id', 'quantity'])) as CartLine[];
}

/**
 * Puts taken cart lines back (the card checkout could not start), keeping anything the user has
 * added since and skipping products deleted since.
 */
export async function restoreCart(trx: Knex.Transaction, userId: number, cart: CartLine[]): Promise<void> {
  if (!cart.length) return;
  const owned = (await usersCart(trx, userId).first()) as { id: number } | undefined;
  if (!owned) return;
  // FOR KEY SHARE: a deletion of one of these products that is under way is waited for (and the
  // product then skipped), and none can start before this transaction ends — otherwise the
  // INSERT below would fail the foreign key check on a product deleted between the two.
  const existing = (await trx('products')
    .select('id')
    .whereIn(
      'id',
      cart.map((line) => line.product_id),
    )
    .forKeyShare()) as Array<{ id: number }>;
  const alive = new Set(existing.map((product) => product.id));
  const rows = cart.filter((line) => alive.has(line.product_id)).map((line) => ({ cart_id: owned.id, ...line }));
  if (rows.length) await trx('cart_items').insert(rows).onConflict(['cart_id', 'product_id']).ignore();
}
