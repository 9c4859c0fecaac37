// The signed-in user's cart and wishlist.
import type { OperationTable } from '../services.js';
import { addToCartOperations } from './add-to-cart.js';
import { cartContentsOperations } from './cart.js';
import { wishlistOperations } from './wishlist.js';

export const cartOperations = {
  ...cartContentsOperations,
  ...addToCartOperations,
  ...wishlistOperations,
} satisfies Partial<OperationTable>;
