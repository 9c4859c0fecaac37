// Deleting a product: the database removes its cart and wishlist lines (ON DELETE CASCADE) and
// keeps past orders' lines with their copies of name, price and image (ON DELETE SET NULL).
import { notFound } from '../http/errors.js';
import type { Operation } from '../services.js';

export const deleteProduct: Operation<'deleteProduct'> = {
  staffOnly: true,
  async handle({ params, services }) {
    const deleted = await services.db('products').where({ id: params.id }).delete().returning('id');
    if (!deleted.length) throw notFound('Product not found.');
    return { status: 204, body: undefined };
  },
};
