// GET /api/orders/my/ — the user's orders, newest first, each with its items and its own copy of
// the shipping address. A page costs three queries (its orders, their count, all their items),
// never one per order.
import type { Operation } from '../services.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import { Order } from './order.model.js';

export const listMyOrders: Operation<'listMyOrders'> = {
  async handle({ query, user, services, request }) {
    const page = pageOf(query);
    const { rows, total } = await Order.pageOfUser(services.db, user.id, page);
    return { status: 200, body: await Order.responsesOf(services.db, rows), headers: pagingHeaders(request.url, page, total) };
  },
};
