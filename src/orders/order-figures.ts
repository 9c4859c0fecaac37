// The orders' aggregate statements for the staff panel (dashboard, reports, a customer's totals),
// kept apart from order.model.ts, which is about one order. Each figure is ONE SQL statement that
// adds up in the database: money is summed as numeric and leaves as a string, never as a float,
// and no order is loaded into the process to be counted. "Paid" is Order.paidCondition. The
// statements read covering indexes (orders_status_totals, orders_newest_first), not order rows.
import type { Knex } from 'knex';
import { Order, type OrderRow } from './order.model.js';

/** A half-open range of time: from ≤ created_at < to. */
export interface TimeRange {
  from: Date;
  to: Date;
}

/** numeric sums as the driver returns them: strings. */
type Sum = string;

/** Orders and paid revenue of one status, or (status null) of all of them. */
export interface StatusFigures {
  status: string | null;
  orders: number;
  revenue: Sum;
}

/** Paid revenue of the last periods (the 30 days hold the other two). */
export interface RecentRevenue {
  today: Sum;
  days7: Sum;
  days30: Sum;
}

/** The figures of a group of a range's orders: one UTC day, one status, one payment method, or all. */
export interface RangeFigures {
  /** `YYYY-MM-DD`, on a day's row. */
  day: string | null;
  /** On a status's row. */
  status: string | null;
  /** On a payment method's row. */
  payment_method: string | null;
  /** Which grouping the row is of (GROUPING(day, status, payment_method)): see RANGE_GROUP. */
  grouping: number;
  orders: number;
  paidOrders: number;
  revenue: Sum;
  /** Revenue per paid order, rounded to the paisa; "0.00" without any. */
  average: Sum;
}

/** RangeFigures.grouping of each kind of row (a bit is set for each column the row is not grouped by). */
export const RANGE_GROUP = { day: 0b011, status: 0b101, paymentMethod: 0b110, all: 0b111 } as const;

export interface TopProduct {
  product_id: number | null;
  product_name: string;
  quantity: number;
  revenue: Sum;
}

export type RecentOrder = Pick<OrderRow, 'id' | 'user_id' | 'total_amount' | 'payment_method' | 'status' | 'payment_status' | 'created_at'>;

const inRange = (query: Knex.QueryBuilder, range: TimeRange, column = 'created_at') =>
  query.where(column, '>=', range.from).where(column, '<', range.to);

export class OrderFigures {
  /**
   * Orders and paid revenue per status, then one row (status null) for all orders. One pass over
   * the orders_status_totals index adds up each (status, payment status); whether that money is
   * revenue is decided on those few sums (Order.paidCondition on the per-state rows), not per order.
   */
  static async byStatus(db: Knex): Promise<StatusFigures[]> {
    return (await OrderFigures.byStatusQuery(db)) as StatusFigures[];
  }

  /** The statement of byStatus() (for its plan in npm run bench:panel). */
  static byStatusQuery(db: Knex): Knex.QueryBuilder {
    const perState = db(Order.tableName)
      .select('status', 'payment_status', db.raw('count(*) AS orders'), db.raw('sum(?) AS amount', [Order.revenueExpression(db)]))
      .groupBy('status', 'payment_status');
    return db
      .with('per_state', perState)
      .from('per_state')
      .select(
        'status',
        db.raw('sum(orders)::integer AS orders'),
        db.raw('coalesce(sum(amount) FILTER (WHERE ?), 0) AS revenue', [Order.paidCondition(db, 'per_state')]),
      )
      .groupByRaw('ROLLUP (status)')
      .orderByRaw('status NULLS LAST');
  }

  /** Paid revenue since each of the moments (all within the last 30 days): one range of the time index. */
  static async recentRevenue(db: Knex, since: { today: Date; days7: Date; days30: Date }): Promise<RecentRevenue> {
    const revenue = Order.revenueExpression(db);
    const [row] = (await db(Order.tableName)
      .where(Order.paidCondition(db))
      .where('created_at', '>=', since.days30)
      .select(
        db.raw('coalesce(sum(?) FILTER (WHERE created_at >= ?), 0) AS today', [revenue, since.today]),
        db.raw('coalesce(sum(?) FILTER (WHERE created_at >= ?), 0) AS "days7"', [revenue, since.days7]),
        db.raw('coalesce(sum(?), 0) AS "days30"', [revenue]),
      )) as RecentRevenue[];
    return row!;
  }

  /** The newest orders. */
  static async recent(db: Knex, limit: number): Promise<RecentOrder[]> {
    return (await db(Order.tableName)
      .select('id', 'user_id', 'total_amount', 'payment_method', 'status', 'payment_status', 'created_at')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)) as RecentOrder[];
  }

  /**
   * The range's orders by UTC day (days without orders absent), by status, by payment method and
   * all together: GROUP BY GROUPING SETS, one pass over the range of the orders_newest_first index.
   */
  static async inRange(db: Knex, range: TimeRange): Promise<RangeFigures[]> {
    const paid = Order.paidCondition(db);
    const revenue = Order.revenueExpression(db);
    const day = db.raw(`(created_at AT TIME ZONE 'UTC')::date`);
    return (await inRange(db(Order.tableName), range)
      .select(
        db.raw(`to_char(?, 'YYYY-MM-DD') AS day`, [day]),
        'status',
        'payment_method',
        db.raw('GROUPING(?, status, payment_method)::integer AS grouping', [day]),
        db.raw('count(*)::integer AS orders'),
        db.raw('(count(*) FILTER (WHERE ?))::integer AS "paidOrders"', [paid]),
        db.raw('coalesce(sum(?) FILTER (WHERE ?), 0) AS revenue', [revenue, paid]),
        db.raw('coalesce(round(avg(?) FILTER (WHERE ?), 2), 0) AS average', [revenue, paid]),
      )
      .groupByRaw('GROUPING SETS ((?), (status), (payment_method), ())', [day])) as RangeFigures[];
  }

  /**
   * The products that brought the most paid revenue in the range, under their catalogue name; the
   * lines of deleted products (product_id null) are grouped by the name they kept. The range's paid
   * order ids come from the time index first and their lines are looked up by order id (a join
   * would read every line ever sold); only the winners are then named.
   */
  static async topProducts(db: Knex, range: TimeRange, limit: number): Promise<TopProduct[]> {
    const paidOrders = inRange(db(Order.tableName).select('id').where(Order.paidCondition(db)), range);
    const top = db('order_items')
      .whereRaw('order_id = ANY(ARRAY(?))', [paidOrders])
      .select(
        'product_id',
        db.raw('CASE WHEN product_id IS NULL THEN product_name END AS kept_name'),
        // What was refunded of a line was not sold.
        db.raw('sum(quantity - refunded_quantity)::integer AS quantity'),
        db.raw('sum(price * (quantity - refunded_quantity)) AS revenue'),
      )
      .groupBy('product_id', 'kept_name')
      .orderBy([
        { column: 'revenue', order: 'desc' },
        { column: 'quantity', order: 'desc' },
      ])
      .limit(limit);
    return (await db
      .with('top', top)
      .from('top')
      .leftJoin('products', 'products.id', 'top.product_id')
      .select('top.product_id', db.raw('coalesce(products.name, top.kept_name) AS product_name'), 'top.quantity', 'top.revenue')
      .orderBy([
        { column: 'top.revenue', order: 'desc' },
        { column: 'top.quantity', order: 'desc' },
      ])) as TopProduct[];
  }

  /** Per user (of these), how many orders they placed and how much they paid in all. */
  static async ofUsers(db: Knex, userIds: number[]): Promise<Map<number, { orders: number; spent: Sum }>> {
    if (!userIds.length) return new Map();
    const rows = (await db(Order.tableName)
      .select(
        'user_id',
        db.raw('count(*)::integer AS orders'),
        db.raw('coalesce(sum(?) FILTER (WHERE ?), 0) AS spent', [Order.revenueExpression(db), Order.paidCondition(db)]),
      )
      .whereIn('user_id', userIds)
      .groupBy('user_id')) as Array<{ user_id: number; orders: number; spent: Sum }>;
    return new Map(rows.map((row) => [row.user_id, { orders: row.orders, spent: row.spent }]));
  }
}
