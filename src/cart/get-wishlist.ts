import type { Operation } from '../services.js';
import { wishlistIdOf } from './owned-container.js';
import { loadWishlist } from './wishlist.model.js';

export const getWishlist: Operation<'getWishlist'> = {
  async handle({ user, services }) {
    const wishlistId = await wishlistIdOf(services.db, user.id);
    return { status: 200, body: await loadWishlist(services.db, wishlistId) };
  },
};
