import type { Operation } from '../services.js';
import { loadCart } from './cart.model.js';
import { cartIdOf } from './owned-container.js';

export const getCart: Operation<'getCart'> = {
  async handle({ user, services }) {
    const cartId = await cartIdOf(services.db, user.id);
    return { status: 200, body: await loadCart(services.db, cartId) };
  },
};
