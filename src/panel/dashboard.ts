// The staff dashboard: the shop's totals on the original's keys, plus orders by status and revenue
// for today and the last 7 and 30 days. Each figure is one aggregate statement (see
// order-figures.ts); they run side by side.
import { User } from '../accounts/user.model.js';
import { Product } from '../catalogue/product.model.js';
import { formatMoney } from '../money.js';
import { OrderFigures } from '../orders/order-figures.js';
import type { OperationTable } from '../services.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SHOWN = 5;

/** The start of the current UTC day. */
export const startOfUtcDay = (now: Date) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);

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
      const [totals, byStatus, recent, categories, lowStock, users] = await Promise.all([
        OrderFigures.totals(db, since),
        OrderFigures.countsBy(db, 'status'),
        OrderFigures.recent(db, SHOWN),
        Product.countByCategory(db),
        Product.lowestStock(db, SHOWN),
        User.countOpen(db),
      ]);
      return {
        status: 200,
        body: {
          total_users: users,
          total_products: categories.reduce((sum, category) => sum + category.count, 0),
          total_orders: totals.orders,
          total_revenue: formatMoney(totals.revenue),
          recent_orders: recent.map((order) => ({
            id: order.id,
            user: order.user_id,
            total_amount: formatMoney(order.total_amount),
            payment_method: order.payment_method,
            order_status: order.status,
            created_at: new Date(order.created_at).toISOString(),
          })),
          category_data: categories,
          low_stock_products: lowStock.map((product) => ({ ...product, price: formatMoney(product.price) })),
          orders_by_status: byStatus,
          revenue: {
            today: formatMoney(totals.revenueToday),
            last_7_days: formatMoney(totals.revenue7Days),
            last_30_days: formatMoney(totals.revenue30Days),
          },
        },
      };
    },
  },
} satisfies Partial<OperationTable>;
