// A user's wishlist: one row per user, created on first use (see owned-by-user.ts); its items are
// wishlist_items (wishlist-item.model.ts).
import type { components } from '../../generated/openapi.js';
import { OwnedByUser } from './owned-by-user.js';

export type WishlistResponse = components['schemas']['Wishlist'];

/** The Objection model of a user's wishlist. */
export class Wishlist extends OwnedByUser {
  static override tableName = 'wishlists';
}
