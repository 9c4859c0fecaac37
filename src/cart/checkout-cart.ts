// What checkout does with the shopper's server-side cart, inside its transaction: it takes the
// lines into the order, and gives them back when a card checkout cannot start.
import type { Knex } from 'knex';
import { Product } from '../catalogue/product.model.js';
import { CartItem } from './cart-item.model.js';
import { Cart } from './cart.model.js';

export type CartLine = Pick<CartItem, 'product_id' | 'quantity'>;

/**
 * Empties the user's cart and returns what it held (one DELETE ... RETURNING, so a concurrent "add
 * to cart" either lands before and is taken, or after and stays in the cart). Rolled back with the
 * checkout when the order is refused.
 */
export async function takeCart(trx: Knex.Transaction, userId: number): Promise<CartLine[]> {
  return await CartItem.removeAllOf(trx, userId);
}

/**
 * Puts taken cart lines back (the card checkout could not start), keeping anything the user has
 * added since and skipping products deleted since.
 */
export async function restoreCart(trx: Knex.Transaction, userId: number, cart: CartLine[]): Promise<void> {
  if (!cart.length) return;
  const cartId = await Cart.existingIdOf(trx, userId);
  if (cartId === undefined) return;
  // Without the hold, a product deleted between the two statements would fail the insert's foreign key check.
  const alive = await Product.keepFromDeletion(
    trx,
    cart.map((line) => line.product_id),
  );
  await CartItem.insertMissing(
    trx,
    cartId,
    cart.filter((line) => alive.has(line.product_id)),
  );
}
