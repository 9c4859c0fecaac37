// A wishlist item: one per product in a wishlist (a unique key). Adding is one statement that
// inserts only for an existing product and turns a duplicate — also two clicks racing — into
// "nothing inserted" instead of a second item or a 500.
import type { Knex } from 'knex';
import { Model, QueryBuilder, type Page, type RelationMappings } from 'objection';
import { Product, toProductResponse } from '../catalogue/product.model.js';
import { PG, pgErrorCode } from '../db.js';
import { Wishlist, type WishlistResponse } from './wishlist.model.js';

const ADD_ITEM_ONCE = `
  INSERT INTO wishlist_items (wishlist_id, product_id)
  SELECT CAST(:wishlistId AS integer), products.id FROM products WHERE products.id = :productId
  ON CONFLICT (wishlist_id, product_id) DO NOTHING
  RETURNING wishlist_items.id`;

/** Wishlist items' queries, chainable: `WishlistItem.query(db).ofUser(userId)...`. */
export class WishlistItemQueryBuilder<M extends Model, R = M[]> extends QueryBuilder<M, R> {
  declare ArrayQueryBuilderType: WishlistItemQueryBuilder<M, M[]>;
  declare SingleQueryBuilderType: WishlistItemQueryBuilder<M, M>;
  declare MaybeSingleQueryBuilderType: WishlistItemQueryBuilder<M, M | undefined>;
  declare NumberQueryBuilderType: WishlistItemQueryBuilder<M, number>;
  declare PageQueryBuilderType: WishlistItemQueryBuilder<M, Page<M>>;

  /** Only the items of this user's wishlist: the owner check is part of the statement, so another user's item id matches nothing. */
  ofUser(userId: number): this {
    return this.whereIn('wishlist_items.wishlist_id', Wishlist.query().select('wishlists.id').where('wishlists.user_id', userId));
  }
}

/** The Objection model of a wishlist item; `product` is the product it holds. */
export class WishlistItem extends Model {
  static override tableName = 'wishlist_items';
  static override QueryBuilder = WishlistItemQueryBuilder;
  declare QueryBuilderType: WishlistItemQueryBuilder<this>;

  declare id: number;
  declare wishlist_id: number;
  declare product_id: number;
  declare created_at: Date;
  declare product?: Product;

  static override relationMappings: RelationMappings = {
    wishlist: {
      relation: Model.BelongsToOneRelation,
      modelClass: Wishlist,
      join: { from: 'wishlist_items.wishlist_id', to: 'wishlists.id' },
    },
    product: { relation: Model.BelongsToOneRelation, modelClass: Product, join: { from: 'wishlist_items.product_id', to: 'products.id' } },
  };

  /** The wishlist's items in the order they were added, each with its product as it is now. */
  static async itemsOf(db: Knex, wishlistId: number): Promise<WishlistItem[]> {
    return await WishlistItem.query(db)
      .where('wishlist_items.wishlist_id', wishlistId)
      .withGraphJoined('product(shown)', { joinOperation: 'innerJoin' })
      .orderBy('wishlist_items.id');
  }

  /**
   * Adds the product to the wishlist unless it is there already (see ADD_ITEM_ONCE); whether it
   * was added. Nothing is added for a product that does not exist, or one deleted by a transaction
   * that committed while this statement ran (its SELECT still saw the product, the foreign key
   * check then found it gone).
   */
  static async addOnce(db: Knex, wishlistId: number, productId: number): Promise<boolean> {
    try {
      const result = (await db.raw(ADD_ITEM_ONCE, { wishlistId, productId })) as { rows: unknown[] };
      return result.rows.length === 1;
    } catch (error) {
      if (pgErrorCode(error) === PG.foreignKeyViolation) return false;
      throw error;
    }
  }

  /** Deletes the user's item; whether there was one. */
  static async removeOwned(db: Knex, userId: number, itemId: number): Promise<boolean> {
    // RETURNING tells what was deleted on both drivers (knex-pglite answers no count).
    return (
      (await WishlistItem.query(db).ofUser(userId).where('wishlist_items.id', itemId).delete().returning('wishlist_items.id')).length > 0
    );
  }
}

/** How a wishlist is shown: its items in the order they were added, each with the product as it is now. */
export function toWishlistResponse(wishlistId: number, items: WishlistItem[]): WishlistResponse {
  return { id: wishlistId, items: items.map((item) => ({ id: item.id, product: toProductResponse(item.product!) })) };
}
