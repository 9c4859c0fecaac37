// One statement: the item is inserted only for an existing product, and the unique
// (wishlist, product) key turns a duplicate — also two clicks racing — into "nothing inserted"
// instead of a second line or a 500.
import { PG, pgErrorCode } from '../db.js';
import { notFound } from '../http/errors.js';
import type { Operation } from '../services.js';
import { wishlistIdOf } from './owned-container.js';

const ADD_ITEM_ONCE = `
  INSERT INTO wishlist_items (wishlist_id, product_id)
  SELECT CAST(:wishlistId AS integer), products.id FROM products WHERE products.id = :productId
  ON CONFLICT (wishlist_id, product_id) DO NOTHING
  RETURNING wishlist_items.id`;

export const addToWishlist: Operation<'addToWishlist'> = {
  async handle({ body, user, services }) {
    const { db } = services;
    const wishlistId = await wishlistIdOf(db, user.id);
    const result = (await db.raw(ADD_ITEM_ONCE, { wishlistId, productId: body.product_id }).catch((error: unknown) => {
      // The product was deleted by a transaction that committed while this statement ran (its
      // SELECT still saw the product; the foreign key check found it gone).
      if (pgErrorCode(error) === PG.foreignKeyViolation) throw notFound('Product not found.');
      throw error;
    })) as { rows: unknown[] };
    if (result.rows.length === 1) return { status: 200, body: { message: 'Added to wishlist' } };
    const product = await db('products').where({ id: body.product_id }).first('id');
    if (!product) throw notFound('Product not found.');
    return { status: 200, body: { message: 'Already in wishlist' } };
  },
};
