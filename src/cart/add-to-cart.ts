// Adding to the cart is ONE statement: insert the line, or add to the existing line, only while
// the sum stays within stock and the 99-per-line limit. Concurrent adds of one product by one
// user queue on the line's row lock, each sees the quantity the previous one committed, so none
// is lost and a sum beyond stock is refused instead of stored (the original read, added and
// wrote back, losing clicks). When nothing was written, a second read only picks the message.
import type { Knex } from 'knex';
import { PG, pgErrorCode } from '../db.js';
import { HttpError, notFound } from '../http/errors.js';
import type { Operation } from '../services.js';
import { MAX_LINE_QUANTITY } from './cart.model.js';
import { cartIdOf } from './owned-container.js';
import { cannotAddMore, lineLimitReached, onlyInStock, stockChanging } from './stock-errors.js';

const ADD_OR_MERGE_LINE = `
  INSERT INTO cart_items (cart_id, product_id, quantity)
  SELECT CAST(:cartId AS integer), products.id, CAST(:quantity AS integer)
    FROM products
   WHERE products.id = :productId AND products.stock >= CAST(:quantity AS integer)
  ON CONFLICT (cart_id, product_id) DO UPDATE
     SET quantity = cart_items.quantity + excluded.quantity
   WHERE cart_items.quantity + excluded.quantity <= LEAST(
           ${MAX_LINE_QUANTITY},
           (SELECT products.stock FROM products WHERE products.id = excluded.product_id))
  RETURNING cart_items.id`;

interface Refusal {
  stock: number;
  in_cart: number | null;
}

async function addOrMerge(db: Knex, cartId: number, productId: number, quantity: number): Promise<boolean> {
  try {
    const result = (await db.raw(ADD_OR_MERGE_LINE, { cartId, productId, quantity })) as { rows: unknown[] };
    return result.rows.length === 1;
  } catch (error) {
    // The product was deleted by a transaction that committed while this statement ran: its
    // SELECT still saw the product, the foreign key check then found it gone.
    if (pgErrorCode(error) === PG.foreignKeyViolation) throw notFound('Product not found.');
    throw error;
  }
}

/** Why the statement wrote nothing; undefined when the state now allows the add (it changed meanwhile). */
async function whyRefused(db: Knex, cartId: number, productId: number, quantity: number): Promise<HttpError | undefined> {
  const state = (await db('products')
    .leftJoin('cart_items', (join) => join.on('cart_items.product_id', 'products.id').andOnVal('cart_items.cart_id', cartId))
    .where('products.id', productId)
    .first('products.stock', 'cart_items.quantity as in_cart')) as Refusal | undefined;
  if (!state) return notFound('Product not found.');
  if (quantity > state.stock) return onlyInStock(state.stock);
  const inCart = state.in_cart ?? 0;
  if (inCart + quantity > state.stock) return cannotAddMore(quantity, state.stock, inCart);
  if (inCart + quantity > MAX_LINE_QUANTITY) return lineLimitReached(quantity, inCart);
  return undefined;
}

export const addToCart: Operation<'addToCart'> = {
  async handle({ body, user, services }) {
    const { db } = services;
    const quantity = body.quantity ?? 1;
    const cartId = await cartIdOf(db, user.id);
    // A refusal whose reason is gone by the time it is explained (stock raised, line removed by
    // another tab) is simply tried again; two more attempts are plenty for a shopper's clicks.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await addOrMerge(db, cartId, body.product_id, quantity)) return { status: 200, body: { message: 'Added to cart' } };
      const refusal = await whyRefused(db, cartId, body.product_id, quantity);
      if (refusal) throw refusal;
    }
    throw stockChanging();
  },
};
