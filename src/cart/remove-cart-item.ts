// The owner check is part of the DELETE itself: another user's line id deletes nothing and answers 404.
// RETURNING tells what was deleted on both drivers (knex-pglite's del() does not answer a count).
import { notFound } from '../http/errors.js';
import type { Operation } from '../services.js';
import { usersCart } from './owned-container.js';

export const removeCartItem: Operation<'removeCartItem'> = {
  async handle({ params, user, services }) {
    const { db } = services;
    const deleted = await db('cart_items').where({ id: params.item_id }).whereIn('cart_id', usersCart(db, user.id)).del().returning('id');
    if (deleted.length === 0) throw notFound('Cart item not found.');
    return { status: 200, body: { message: 'Removed' } };
  },
};
