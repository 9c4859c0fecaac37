// PATCH /api/orders/{id}/status/ (staff) — the fulfilment workflow:
//   processing | paid → shipped → delivered;  pending | processing → cancelled (stock given back).
// A paid order is not cancelled here: that needs a refund, which this backend does not issue.
// Cancelling a card order that is still pending first expires its Stripe Checkout Session, so the
// customer cannot pay for an order that no longer holds its stock.
import { conflict, notFound, serviceUnavailable } from '../http/errors.js';
import type { Operation } from '../services.js';
import type { Logger } from '../log.js';
import { paymentProviderFailed } from '../payments/provider-error.js';
import { PaymentProviderError } from '../payments/stripe-gateway.js';
import { applyCheckoutSession } from './payment-transitions.js';
import type { Services } from '../services.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import { Order, type OrderRow, type OrderStatus } from './order.model.js';

type Target = 'shipped' | 'delivered' | 'cancelled';

const ALLOWED_FROM: Record<Target, readonly OrderStatus[]> = {
  shipped: ['processing', 'paid'],
  delivered: ['shipped'],
  cancelled: ['pending', 'processing'],
};

const refused = (from: OrderStatus, to: Target) => conflict(`Cannot change status from ${from} to ${to}.`);

/** Makes a pending card order's Checkout Session unpayable before the order is cancelled. */
async function closeCheckout(services: Services, order: OrderRow, log: Logger): Promise<void> {
  if (!order.stripe_session_id) return;
  const stripe = services.stripe;
  if (!stripe) throw serviceUnavailable('Stripe is not configured; a pending card order cannot be cancelled safely.');
  try {
    await stripe.expireCheckoutSession(order.stripe_session_id);
    return;
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    log.warn({ err: error, orderId: order.id }, 'could not expire the Checkout Session');
  }
  // Stripe refuses to expire a session that is no longer open: find out what happened to it.
  let session;
  try {
    session = await stripe.retrieveCheckoutSession(order.stripe_session_id);
  } catch {
    throw paymentProviderFailed();
  }
  if (session.status === 'complete') {
    await services.db.transaction((trx) => applyCheckoutSession(trx, session, 'completed', log));
    throw conflict('The customer has already completed the payment; the order cannot be cancelled here.');
  }
  if (session.status !== 'expired') throw paymentProviderFailed();
}

export const updateOrderStatus: Operation<'updateOrderStatus'> = {
  staffOnly: true,
  async handle({ params, body, services, log }) {
    const target = body.status;
    const order = await Order.findBy(services.db, { id: params.id });
    if (!order) throw notFound('Order not found.');
    if (!ALLOWED_FROM[target].includes(order.status)) throw refused(order.status, target);

    if (target === 'cancelled' && order.status === 'pending' && order.payment_method === 'stripe') {
      await closeCheckout(services, order, log);
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
      return now;
    });
    const [response] = await Order.responsesOf(services.db, [updated]);
    return { status: 200, body: response! };
  },
};
