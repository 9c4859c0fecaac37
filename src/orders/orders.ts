// The orders resource: the user's order history and one order, the staff's list of all orders and
// their fulfilment workflow
//   processing | paid → shipped → delivered;  pending | processing → cancelled (stock given back);
//   a cash order's payment: unpaid → paid (staff record the cash);
// and the customer's own cancellation while the order is still processing (a paid card order is
// refunded in full through Stripe: order-refunds.ts).
import { record } from '../audit/audit.js';
import { conflict, fieldError, notFound } from '../http/errors.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import type { Logger } from '../log.js';
import type { OperationTable, Services } from '../services.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import { notifyCustomer } from './order-mail.js';
import { refundOrder, refundSummary } from './order-refunds.js';
import { fulfilmentStatusOf, Order, type OrderFilters, type OrderRow, type OrderStatus } from './order.model.js';
import { closeCardCheckout } from './payment-checkout.js';

type Target = 'shipped' | 'delivered' | 'cancelled';

const ALLOWED_FROM: Record<Target, readonly OrderStatus[]> = {
  shipped: ['processing', 'paid'],
  delivered: ['shipped'],
  cancelled: ['pending', 'processing'],
};

const ORDER_STATUS_CHOICES = ['processing', 'shipped', 'delivered', 'cancelled'] as const;
const PAYMENT_STATUS_CHOICES = ['unpaid', 'paid'] as const;

const refused = (from: OrderStatus, to: string) => conflict(`Cannot change status from ${from} to ${to}.`);

async function responseOf(services: Services, order: OrderRow) {
  const [response] = await Order.responsesOf(services.db, [order]);
  return response!;
}

/** A day (YYYY-MM-DD, UTC) as the moment it starts, or the moment the next day starts. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00.000Z`);
const startOfNextDay = (day: string) => new Date(startOfDay(day).getTime() + 24 * 3600 * 1000);

/** `41` or `#41` is an order id (and may also be part of an email); anything else only an email. */
function searchOf(text: string | undefined): OrderFilters['search'] {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const id = /^#?(\d{1,10})$/.exec(trimmed);
  const orderId = id ? Number(id[1]) : undefined;
  return { orderId: orderId !== undefined && orderId <= 2147483647 ? orderId : undefined, email: trimmed.toLowerCase() };
}

/** `order_status`/`payment_status` are compared lower-cased, as the later original did. */
function choice<T extends string>(field: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const lowered = value.trim().toLowerCase();
  if (!(choices as readonly string[]).includes(lowered)) {
    throw fieldError(field, `"${value}" is not a valid choice; use one of ${choices.join(', ')}.`);
  }
  return lowered as T;
}

/** Mails the customer about a change, after the change has committed; never waits for the mail. */
function mailAbout(services: Services, order: OrderRow, log: Logger, target: Target | undefined): void {
  if (target) notifyCustomer(services, order.id, target, log);
}

export const orderResourceOperations = {
  /**
   * The user's orders, newest first, each with its items and its own copy of the shipping address.
   * A page costs a fixed number of queries (its orders, their count, their items, products and
   * refunds), never one per order.
   */
  listMyOrders: {
    async handle({ query, user, services, request }) {
      const page = pageOf(query);
      const { rows, total } = await Order.pageOfUser(services.db, user.id, page);
      return { status: 200, body: await Order.responsesOf(services.db, rows), headers: pagingHeaders(request.url, page, total) };
    },
  },

  listAllOrders: {
    staffOnly: true,
    async handle({ query, services, request }) {
      if (query.start_date && query.end_date && query.start_date > query.end_date) {
        throw fieldError('end_date', 'end_date must not be before start_date.');
      }
      const page = pageOf(query);
      const { rows, total } = await Order.pageOfAll(
        services.db,
        {
          status: query.status,
          orderStatus: query.order_status,
          paymentStatus: query.payment_status,
          paymentMethod: query.payment_method,
          userId: query.user,
          from: query.start_date ? startOfDay(query.start_date) : undefined,
          before: query.end_date ? startOfNextDay(query.end_date) : undefined,
          search: searchOf(query.search),
        },
        page,
      );
      return { status: 200, body: await Order.responsesOf(services.db, rows), headers: pagingHeaders(request.url, page, total) };
    },
  },

  getOrder: {
    async handle({ params, user, services }) {
      // The owner check is part of the lookup: another user's order is "not found", like a missing one.
      const order = await Order.findBy(services.db, user.is_staff ? { id: params.id } : { id: params.id, user_id: user.id });
      if (!order) throw notFound('Order not found.');
      return { status: 200, body: await responseOf(services, order) };
    },
  },

  updateOrderStatus: {
    staffOnly: true,
    async handle({ params, body, services, log, user }) {
      const named = choice('order_status', body.order_status, ORDER_STATUS_CHOICES);
      const payment = choice('payment_status', body.payment_status, PAYMENT_STATUS_CHOICES);
      if (body.status !== undefined && named !== undefined && body.status !== named) {
        throw fieldError('order_status', 'Give status or order_status, or both with the same value.');
      }
      const target = body.status ?? named;

      const order = await Order.findBy(services.db, { id: params.id });
      if (!order) throw notFound('Order not found.');

      // A value naming the current state changes nothing; a request that changes nothing is refused.
      const move = target !== undefined && target !== fulfilmentStatusOf(order.status) ? target : undefined;
      const pay = payment !== undefined && payment !== order.payment_status ? payment : undefined;
      if (move === 'processing') throw refused(order.status, 'processing');
      if (pay === 'unpaid') throw conflict('A payment cannot be undone here; refund it instead.');
      if (pay === 'paid' && order.payment_method !== 'cod') {
        throw conflict("A card order's payment is recorded by Stripe, not by staff.");
      }
      if (move === undefined && pay === undefined) {
        if (target !== undefined) throw refused(order.status, target);
        throw conflict(`The order's payment status is already ${order.payment_status}.`);
      }
      if (move && !ALLOWED_FROM[move].includes(order.status)) throw refused(order.status, move);
      if (move === 'cancelled' && (order.payment_status !== 'unpaid' || pay === 'paid')) {
        throw conflict('This order has been paid; refund it instead of cancelling it.');
      }

      if (move === 'cancelled' && order.status === 'pending' && order.payment_method === 'stripe') {
        await closeCardCheckout(services, order, log);
      }
      const updated = await services.db.transaction(async (trx) => {
        let changed = true;
        if (move === 'cancelled') {
          changed = await Order.release(trx, order.id, 'cancelled', ALLOWED_FROM.cancelled, ['unpaid']);
          // A card order cancelled before its checkout request answered (that process may have died)
          // must not leave its Idempotency-Key saying "in progress" for a day.
          if (changed) await IdempotencyKey.releaseUnansweredOf(trx, order.id);
        } else if (move) {
          changed = await Order.moveStatus(trx, order.id, ALLOWED_FROM[move], move);
        }
        // Both changes or neither: a failed payment change rolls the status change back.
        if (changed && pay === 'paid') changed = await Order.markCashPaid(trx, order.id);
        const now = (await Order.findBy(trx, { id: order.id }))!;
        // Someone else (a webhook, another staff member) moved the order in the meantime.
        if (!changed) throw refused(now.status, move ?? `payment ${pay}`);
        // The conditional UPDATEs moved it from the state read above (another allowed move in
        // between, such as a webhook paying it, is the only other way, and then "before" is stale
        // by that move only).
        const entry = { actorId: user.id, action: 'order.status', target: { type: 'order', id: order.id } };
        const state = (row: OrderRow) => ({ status: row.status, payment_status: row.payment_status });
        await record(trx, { ...entry, before: state(order), after: state(now) });
        return now;
      });
      mailAbout(services, updated, log, move);
      const response = await responseOf(services, updated);
      return { status: 200, body: { ...response, message: 'Order updated successfully', order: response } };
    },
  },

  cancelOrder: {
    async handle({ params, user, services, log }) {
      const order = await Order.findBy(services.db, { id: params.id, user_id: user.id });
      if (!order) throw notFound('Order not found.');
      if (fulfilmentStatusOf(order.status) !== 'processing') {
        throw conflict(`Only an order that is still processing can be cancelled; this one is ${fulfilmentStatusOf(order.status)}.`);
      }

      if (order.payment_method === 'stripe') {
        // Paid and not yet shipped: everything not yet refunded goes back to the card, which
        // cancels the order and gives its stock back (order-refunds.ts).
        const { refund } = await refundOrder(
          services,
          order,
          { reason: 'requested_by_customer', requestedBy: user.id, requireUnshipped: true, audit: 'order.cancel' },
          log,
        );
        const now = (await Order.findBy(services.db, { id: order.id }))!;
        return {
          status: 200,
          body: {
            message: 'Order cancelled successfully',
            order_id: order.id,
            refund_info: refundSummary(refund.amount, order.currency),
            order: await responseOf(services, now),
          },
        };
      }

      if (order.payment_status !== 'unpaid') {
        throw conflict('This order has already been paid; please contact the shop to cancel it.');
      }
      const cancelled = await services.db.transaction(async (trx) => {
        // Conditional: a concurrent cancel or shipment wins or loses as a whole; stock comes back once.
        const changed = await Order.release(trx, order.id, 'cancelled', ['processing'], ['unpaid']);
        const now = (await Order.findBy(trx, { id: order.id }))!;
        if (!changed)
          throw conflict(`Only an order that is still processing can be cancelled; this one is ${fulfilmentStatusOf(now.status)}.`);
        // A cancellation undoes a sale: the audit log keeps who did it, as for staff actions.
        const state = (row: OrderRow) => ({ status: row.status, payment_status: row.payment_status });
        await record(trx, {
          actorId: user.id,
          action: 'order.cancel',
          target: { type: 'order', id: order.id },
          before: state(order),
          after: state(now),
        });
        return now;
      });
      notifyCustomer(services, order.id, 'cancelled', log);
      return {
        status: 200,
        body: {
          message: 'Order cancelled successfully',
          order_id: order.id,
          refund_info: null,
          order: await responseOf(services, cancelled),
        },
      };
    },
  },
} satisfies Partial<OperationTable>;
