// The wishlist: shown with current products, a product added once (a duplicate, also two clicks
// racing, answers "Already in wishlist"), an item removed by its owner only.
import { notFound } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { Product } from '../catalogue/product.model.js';
import { toWishlistResponse, WishlistItem } from './wishlist-item.model.js';
import { Wishlist } from './wishlist.model.js';

export const wishlistOperations = {
  getWishlist: {
    async handle({ user, services }) {
      const wishlistId = await Wishlist.idOf(services.db, user.id);
      return { status: 200, body: toWishlistResponse(wishlistId, await WishlistItem.itemsOf(services.db, wishlistId)) };
    },
  },

  addToWishlist: {
    async handle({ body, user, services }) {
      const { db } = services;
      const wishlistId = await Wishlist.idOf(db, user.id);
      if (await WishlistItem.addOnce(db, wishlistId, body.product_id)) return { status: 200, body: { message: 'Added to wishlist' } };
      // Nothing added: either it is there already, or there is no such product (any more).
      if (!(await Product.exists(db, body.product_id))) throw notFound('Product not found.');
      return { status: 200, body: { message: 'Already in wishlist' } };
    },
  },

  removeWishlistItem: {
    async handle({ params, user, services }) {
      if (!(await WishlistItem.removeOwned(services.db, user.id, params.item_id))) throw notFound('Wishlist item not found.');
      return { status: 200, body: { message: 'Removed' } };
    },
  },
} satisfies Partial<OperationTable>;
