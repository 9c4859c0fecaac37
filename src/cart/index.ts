// The signed-in user's cart and wishlist.
import type { OperationTable } from '../http/operation.js';

export const cartOperations: OperationTable = {
  getCart: 'not-implemented',
  addToCart: 'not-implemented',
  updateCartItem: 'not-implemented',
  removeCartItem: 'not-implemented',
  clearCart: 'not-implemented',
  getWishlist: 'not-implemented',
  addToWishlist: 'not-implemented',
  removeWishlistItem: 'not-implemented',
};
