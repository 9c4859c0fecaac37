import type { Operation } from '../services.js';
import { usersCart } from './owned-container.js';

export const clearCart: Operation<'clearCart'> = {
  async handle({ user, services }) {
    const { db } = services;
    await db('cart_items').whereIn('cart_id', usersCart(db, user.id)).del();
    return { status: 200, body: { message: 'Cart cleared' } };
  },
};
