// How a wishlist is shown: its items in the order they were added, each with the product as it is
// now. A deleted product's item is gone with it (the foreign key cascades).
import type { Knex } from 'knex';
import type { components } from '../../generated/openapi.js';
import { productColumnsOf, toProductResponse, type ProductRow } from '../catalogue/product.model.js';

export type WishlistResponse = components['schemas']['Wishlist'];

export async function loadWishlist(db: Knex, wishlistId: number): Promise<WishlistResponse> {
  const rows = (await db('wishlist_items')
    .join('products', 'products.id', 'wishlist_items.product_id')
    .where('wishlist_items.wishlist_id', wishlistId)
    .orderBy('wishlist_items.id')
    .select(['wishlist_items.id as item_id', ...productColumnsOf('products')])) as (ProductRow & { item_id: number })[];
  return { id: wishlistId, items: rows.map((row) => ({ id: row.item_id, product: toProductResponse(row) })) };
}
