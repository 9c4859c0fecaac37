// The cart's contents: shown with current products and totals, a line's quantity changed or the
// line removed, everything cleared. The owner check is part of each statement, so another user's
// line id changes nothing and answers 404. (Adding is add-to-cart.ts.)
import { notFound } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { CartItem, toCartResponse } from './cart-item.model.js';
import { Cart } from './cart.model.js';
import { onlyInStock, stockChanging } from './stock-errors.js';

export const cartContentsOperations = {
  getCart: {
    async handle({ user, services }) {
      const cartId = await Cart.idOf(services.db, user.id);
      return { status: 200, body: toCartResponse(cartId, await CartItem.linesOf(services.db, cartId)) };
    },
  },

  updateCartItem: {
    async handle({ params, body, user, services }) {
      const { db } = services;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        if (await CartItem.setQuantityWithinStock(db, user.id, params.item_id, body.quantity)) {
          return { status: 200, body: { message: 'Quantity updated' } };
        }
        const stock = await CartItem.stockOnLineOf(db, user.id, params.item_id);
        if (stock === undefined) throw notFound('Cart item not found.');
        if (body.quantity > stock) throw onlyInStock(stock);
        // The stock rose between the two statements: try again.
      }
      throw stockChanging();
    },
  },

  removeCartItem: {
    async handle({ params, user, services }) {
      if (!(await CartItem.removeOwned(services.db, user.id, params.item_id))) throw notFound('Cart item not found.');
      return { status: 200, body: { message: 'Removed' } };
    },
  },

  clearCart: {
    async handle({ user, services }) {
      await CartItem.removeAllOf(services.db, user.id);
      return { status: 200, body: { message: 'Cart cleared' } };
    },
  },
} satisfies Partial<OperationTable>;
