// GET /api/orders/my/ — the user's orders, newest first, each with its items and its own copy of
// the shipping address. Two queries per page (orders, then all their items), never one per order.
import { operation } from '../http/operation.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import { ORDER_COLUMNS, withItems, type OrderRow } from './order.model.js';

export const listMyOrders = operation<'listMyOrders'>({
  async handle({ query, user, services, ctx }) {
    const page = pageOf(query);
    const mine = () => services.db('orders').where({ user_id: user.id });
    const [orders, [{ total }]] = await Promise.all([
      mine()
        .select(ORDER_COLUMNS)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(page.limit)
        .offset(page.offset) as Promise<OrderRow[]>,
      mine().count({ total: '*' }) as unknown as Promise<[{ total: string | number }]>,
    ]);
    return {
      status: 200,
      body: await withItems(services.db, orders),
      headers: pagingHeaders(ctx, page, Number(total)),
    };
  },
});
