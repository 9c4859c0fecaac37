// An order line as stored: copies of what was bought (name, image, unit price), whatever becomes
// of the product later. Its product link turns null when the product is deleted.
import type { Knex } from 'knex';
import { Model, raw, type Modifiers, type RelationMappings } from 'objection';
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
  /** How many of the line have been refunded (or are being refunded); never above quantity (CHECK). */
  refunded_quantity: number;
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
   * locked everywhere): each line's quantity less what was refunded (refunded lines not yet shipped
   * went back to stock when they were refunded). A deleted product has no stock to give back, so
   * its lines are left out.
   */
  static async heldStock(trx: Knex.Transaction, orderId: number): Promise<StockLine[]> {
    const lines = await OrderItem.query(trx)
      .select('product_id', raw('sum(quantity - refunded_quantity) as quantity'))
      .where({ order_id: orderId })
      .whereNotNull('product_id')
      .groupBy('product_id')
      .orderBy('product_id')
      .castTo<Array<{ product_id: number; quantity: string | number }>>();
    return lines.map((line) => ({ productId: line.product_id, quantity: Number(line.quantity) })).filter((line) => line.quantity > 0);
  }

  /** The order's lines, for pricing a refund. */
  static async linesOf(db: Knex, orderId: number): Promise<OrderItemRow[]> {
    return await OrderItem.query(db)
      .select('id', 'order_id', 'product_id', 'product_name', 'image', 'price', 'quantity', 'refunded_quantity')
      .where({ order_id: orderId })
      .orderBy('id');
  }

  /**
   * Counts lines as refunded, each with one conditional UPDATE (`... WHERE refunded_quantity + q <=
   * quantity`): false when any line has not that many left to refund (the caller rolls back).
   */
  static async reserveRefund(
    trx: Knex.Transaction,
    orderId: number,
    lines: Array<{ item_id: number; quantity: number }>,
  ): Promise<boolean> {
    for (const line of [...lines].sort((a, b) => a.item_id - b.item_id)) {
      const changed = await OrderItem.query(trx)
        .patch({ refunded_quantity: raw('refunded_quantity + ?', [line.quantity]) } as unknown as Partial<OrderItem>)
        .where({ id: line.item_id, order_id: orderId })
        .where(raw('refunded_quantity + ? <= quantity', [line.quantity]))
        .returning('id');
      if (!changed.length) return false;
    }
    return true;
  }

  /** Undoes reserveRefund for a refund that Stripe did not make. */
  static async releaseRefund(trx: Knex.Transaction, orderId: number, lines: Array<{ item_id: number; quantity: number }>): Promise<void> {
    for (const line of [...lines].sort((a, b) => a.item_id - b.item_id)) {
      await OrderItem.query(trx)
        .patch({ refunded_quantity: raw('refunded_quantity - ?', [line.quantity]) } as unknown as Partial<OrderItem>)
        .where({ id: line.item_id, order_id: orderId })
        .where('refunded_quantity', '>=', line.quantity);
    }
  }

  /** The stock the refunded lines stand for, one line per product in id order (deleted products left out). */
  static async stockOfLines(db: Knex, orderId: number, lines: Array<{ item_id: number; quantity: number }>): Promise<StockLine[]> {
    const rows = await OrderItem.query(db)
      .select('id', 'product_id')
      .where({ order_id: orderId })
      .whereIn(
        'id',
        lines.map((line) => line.item_id),
      )
      .whereNotNull('product_id');
    const byProduct = new Map<number, number>();
    for (const row of rows) {
      const quantity = lines.filter((line) => line.item_id === row.id).reduce((sum, line) => sum + line.quantity, 0);
      byProduct.set(row.product_id!, (byProduct.get(row.product_id!) ?? 0) + quantity);
    }
    return [...byProduct.entries()].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
  }
}
