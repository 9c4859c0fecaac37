// The card payment of an order at Stripe: opening its Checkout Session once the order is placed,
// and closing it before staff cancel the order.
import { restoreCart, type CartLine } from '../cart/checkout-cart.js';
import { badGateway, conflict, serviceUnavailable } from '../http/errors.js';
import type { Reply } from '../http/operation.js';
import type { Logger } from '../log.js';
import { PaymentProviderError, type StripeGateway } from '../payments/stripe-gateway.js';
import type { Services, SessionUser } from '../services.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import type { SoldLine } from './order-item.model.js';
import { Order, type OrderRow } from './order.model.js';
import { applyCheckoutSession } from './payment-transitions.js';

export type CreateOrderReply = Reply<'createOrder'>;

/** What the shopper or staff member is told whenever Stripe could not be used (details go to the log). */
export const paymentProviderFailed = () => badGateway('Payment provider error. Please try again.');

/** An order the checkout transaction has committed, with what the card payment needs to finish or undo it. */
export interface PlacedOrder {
  kind: 'placed';
  order: OrderRow;
  lines: SoldLine[];
  cartBefore: CartLine[];
  claimId: number | undefined;
}

/**
 * Asks Stripe for the order's Checkout Session and stores it on the order. Runs after the order's
 * transaction has committed, so no locks are held across the network call. If Stripe fails, the
 * order is marked failed, its stock and the cart are given back, and the answer is 502; if staff
 * cancelled the order meanwhile, the new session is expired again.
 */
export async function startCardCheckout(
  services: Services,
  stripe: StripeGateway,
  user: SessionUser,
  placed: PlacedOrder,
  log: Logger,
): Promise<CreateOrderReply> {
  const { order, lines } = placed;
  let session;
  try {
    session = await stripe.createCheckoutSession({
      orderId: order.id,
      currency: order.currency,
      customerEmail: user.email,
      lines: lines.map((line) => ({ name: line.name, unitAmount: line.unitAmount, quantity: line.quantity, image: line.image })),
      expiresAt: order.stripe_expires_at!,
    });
  } catch (error) {
    log.error({ err: error, orderId: order.id }, 'Stripe Checkout Session could not be created; order failed');
    await services.db.transaction(async (trx) => {
      // Cart rows before product rows, in the same order as checkout takes them.
      await restoreCart(trx, user.id, placed.cartBefore);
      await Order.release(trx, order.id, 'failed');
      if (placed.claimId !== undefined) await IdempotencyKey.release(trx, placed.claimId);
    });
    throw paymentProviderFailed();
  }
  const body = { checkout_url: session.url!, order_id: order.id, payment_method: 'stripe' as const };
  const stillPending = await services.db.transaction(async (trx) => {
    const stored = await Order.storeCheckoutSession(trx, order.id, session.id);
    if (placed.claimId !== undefined) {
      if (stored) await IdempotencyKey.recordResponse(trx, placed.claimId, order.id, { status: 200, body });
      else await IdempotencyKey.release(trx, placed.claimId);
    }
    return stored;
  });
  if (!stillPending) {
    // Staff cancelled the order while Stripe was answering: its stock is already back on sale,
    // so the session must not take a payment.
    await stripe.expireCheckoutSession(session.id).catch((error: unknown) => {
      log.error({ err: error, orderId: order.id, sessionId: session.id }, 'could not expire the session of a cancelled order');
    });
    throw conflict('This order was cancelled before the payment could start.');
  }
  return { status: 200, body };
}

/**
 * Makes a pending card order's Checkout Session unpayable before staff cancel the order, so the
 * customer cannot pay for an order that no longer holds its stock. Refuses (409) when the
 * customer has already paid, recording the payment.
 */
export async function closeCardCheckout(services: Services, order: OrderRow, log: Logger): Promise<void> {
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
