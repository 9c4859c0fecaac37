// The staff report over a range of UTC days: orders, paid revenue and its average, a timeline with
// every day of the range, how orders were paid and where they stand, the best-selling products —
// as JSON on the original's keys, or as CSV for the accountant (`Accept: text/csv` or
// `format=csv`). Each figure is one aggregate statement (see order-figures.ts).
import { fieldError } from '../http/errors.js';
import { formatMoney } from '../money.js';
import { OrderFigures, RANGE_GROUP, type RangeFigures } from '../orders/order-figures.js';
import type { OperationTable } from '../services.js';
import { byOrderStatus, startOfUtcDay } from './dashboard.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The default range: this many days, ending today. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
const TOP_PRODUCTS = 5;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The range asked for, whole UTC days with both ends included; 400 for a reversed or too long one. */
function rangeOf(query: { start_date?: string; end_date?: string }): { first: Date; last: Date } {
  const last = query.end_date ? new Date(`${query.end_date}T00:00:00Z`) : startOfUtcDay(new Date());
  const first = query.start_date ? new Date(`${query.start_date}T00:00:00Z`) : new Date(last.getTime() - (DEFAULT_DAYS - 1) * DAY_MS);
  if (first > last) throw fieldError('start_date', 'Must be on or before end_date.');
  if ((last.getTime() - first.getTime()) / DAY_MS + 1 > MAX_DAYS)
    throw fieldError('start_date', `A report covers at most ${MAX_DAYS} days.`);
  return { first, last };
}

function csvOf(days: string[], byDay: Map<string, RangeFigures>, total: RangeFigures | undefined): string {
  const line = (name: string, figures: RangeFigures | undefined) =>
    `${name},${figures?.orders ?? 0},${figures?.paidOrders ?? 0},${formatMoney(figures?.revenue ?? '0')}`;
  return ['date,orders,paid_orders,revenue', ...days.map((day) => line(day, byDay.get(day))), line('total', total)].join('\r\n') + '\r\n';
}

export const reportOperations = {
  getPanelReport: {
    staffOnly: true,
    async handle({ query, services, request }) {
      const { db } = services;
      const { first, last } = rangeOf(query);
      const range = { from: first, to: new Date(last.getTime() + DAY_MS) };
      const [figures, topProducts] = await Promise.all([
        OrderFigures.inRange(db, range),
        OrderFigures.topProducts(db, range, TOP_PRODUCTS),
      ]);
      const of = (grouping: number) => figures.filter((row) => row.grouping === grouping);
      const total = of(RANGE_GROUP.all)[0];
      const byDay = new Map(of(RANGE_GROUP.day).map((row) => [row.day!, row]));
      const byStatus = byOrderStatus(of(RANGE_GROUP.status));
      const byMethod = of(RANGE_GROUP.paymentMethod);
      const days: string[] = [];
      for (let day = first.getTime(); day <= last.getTime(); day += DAY_MS) days.push(isoDay(new Date(day)));

      const wantsCsv = query.format === 'csv' || (query.format === undefined && request.header('accept').includes('text/csv'));
      if (wantsCsv) {
        return {
          status: 200,
          body: csvOf(days, byDay, total),
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="report-${isoDay(first)}-${isoDay(last)}.csv"`,
          },
        };
      }
      const methodCount = (method: string) => byMethod.find((row) => row.payment_method === method)?.orders ?? 0;
      return {
        status: 200,
        body: {
          start_date: isoDay(first),
          end_date: isoDay(last),
          total_orders: total?.orders ?? 0,
          paid_orders: total?.paidOrders ?? 0,
          total_revenue: formatMoney(total?.revenue ?? '0'),
          average_order_value: formatMoney(total?.average ?? '0'),
          revenue_timeline: days.map((day) => ({ name: day, total: formatMoney(byDay.get(day)?.revenue ?? '0') })),
          payment_distribution: [
            { name: 'COD' as const, count: methodCount('cod') },
            { name: 'STRIPE' as const, count: methodCount('stripe') },
          ],
          status_distribution: byStatus.map((row) => ({ name: capitalised(row.name), count: row.count })),
          top_products: topProducts.map((product) => ({
            product: product.product_id,
            product_name: product.product_name,
            quantity: product.quantity,
            revenue: formatMoney(product.revenue),
          })),
        },
      };
    },
  },
} satisfies Partial<OperationTable>;
