// An order line as stored: copies of what was bought (name, image, unit price), whatever becomes
// of the product later. Its product link turns null when the product is deleted.
import type { Knex } from 'knex';
import { Model, type Modifiers, type RelationMappings } from 'objection';
import { Product, type StockLine } from '../catalogue/product.model.js';
import { formatMinorUnits } from '../money.js';

export interface OrderItemRow {
  id: number;
  order_id: number;
  product_id: number | null;
  product_name: string;
  image: string | null;
  price: string;
  quantity: number;
}

/** A line as checkout has priced it, before it is stored. */
export interface SoldLine {
  productId: number;
  name: string;
  image: string | null;
  /** Unit price in minor units (paise), from the database. */
  unitAmount: number;
  quantity: number;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface OrderItem extends OrderItemRow {}
/** The Objection model of an order line, with the product it was (while that exists) as `product`. */
export class OrderItem extends Model {
  static override tableName = 'order_items';

  product?: Product | null;

  static override relationMappings: RelationMappings = {
    product: {
      relation: Model.BelongsToOneRelation,
      modelClass: Product,
      join: { from: 'order_items.product_id', to: 'products.id' },
    },
  };

  static override modifiers: Modifiers = {
    /** Lines in the order the shopper's cart listed them. */
    inLineOrder: (query) => {
      query.orderBy('id');
    },
  };

  /** Stores the lines of a new order (one INSERT). */
  static async insertLines(trx: Knex.Transaction, orderId: number, lines: SoldLine[]): Promise<void> {
    await OrderItem.query(trx).insert(
      lines.map((line) => ({
        order_id: orderId,
        product_id: line.productId,
        product_name: line.name,
        image: line.image,
        price: formatMinorUnits(line.unitAmount),
        quantity: line.quantity,
      })),
    );
  }

  /**
   * The stock an order holds, one line per product in id order (the order in which stock is
   * locked everywhere). A deleted product has no stock to give back, so its lines are left out.
   */
  static async heldStock(trx: Knex.Transaction, orderId: number): Promise<StockLine[]> {
    const lines = await OrderItem.query(trx)
      .select('product_id')
      .sum('quantity as quantity')
      .where({ order_id: orderId })
      .whereNotNull('product_id')
      .groupBy('product_id')
      .orderBy('product_id')
      .castTo<Array<{ product_id: number; quantity: string | number }>>();
    return lines.map((line) => ({ productId: line.product_id, quantity: Number(line.quantity) }));
  }
}
