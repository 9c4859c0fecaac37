// The signed-in user's cart and wishlist.
import type { OperationTable } from '../services.js';
import { addToCart } from './add-to-cart.js';
import { addToWishlist } from './add-to-wishlist.js';
import { clearCart } from './clear-cart.js';
import { getCart } from './get-cart.js';
import { getWishlist } from './get-wishlist.js';
import { removeCartItem } from './remove-cart-item.js';
import { removeWishlistItem } from './remove-wishlist-item.js';
import { updateCartItem } from './update-cart-item.js';

export const cartOperations = {
  getCart,
  addToCart,
  updateCartItem,
  removeCartItem,
  clearCart,
  getWishlist,
  addToWishlist,
  removeWishlistItem,
} satisfies Partial<OperationTable>;
