// A user's cart: one row per user, created on first use (see owned-by-user.ts); its lines are
// cart_items (cart-item.model.ts).
import type { components } from '../../generated/openapi.js';
import { OwnedByUser } from './owned-by-user.js';

export type CartResponse = components['schemas']['Cart'];

/** A cart line, and so an order line, holds at most this many of one product (the spec and CHECKs on both tables say so). */
export const MAX_LINE_QUANTITY = 99;

/** The Objection model of a user's cart. */
export class Cart extends OwnedByUser {
  static override tableName = 'carts';
}
