// The orders resource: the user's order history, and the staff's fulfilment workflow
//   processing | paid → shipped → delivered;  pending | processing → cancelled (stock given back).
// A paid order is not cancelled here: that needs a refund, which this backend does not issue.
import { record } from '../audit/audit.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import { conflict, notFound } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import { Order, type OrderStatus } from './order.model.js';
import { closeCardCheckout } from './payment-checkout.js';

type Target = 'shipped' | 'delivered' | 'cancelled';

const ALLOWED_FROM: Record<Target, readonly OrderStatus[]> = {
  shipped: ['processing', 'paid'],
  delivered: ['shipped'],
  cancelled: ['pending', 'processing'],
};

const refused = (from: OrderStatus, to: Target) => conflict(`Cannot change status from ${from} to ${to}.`);

export const orderResourceOperations = {
  /**
   * The user's orders, newest first, each with its items and its own copy of the shipping address.
   * A page costs three queries (its orders, their count, all their items), never one per order.
   */
  listMyOrders: {
    async handle({ query, user, services, request }) {
      const page = pageOf(query);
      const { rows, total } = await Order.pageOfUser(services.db, user.id, page);
      return { status: 200, body: await Order.responsesOf(services.db, rows), headers: pagingHeaders(request.url, page, total) };
    },
  },

  updateOrderStatus: {
    staffOnly: true,
    async handle({ params, body, services, log, user }) {
      const target = body.status;
      const order = await Order.findBy(services.db, { id: params.id });
      if (!order) throw notFound('Order not found.');
      if (!ALLOWED_FROM[target].includes(order.status)) throw refused(order.status, target);

      if (target === 'cancelled' && order.status === 'pending' && order.payment_method === 'stripe') {
        await closeCardCheckout(services, order, log);
      }
      const updated = await services.db.transaction(async (trx) => {
        const changed =
          target === 'cancelled'
            ? await Order.release(trx, order.id, 'cancelled', ALLOWED_FROM.cancelled)
            : await Order.moveStatus(trx, order.id, ALLOWED_FROM[target], target);
        // A card order cancelled before its checkout request answered (that process may have died)
        // must not leave its Idempotency-Key saying "in progress" for a day.
        if (changed && target === 'cancelled') await IdempotencyKey.releaseUnansweredOf(trx, order.id);
        const now = (await Order.findBy(trx, { id: order.id }))!;
        // Someone else (a webhook, another staff member) moved the order in the meantime.
        if (!changed) throw refused(now.status, target);
        // The conditional UPDATE moved it from one of the allowed statuses: the one read above,
        // unless another allowed move (a webhook paying it) happened in between.
        const entry = { actorId: user.id, action: 'order.status', target: { type: 'order', id: order.id } };
        await record(trx, { ...entry, before: { status: order.status }, after: { status: now.status } });
        return now;
      });
      const [response] = await Order.responsesOf(services.db, [updated]);
      return { status: 200, body: response! };
    },
  },
} satisfies Partial<OperationTable>;
