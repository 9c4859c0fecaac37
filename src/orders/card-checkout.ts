// The card half of checkout, after the order is placed (and its transaction committed, so no
// locks are held across the network call): ask Stripe for a Checkout Session and store it on the
// order. If Stripe fails, the order is marked failed, its stock and the cart are given back, and
// the answer is 502; if staff cancelled the order meanwhile, the new session is expired again.
import type { SessionUser } from '../services.js';
import { restoreCart, type CartLine } from '../cart/checkout-cart.js';
import { conflict } from '../http/errors.js';
import type { Reply } from '../http/operation.js';
import type { Logger } from '../log.js';
import { paymentProviderFailed } from '../payments/provider-error.js';
import type { StripeGateway } from '../payments/stripe-gateway.js';
import type { Services } from '../services.js';
import { recordIdempotentResponse, releaseIdempotencyKey } from './idempotency.js';
import type { PricedLine } from './order-lines.js';
import type { OrderRow } from './order.model.js';
import { releaseOrder } from './order-status.js';

export type CreateOrderReply = Reply<'createOrder'>;

/** An order the checkout transaction has committed, with what the card half needs to finish or undo it. */
export interface PlacedOrder {
  kind: 'placed';
  order: OrderRow;
  lines: PricedLine[];
  cartBefore: CartLine[];
  claimId: number | undefined;
}

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
      await releaseOrder(trx, order.id, 'failed');
      if (placed.claimId !== undefined) await releaseIdempotencyKey(trx, placed.claimId);
    });
    throw paymentProviderFailed();
  }
  const body = { checkout_url: session.url!, order_id: order.id };
  const stillPending = await services.db.transaction(async (trx) => {
    const stored = await trx('orders')
      .where({ id: order.id, status: 'pending' })
      .update({ stripe_session_id: session.id, updated_at: trx.fn.now() })
      .returning('id');
    if (placed.claimId !== undefined) {
      if (stored.length) await recordIdempotentResponse(trx, placed.claimId, order.id, { status: 200, body });
      else await releaseIdempotencyKey(trx, placed.claimId);
    }
    return stored.length > 0;
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
