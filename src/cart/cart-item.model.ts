// A cart line: one per product in a cart (a unique key), 1–99 of it (a CHECK), never more than the
// product's stock when written. Every write is one statement that carries its own conditions (the
// owner, the stock, the 99 limit), so concurrent requests never lose a click or store a quantity
// beyond stock; when a write answers "nothing written", a read afterwards only explains why.
import type { Knex } from 'knex';
import { Model, QueryBuilder, type Page, type RelationMappings } from 'objection';
import type { components } from '../../generated/openapi.js';
import { Product, toProductResponse } from '../catalogue/product.model.js';
import { PG, pgErrorCode } from '../db.js';
import { formatMinorUnits, toMinorUnits } from '../money.js';
import { Cart, MAX_LINE_QUANTITY, type CartResponse } from './cart.model.js';

export type CartItemResponse = components['schemas']['CartItem'];

/**
 * Insert the line, or add to the existing line, only while the sum stays within stock and the
 * 99-per-line limit. Concurrent adds of one product by one user queue on the line's row lock and
 * each sees the quantity the previous one committed.
 */
const ADD_OR_MERGE_LINE = `
  INSERT INTO cart_items (cart_id, product_id, quantity)
  SELECT CAST(:cartId AS integer), products.id, CAST(:quantity AS integer)
    FROM products
   WHERE products.id = :productId AND products.stock >= CAST(:quantity AS integer)
  ON CONFLICT (cart_id, product_id) DO UPDATE
     SET quantity = cart_items.quantity + excluded.quantity
   WHERE cart_items.quantity + excluded.quantity <= LEAST(
           ${MAX_LINE_QUANTITY},
           (SELECT products.stock FROM products WHERE products.id = excluded.product_id))
  RETURNING cart_items.id`;

/** Set a line's quantity only when the line is the user's and the product has that much in stock. */
const SET_QUANTITY_WITHIN_STOCK = `
  UPDATE cart_items
     SET quantity = CAST(:quantity AS integer)
    FROM carts, products
   WHERE cart_items.id = :itemId
     AND carts.id = cart_items.cart_id AND carts.user_id = :userId
     AND products.id = cart_items.product_id AND products.stock >= CAST(:quantity AS integer)
  RETURNING cart_items.id`;

/** Cart lines' queries, chainable: `CartItem.query(db).ofUser(userId)...`. */
export class CartItemQueryBuilder<M extends Model, R = M[]> extends QueryBuilder<M, R> {
  declare ArrayQueryBuilderType: CartItemQueryBuilder<M, M[]>;
  declare SingleQueryBuilderType: CartItemQueryBuilder<M, M>;
  declare MaybeSingleQueryBuilderType: CartItemQueryBuilder<M, M | undefined>;
  declare NumberQueryBuilderType: CartItemQueryBuilder<M, number>;
  declare PageQueryBuilderType: CartItemQueryBuilder<M, Page<M>>;

  /** Only the lines of this user's cart: the owner check is part of the statement, so another user's line id matches nothing. */
  ofUser(userId: number): this {
    return this.whereIn('cart_items.cart_id', Cart.query().select('carts.id').where('carts.user_id', userId));
  }
}

/** The Objection model of a cart line; `product` is the product it holds. */
export class CartItem extends Model {
  static override tableName = 'cart_items';
  static override QueryBuilder = CartItemQueryBuilder;
  declare QueryBuilderType: CartItemQueryBuilder<this>;

  declare id: number;
  declare cart_id: number;
  declare product_id: number;
  declare quantity: number;
  declare created_at: Date;
  declare product?: Product;

  static override relationMappings: RelationMappings = {
    cart: { relation: Model.BelongsToOneRelation, modelClass: Cart, join: { from: 'cart_items.cart_id', to: 'carts.id' } },
    product: { relation: Model.BelongsToOneRelation, modelClass: Product, join: { from: 'cart_items.product_id', to: 'products.id' } },
  };

  /** The cart's lines in the order they were added, each with its product as it is now. */
  static async linesOf(db: Knex, cartId: number): Promise<CartItem[]> {
    return await CartItem.query(db)
      .where('cart_items.cart_id', cartId)
      .withGraphJoined('product(shown)', { joinOperation: 'innerJoin' })
      .orderBy('cart_items.id');
  }

  /**
   * Adds `quantity` of the product to the cart in one statement (see ADD_OR_MERGE_LINE); whether
   * it was written. Nothing is written for a product that does not exist, or one deleted by a
   * transaction that committed while this statement ran (its SELECT still saw the product, the
   * foreign key check then found it gone).
   */
  static async addOrMerge(db: Knex, cartId: number, productId: number, quantity: number): Promise<boolean> {
    try {
      const result = (await db.raw(ADD_OR_MERGE_LINE, { cartId, productId, quantity })) as { rows: unknown[] };
      return result.rows.length === 1;
    } catch (error) {
      if (pgErrorCode(error) === PG.foreignKeyViolation) return false;
      throw error;
    }
  }

  /** What an add of the product to the cart depends on: its stock and what the cart already holds; undefined when there is no such product. */
  static async stockAndQuantityInCart(db: Knex, cartId: number, productId: number): Promise<{ stock: number; inCart: number } | undefined> {
    const state = (await Product.query(db)
      .leftJoin('cart_items', (join) => join.on('cart_items.product_id', 'products.id').andOnVal('cart_items.cart_id', cartId))
      .findById(productId)
      .select('products.stock', 'cart_items.quantity as in_cart')) as unknown as { stock: number; in_cart: number | null } | undefined;
    return state && { stock: state.stock, inCart: state.in_cart ?? 0 };
  }

  /** Sets the quantity of the user's line in one statement that also checks the stock (see SET_QUANTITY_WITHIN_STOCK); whether it was written. */
  static async setQuantityWithinStock(db: Knex, userId: number, itemId: number, quantity: number): Promise<boolean> {
    const result = (await db.raw(SET_QUANTITY_WITHIN_STOCK, { quantity, itemId, userId })) as { rows: unknown[] };
    return result.rows.length === 1;
  }

  /** The stock of the product on the user's line; undefined when the user has no such line. */
  static async stockOnLineOf(db: Knex, userId: number, itemId: number): Promise<number | undefined> {
    const line = (await CartItem.query(db).ofUser(userId).joinRelated('product').findById(itemId).select('product.stock')) as unknown as
      { stock: number } | undefined;
    return line?.stock;
  }

  /** Deletes the user's line; whether there was one. */
  static async removeOwned(db: Knex, userId: number, itemId: number): Promise<boolean> {
    // RETURNING tells what was deleted on both drivers (knex-pglite answers no count).
    return (await CartItem.query(db).ofUser(userId).where('cart_items.id', itemId).delete().returning('cart_items.id')).length > 0;
  }

  /** Deletes every line of the user's cart; answers what they held. */
  static async removeAllOf(db: Knex, userId: number): Promise<Array<Pick<CartItem, 'product_id' | 'quantity'>>> {
    const lines = await CartItem.query(db).ofUser(userId).delete().returning(['cart_items.product_id', 'cart_items.quantity']);
    return lines.map(({ product_id, quantity }) => ({ product_id, quantity }));
  }

  /** Inserts the lines into the cart, leaving a line the cart already has for a product as it is. */
  static async insertMissing(db: Knex, cartId: number, lines: Array<Pick<CartItem, 'product_id' | 'quantity'>>): Promise<void> {
    if (!lines.length) return;
    await CartItem.query(db)
      .insert(lines.map((line) => ({ cart_id: cartId, product_id: line.product_id, quantity: line.quantity })))
      .onConflict(['cart_id', 'product_id'])
      .ignore();
  }
}

/**
 * How a cart is shown: every line with the product as it is now, the line's subtotal, and whether
 * the quantity is more than the current stock. Quantities are never changed behind the shopper's
 * back: a product that sold out keeps its line, flagged; a deleted product's line is gone (the
 * foreign key cascades).
 */
export function toCartResponse(cartId: number, lines: CartItem[]): CartResponse {
  let totalMinor = 0;
  const items = lines.map((line): CartItemResponse => {
    const product = line.product!;
    // Integer paise: at most 1,000,000.00 × 99 per line, far inside Number's exact range.
    const subtotalMinor = toMinorUnits(product.price) * line.quantity;
    totalMinor += subtotalMinor;
    return {
      id: line.id,
      product: toProductResponse(product),
      quantity: line.quantity,
      subtotal: formatMinorUnits(subtotalMinor),
      exceeds_stock: line.quantity > product.stock,
    };
  });
  return { id: cartId, items, total: formatMinorUnits(totalMinor) };
}
