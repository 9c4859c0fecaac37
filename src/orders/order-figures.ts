// The orders' aggregate statements for the staff panel (dashboard, reports, a customer's totals),
// kept apart from order.model.ts, which is about one order. Each figure is ONE SQL statement that
// adds up in the database: money is summed as numeric and leaves as a string, never as a float,
// and no order is loaded into the process to be counted. "Paid" is Order.paidCondition.
import type { Knex } from 'knex';
import { Order, type OrderRow } from './order.model.js';

/** A half-open range of time: from ≤ created_at < to. */
export interface TimeRange {
  from: Date;
  to: Date;
}

/** numeric sums as the driver returns them: strings. */
type Sum = string;

export interface OrderTotals {
  orders: number;
  revenue: Sum;
  revenueToday: Sum;
  revenue7Days: Sum;
  revenue30Days: Sum;
}

export interface DayFigures {
  /** `YYYY-MM-DD` (UTC), or null on the total row of the range. */
  day: string | null;
  orders: number;
  paidOrders: number;
  revenue: Sum;
  /** Revenue per paid order, rounded to the paisa; "0.00" without any. */
  average: Sum;
}

export interface TopProduct {
  product_id: number | null;
  product_name: string;
  quantity: number;
  revenue: Sum;
}

export type RecentOrder = Pick<OrderRow, 'id' | 'user_id' | 'total_amount' | 'payment_method' | 'status' | 'created_at'>;

const inRange = (query: Knex.QueryBuilder, range: TimeRange | undefined, column = 'created_at') =>
  range ? query.where(column, '>=', range.from).where(column, '<', range.to) : query;

export class OrderFigures {
  /** Every order counted, paid revenue in all and since each of the given moments: one scan. */
  static async totals(db: Knex, since: { today: Date; days7: Date; days30: Date }): Promise<OrderTotals> {
    const paid = Order.paidCondition(db);
    const [row] = (await db(Order.tableName).select(
      db.raw('count(*)::integer AS orders'),
      db.raw('coalesce(sum(total_amount) FILTER (WHERE ?), 0) AS revenue', [paid]),
      db.raw('coalesce(sum(total_amount) FILTER (WHERE ? AND created_at >= ?), 0) AS "revenueToday"', [paid, since.today]),
      db.raw('coalesce(sum(total_amount) FILTER (WHERE ? AND created_at >= ?), 0) AS "revenue7Days"', [paid, since.days7]),
      db.raw('coalesce(sum(total_amount) FILTER (WHERE ? AND created_at >= ?), 0) AS "revenue30Days"', [paid, since.days30]),
    )) as OrderTotals[];
    return row!;
  }

  /** How many orders (of the range, or all) are in each status / were paid each way. */
  static async countsBy(db: Knex, column: 'status' | 'payment_method', range?: TimeRange): Promise<Array<{ name: string; count: number }>> {
    return (await inRange(db(Order.tableName), range)
      .select({ name: column })
      .select(db.raw('count(*)::integer AS count'))
      .groupBy(column)
      .orderBy(column)) as Array<{ name: string; count: number }>;
  }

  /** The newest orders. */
  static async recent(db: Knex, limit: number): Promise<RecentOrder[]> {
    return (await db(Order.tableName)
      .select('id', 'user_id', 'total_amount', 'payment_method', 'status', 'created_at')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)) as RecentOrder[];
  }

  /**
   * The range's orders by UTC day (days without orders absent), then one row (day null) for the
   * whole range: GROUP BY ROLLUP, one scan of the range.
   */
  static async byDay(db: Knex, range: TimeRange): Promise<DayFigures[]> {
    const paid = Order.paidCondition(db);
    return (await inRange(db(Order.tableName), range)
      .select(
        db.raw(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day`),
        db.raw('count(*)::integer AS orders'),
        db.raw('(count(*) FILTER (WHERE ?))::integer AS "paidOrders"', [paid]),
        db.raw('coalesce(sum(total_amount) FILTER (WHERE ?), 0) AS revenue', [paid]),
        db.raw('coalesce(round(avg(total_amount) FILTER (WHERE ?), 2), 0) AS average', [paid]),
      )
      .groupByRaw(`ROLLUP (to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))`)
      .orderByRaw('1 NULLS LAST')) as DayFigures[];
  }

  /**
   * The products that brought the most paid revenue in the range. Lines are grouped by product; the
   * lines of deleted products (product_id null) by the name they kept.
   */
  static async topProducts(db: Knex, range: TimeRange, limit: number): Promise<TopProduct[]> {
    return (await inRange(
      db('order_items as i').join('orders as o', 'o.id', 'i.order_id').where(Order.paidCondition(db, 'o')),
      range,
      'o.created_at',
    )
      .select(
        'i.product_id',
        db.raw('(array_agg(i.product_name ORDER BY o.created_at DESC))[1] AS product_name'),
        db.raw('sum(i.quantity)::integer AS quantity'),
        db.raw('sum(i.price * i.quantity) AS revenue'),
      )
      .groupBy('i.product_id', db.raw('CASE WHEN i.product_id IS NULL THEN i.product_name END'))
      .orderBy([
        { column: 'revenue', order: 'desc' },
        { column: 'quantity', order: 'desc' },
      ])
      .limit(limit)) as TopProduct[];
  }

  /** Per user (of these), how many orders they placed and how much they paid in all. */
  static async ofUsers(db: Knex, userIds: number[]): Promise<Map<number, { orders: number; spent: Sum }>> {
    if (!userIds.length) return new Map();
    const rows = (await db(Order.tableName)
      .select(
        'user_id',
        db.raw('count(*)::integer AS orders'),
        db.raw('coalesce(sum(total_amount) FILTER (WHERE ?), 0) AS spent', [Order.paidCondition(db)]),
      )
      .whereIn('user_id', userIds)
      .groupBy('user_id')) as Array<{ user_id: number; orders: number; spent: Sum }>;
    return new Map(rows.map((row) => [row.user_id, { orders: row.orders, spent: row.spent }]));
  }
}
