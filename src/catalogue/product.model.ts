// How a product row is read and shown. Queries select PRODUCT_COLUMNS (also through joins, with
// productColumnsOf) and toProductResponse turns the row into the wire shape.
import type { Knex } from 'knex';
import { fn, Model, raw } from 'objection';
import type { components } from '../../generated/openapi.js';
import { formatMoney } from '../money.js';

export type ProductResponse = components['schemas']['Product'];
export type Category = ProductResponse['category'];

/** A products row as PRODUCT_COLUMNS select it. */
export interface ProductRow {
  id: number;
  name: string;
  slug: string;
  /** numeric(10,2), as the driver returns it: a string. */
  price: string;
  category: Category;
  image: string | null;
  description: string;
  stock: number;
  created_at: Date;
  updated_at: Date;
}

/** A quantity of one product, as checkout takes it from stock or gives it back. */
export interface StockLine {
  productId: number;
  quantity: number;
}

/** What checkout reads of a product it is about to sell. */
export type ProductForSale = Pick<ProductRow, 'id' | 'name' | 'price' | 'image'>;

// Declaration merging gives the Objection model the row's typed columns.
export interface Product extends ProductRow {}
/** The Objection model of a product. */
export class Product extends Model {
  static override tableName = 'products';

  /**
   * Locks the products a checkout is about to sell, in id order (so concurrent checkouts, and
   * cancellations giving stock back in the same order, never deadlock), until the transaction ends.
   */
  static async lockForSale(trx: Knex.Transaction, ids: number[]): Promise<ProductForSale[]> {
    return await Product.query(trx).select('id', 'name', 'price', 'image').whereIn('id', ids).orderBy('id').forUpdate();
  }

  /**
   * Takes every line from stock in ONE conditional UPDATE (`... AND stock >= quantity`); answers
   * the ids of the products it could take. A line it could not take is left as it was, and the
   * caller rolls the transaction back.
   */
  static async takeStock(trx: Knex.Transaction, lines: StockLine[]): Promise<Set<number>> {
    const result = (await trx.raw(
      `UPDATE products SET stock = products.stock - wanted.quantity, updated_at = now()
         FROM (VALUES ${lines.map(() => '(?::integer, ?::integer)').join(', ')}) AS wanted (id, quantity)
        WHERE products.id = wanted.id AND products.stock >= wanted.quantity
        RETURNING products.id`,
      lines.flatMap((line) => [line.productId, line.quantity]),
    )) as { rows: Array<{ id: number }> };
    return new Set(result.rows.map((row) => row.id));
  }

  /** Gives stock back (a cancelled or failed order), row by row in id order like lockForSale. */
  static async giveBackStock(trx: Knex.Transaction, lines: StockLine[]): Promise<void> {
    for (const line of [...lines].sort((a, b) => a.productId - b.productId)) {
      await Product.query(trx)
        .findById(line.productId)
        .patch({ stock: raw('stock + ?', [line.quantity]), updated_at: fn.now() } as unknown as Partial<Product>);
    }
  }

  /** The current stock of a product, or undefined when it does not exist. */
  static async stockOf(db: Knex, id: number): Promise<number | undefined> {
    const row = await Product.query(db).findById(id).select('stock');
    return row?.stock;
  }
}

export const PRODUCT_COLUMNS = [
  'id',
  'name',
  'slug',
  'price',
  'category',
  'image',
  'description',
  'stock',
  'created_at',
  'updated_at',
] as const;

/** PRODUCT_COLUMNS qualified by the table, for queries that join products to another table. */
export const productColumnsOf = (table: string) => PRODUCT_COLUMNS.map((column) => `${table}.${column}`);

export function toProductResponse(row: ProductRow): ProductResponse {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    price: formatMoney(row.price),
    category: row.category,
    image: row.image,
    description: row.description,
    stock: row.stock,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
