// What Stripe tells us about a Checkout Session (webhook, verify-payment, the expiry sweeper, a
// staff cancellation that finds the session already paid) applied to the order that owns it,
// through the order's conditional status changes (Order.moveStatus, Order.release).
import type { Knex } from 'knex';
import type { Logger } from '../log.js';
import { toMinorUnits } from '../money.js';
import type { CheckoutSessionView } from '../payments/stripe-gateway.js';
import { Order } from './order.model.js';

/** What Stripe told us about a Checkout Session. */
export type SessionHappening = 'completed' | 'async_payment_succeeded' | 'async_payment_failed' | 'expired';

/** What a session read from Stripe says has happened: undefined while it is still open. */
export function happeningOf(session: CheckoutSessionView): SessionHappening | undefined {
  if (session.status === 'complete') return 'completed';
  if (session.status === 'expired') return 'expired';
  return undefined;
}

type SessionOutcome =
  'paid' | 'failed' | 'cancelled' | 'unchanged' | 'awaiting_payment' | 'unknown_session' | 'session_mismatch' | 'amount_mismatch';

export interface SessionResult {
  orderId: number | null;
  outcome: SessionOutcome;
}

/**
 * Applies what happened to a Checkout Session to the order that owns it. The session must be the
 * one stored on the order (and name it in its metadata); a payment counts only when Stripe says
 * `paid` and the amount and currency are exactly what the order costs.
 */
export async function applyCheckoutSession(
  trx: Knex.Transaction,
  session: CheckoutSessionView,
  happened: SessionHappening,
  log: Logger,
): Promise<SessionResult> {
  const order = await Order.findBy(trx, { stripe_session_id: session.id });
  if (!order) {
    log.warn({ sessionId: session.id, happened }, 'Stripe session belongs to no order');
    return { orderId: null, outcome: 'unknown_session' };
  }
  if (session.orderId !== null && session.orderId !== order.id) {
    log.error(
      { sessionId: session.id, orderId: order.id, metadataOrderId: session.orderId },
      'Stripe session metadata names another order',
    );
    return { orderId: order.id, outcome: 'session_mismatch' };
  }

  switch (happened) {
    case 'completed':
    case 'async_payment_succeeded': {
      if (session.paymentStatus !== 'paid') return { orderId: order.id, outcome: 'awaiting_payment' };
      const expected = toMinorUnits(order.total_amount);
      if (session.amountTotal !== expected || session.currency?.toLowerCase() !== order.currency) {
        log.error(
          {
            orderId: order.id,
            sessionId: session.id,
            amountTotal: session.amountTotal,
            currency: session.currency,
            expected,
            expectedCurrency: order.currency,
          },
          'Stripe payment amount does not match the order; not marking it paid',
        );
        return { orderId: order.id, outcome: 'amount_mismatch' };
      }
      if (await Order.moveStatus(trx, order.id, ['pending'], 'paid')) {
        if (session.paymentIntentId) await Order.recordPaymentIntent(trx, order.id, session.paymentIntentId);
        return { orderId: order.id, outcome: 'paid' };
      }
      if (order.status === 'cancelled' || order.status === 'failed') {
        // Cannot happen with Stripe's guarantees (an expired session takes no payment); if it does,
        // the stock is already back on sale and a person must refund or re-reserve.
        log.error(
          { orderId: order.id, status: order.status, sessionId: session.id },
          'payment received for an order that is no longer pending',
        );
      }
      return { orderId: order.id, outcome: 'unchanged' };
    }
    case 'async_payment_failed':
      return { orderId: order.id, outcome: (await Order.release(trx, order.id, 'failed')) ? 'failed' : 'unchanged' };
    case 'expired':
      return { orderId: order.id, outcome: (await Order.release(trx, order.id, 'cancelled')) ? 'cancelled' : 'unchanged' };
  }
}
