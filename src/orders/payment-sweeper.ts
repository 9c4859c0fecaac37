// Gives back the stock of abandoned card checkouts when Stripe's `checkout.session.expired`
// webhook never arrives (webhook not configured, endpoint down for longer than Stripe retries).
// A pending card order whose session has passed its expiry is looked up at Stripe and settled
// with the webhook's transition code: expired → cancelled (stock back), paid → paid. An order
// whose session was never stored (the process died while calling Stripe) is failed after a while,
// and its Idempotency-Key freed.
// It also completes refunds whose request never got Stripe's answer (order-refunds.ts), and
// forgets Idempotency-Keys older than a day and Stripe event ids older than 30 days.
import { PaymentProviderError } from '../payments/stripe-gateway.js';
import type { Services } from '../services.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import { settleUnansweredRefunds } from './order-refunds.js';
import { Order } from './order.model.js';
import { applyCheckoutSession, happeningOf } from './payment-transitions.js';
import { StripeEvent } from './stripe-event.model.js';

/** Stripe may take a little while to flip a session to expired; don't race it. */
const EXPIRY_GRACE_SECONDS = 120;
/** A session is created within seconds of the order; one still missing after this never will be. */
const MISSING_SESSION_SECONDS = 600;
const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;
/** Stripe retries a webhook for up to three days; an event id older than this cannot come back. */
const STRIPE_EVENT_TTL_SECONDS = 30 * 24 * 3600;
const BATCH = 100;

export interface SweepResult {
  cancelled: number;
  paid: number;
  failed: number;
  /** Refunds whose lost answer was asked for again and applied. */
  refunds: number;
}

export async function sweepAbandonedCheckouts(services: Services, now: Date = new Date()): Promise<SweepResult> {
  const { db, log } = services;
  const result: SweepResult = { cancelled: 0, paid: 0, failed: 0, refunds: 0 };
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  const stranded = await Order.withoutCheckoutSession(db, before(MISSING_SESSION_SECONDS), BATCH);
  for (const order of stranded) {
    const failed = await db.transaction(async (trx) => {
      if (!(await Order.release(trx, order.id, 'failed'))) return false;
      // Its request never answered, so its Idempotency-Key still says "in progress": free it, so
      // the shopper's retry places a new order. (The cart it took is not put back: whether the
      // lines came from the server-side cart or from the request was not recorded.)
      await IdempotencyKey.releaseUnansweredOf(trx, order.id);
      return true;
    });
    if (failed) result.failed += 1;
  }

  if (services.stripe) {
    const expired = await Order.pastCheckoutExpiry(db, before(EXPIRY_GRACE_SECONDS), BATCH);
    for (const order of expired) {
      let session;
      try {
        session = await services.stripe.retrieveCheckoutSession(order.stripe_session_id);
      } catch (error) {
        if (!(error instanceof PaymentProviderError)) throw error;
        log.warn({ err: error, orderId: order.id }, 'sweeper could not reach Stripe; will retry');
        continue;
      }
      const happened = happeningOf(session);
      if (!happened) continue;
      const settled = await db.transaction((trx) => applyCheckoutSession(trx, session, happened, log));
      if (settled.outcome === 'cancelled') result.cancelled += 1;
      if (settled.outcome === 'paid') result.paid += 1;
    }
  }

  result.refunds = await settleUnansweredRefunds(services, now);

  await IdempotencyKey.forgetCreatedBefore(db, before(IDEMPOTENCY_KEY_TTL_SECONDS));
  await StripeEvent.forgetProcessedBefore(db, before(STRIPE_EVENT_TTL_SECONDS));
  if (result.cancelled || result.paid || result.failed || result.refunds) log.info(result, 'abandoned checkouts and refunds settled');
  return result;
}
