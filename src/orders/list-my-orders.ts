// GET /api/orders/my/ — the user's orders, newest first, each with its items and its own copy of
// the shipping address. A page costs three queries (its orders, their count, all their items),
// never one per order.
import type { Operation } from '../services.js';
import { newestFirstPage, pageOf, pagingHeaders } from '../http/paging.js';
import { ORDER_COLUMNS, withItems, type OrderRow } from './order.model.js';

export const listMyOrders: Operation<'listMyOrders'> = {
  async handle({ query, user, services, request }) {
    const page = pageOf(query);
    const { rows, total } = await newestFirstPage<OrderRow>(() => services.db('orders').where({ user_id: user.id }), ORDER_COLUMNS, page);
    return { status: 200, body: await withItems(services.db, rows), headers: pagingHeaders(request.url, page, total) };
  },
};
