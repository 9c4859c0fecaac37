// The staff dashboard: the shop's totals on the original's keys, plus orders by status and revenue
// for today and the last 7 and 30 days. Each figure is one aggregate statement (see
// order-figures.ts); they run side by side.
import { User } from '../accounts/user.model.js';
import { Product } from '../catalogue/product.model.js';
import { formatMoney } from '../money.js';
import { OrderFigures } from '../orders/order-figures.js';
import { fulfilmentStatusOf, type OrderStatus } from '../orders/order.model.js';
import type { OperationTable } from '../services.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SHOWN = 5;

/** The start of the current UTC day. */
export const startOfUtcDay = (now: Date) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);

/**
 * Orders per `order_status` (what the storefront shows: a paid card order not yet shipped is
 * processing), from the figures per stored status, by name.
 */
export function byOrderStatus(rows: Array<{ status: string | null; orders: number }>): Array<{ name: string; count: number }> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (row.status === null) continue;
    const name = fulfilmentStatusOf(row.status as OrderStatus);
    counts.set(name, (counts.get(name) ?? 0) + row.orders);
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
}

export const dashboardOperations = {
  getPanelDashboard: {
    staffOnly: true,
    async handle({ services }) {
      const { db } = services;
      const now = new Date();
      const since = {
        today: startOfUtcDay(now),
        days7: new Date(now.getTime() - 7 * DAY_MS),
        days30: new Date(now.getTime() - 30 * DAY_MS),
      };
      const [byStatus, revenue, recent, categories, lowStock, users] = await Promise.all([
        OrderFigures.byStatus(db),
        OrderFigures.recentRevenue(db, since),
        OrderFigures.recent(db, SHOWN),
        Product.countByCategory(db),
        Product.lowestStock(db, SHOWN),
        User.countOpen(db),
      ]);
      const all = byStatus.find((row) => row.status === null);
      return {
        status: 200,
        body: {
          total_users: users,
          total_products: categories.reduce((sum, category) => sum + category.count, 0),
          total_orders: all?.orders ?? 0,
          total_revenue: formatMoney(all?.revenue ?? '0'),
          recent_orders: recent.map((order) => ({
            id: order.id,
            user: order.user_id,
            total_amount: formatMoney(order.total_amount),
            payment_method: order.payment_method,
            order_status: fulfilmentStatusOf(order.status),
            payment_status: order.payment_status,
            created_at: new Date(order.created_at).toISOString(),
          })),
          category_data: categories,
          low_stock_products: lowStock.map((product) => ({ ...product, price: formatMoney(product.price) })),
          orders_by_status: byOrderStatus(byStatus),
          revenue: {
            today: formatMoney(revenue.today),
            last_7_days: formatMoney(revenue.days7),
            last_30_days: formatMoney(revenue.days30),
          },
        },
      };
    },
  },
} satisfies Partial<OperationTable>;
