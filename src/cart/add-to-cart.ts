// Adding to the cart: one statement inserts the line or adds to it, only while the sum stays within
// stock and the 99-per-line limit (CartItem.addOrMerge), so concurrent clicks are neither lost nor
// allowed past the stock. When nothing was written, a second read only picks the message.
import type { Knex } from 'knex';
import { notFound, type HttpError } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { CartItem } from './cart-item.model.js';
import { Cart, MAX_LINE_QUANTITY } from './cart.model.js';
import { cannotAddMore, lineLimitReached, onlyInStock, stockChanging } from './stock-errors.js';

/** Why the add wrote nothing; undefined when the state now allows it (it changed meanwhile). */
async function whyRefused(db: Knex, cartId: number, productId: number, quantity: number): Promise<HttpError | undefined> {
  const state = await CartItem.stockAndQuantityInCart(db, cartId, productId);
  if (!state) return notFound('Product not found.');
  if (quantity > state.stock) return onlyInStock(state.stock);
  if (state.inCart + quantity > state.stock) return cannotAddMore(quantity, state.stock, state.inCart);
  if (state.inCart + quantity > MAX_LINE_QUANTITY) return lineLimitReached(quantity, state.inCart);
  return undefined;
}

export const addToCartOperations = {
  addToCart: {
    async handle({ body, user, services }) {
      const { db } = services;
      const quantity = body.quantity ?? 1;
      const cartId = await Cart.idOf(db, user.id);
      // A refusal whose reason is gone by the time it is explained (stock raised, line removed by
      // another tab) is simply tried again; two more attempts are plenty for a shopper's clicks.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        if (await CartItem.addOrMerge(db, cartId, body.product_id, quantity)) return { status: 200, body: { message: 'Added to cart' } };
        const refusal = await whyRefused(db, cartId, body.product_id, quantity);
        if (refusal) throw refusal;
      }
      throw stockChanging();
    },
  },
} satisfies Partial<OperationTable>;
