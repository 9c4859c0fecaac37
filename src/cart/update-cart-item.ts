// Sets a line's quantity in one statement that also checks the owner and the current stock, so
// another user's line id matches nothing (404, untouched) and a quantity beyond stock is never
// stored. When nothing was written, a second read only picks the message.
import type { Knex } from 'knex';
import { notFound } from '../http/errors.js';
import type { Operation } from '../services.js';
import { onlyInStock, stockChanging } from './stock-errors.js';

const SET_QUANTITY_WITHIN_STOCK = `
  UPDATE cart_items
     SET quantity = CAST(:quantity AS integer)
    FROM carts, products
   WHERE cart_items.id = :itemId
     AND carts.id = cart_items.cart_id AND carts.user_id = :userId
     AND products.id = cart_items.product_id AND products.stock >= CAST(:quantity AS integer)
  RETURNING cart_items.id`;

async function stockOfOwnLine(db: Knex, userId: number, itemId: number): Promise<number | undefined> {
  const row = (await db('cart_items')
    .join('carts', 'carts.id', 'cart_items.cart_id')
    .join('products', 'products.id', 'cart_items.product_id')
    .where({ 'cart_items.id': itemId, 'carts.user_id': userId })
    .first('products.stock')) as { stock: number } | undefined;
  return row?.stock;
}

export const updateCartItem: Operation<'updateCartItem'> = {
  async handle({ params, body, user, services }) {
    const { db } = services;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const result = (await db.raw(SET_QUANTITY_WITHIN_STOCK, { quantity: body.quantity, itemId: params.item_id, userId: user.id })) as {
        rows: unknown[];
      };
      if (result.rows.length === 1) return { status: 200, body: { message: 'Quantity updated' } };
      const stock = await stockOfOwnLine(db, user.id, params.item_id);
      if (stock === undefined) throw notFound('Cart item not found.');
      if (body.quantity > stock) throw onlyInStock(stock);
      // The stock rose between the two statements: try again.
    }
    throw stockChanging();
  },
};
