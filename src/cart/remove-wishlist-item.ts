// The owner check is part of the DELETE itself: another user's item id deletes nothing and answers 404.
// RETURNING tells what was deleted on both drivers (knex-pglite's del() does not answer a count).
import { notFound } from '../http/errors.js';
import type { Operation } from '../services.js';
import { usersWishlist } from './owned-container.js';

export const removeWishlistItem: Operation<'removeWishlistItem'> = {
  async handle({ params, user, services }) {
    const { db } = services;
    const deleted = await db('wishlist_items')
      .where({ id: params.item_id })
      .whereIn('wishlist_id', usersWishlist(db, user.id))
      .del()
      .returning('id');
    if (deleted.length === 0) throw notFound('Wishlist item not found.');
    return { status: 200, body: { message: 'Removed' } };
  },
};
