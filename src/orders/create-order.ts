// POST /api/orders/create/ — places an order. Everything that must be all-or-nothing (claiming
// the Idempotency-Key, taking the cart, pricing from the database, taking stock, saving the
// address and the order) happens in one transaction. A card payment then asks Stripe for a
// Checkout Session outside that transaction (payment-checkout.ts).
import type { Knex } from 'knex';
import { takeCart } from '../cart/checkout-cart.js';
import type { Config } from '../config.js';
import { PG, pgErrorCode } from '../db.js';
import { fieldError, HttpError, serviceUnavailable } from '../http/errors.js';
import type { JsonBody } from '../http/operation.js';
import { formatMinorUnits } from '../money.js';
import type { OperationTable, SessionUser } from '../services.js';
import { enforceCheckoutLimits } from './checkout-limits.js';
import { claimIdempotencyKey } from './idempotency.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import { notifyCustomer } from './order-mail.js';
import { Order } from './order.model.js';
import { reserveLines, totalOf, wantedFromCart, wantedFromRequest } from './order-lines.js';
import { startCardCheckout, type CreateOrderReply, type PlacedOrder } from './payment-checkout.js';
import { shippingAddress } from './shipping-address.js';

/** Stripe wants expires_at at least 30 minutes ahead when the session is created; allow for latency. */
function checkoutExpiry(minutes: number): Date {
  const seconds = Math.min(minutes * 60 + 60, 24 * 3600 - 60);
  return new Date(Date.now() + seconds * 1000);
}

type CreateOrderBody = JsonBody<'createOrder'>;
type Replay = { kind: 'replay'; response: CreateOrderReply };

/** The all-or-nothing part of checkout, in one transaction. */
async function placeOrder(
  trx: Knex.Transaction,
  config: Config,
  user: SessionUser,
  body: CreateOrderBody,
  idempotencyKey: string | undefined,
): Promise<PlacedOrder | Replay> {
  const claim = idempotencyKey ? await claimIdempotencyKey(trx, user.id, idempotencyKey, body) : undefined;
  if (claim?.kind === 'replay') return { kind: 'replay', response: claim.response as CreateOrderReply };

  const address = await shippingAddress(trx, user.id, body);
  const cartBefore = await takeCart(trx, user.id);
  // Product rows stay locked from here to commit: keep the rest of the transaction short.
  const wanted = body.cart ? wantedFromRequest(body.cart) : wantedFromCart(cartBefore);
  await enforceCheckoutLimits(trx, config.checkoutLimits, user, body.payment_method, wanted);
  const lines = await reserveLines(trx, wanted);
  const byCard = body.payment_method === 'stripe';
  const order = await Order.place(
    trx,
    {
      user_id: user.id,
      status: byCard ? 'pending' : 'processing',
      payment_method: body.payment_method,
      total_amount: formatMinorUnits(totalOf(lines)),
      currency: config.currency,
      ...address,
      stripe_expires_at: byCard ? checkoutExpiry(config.stripe.checkoutExpiryMinutes) : null,
    },
    lines,
  );
  if (claim) {
    if (byCard) await IdempotencyKey.linkToOrder(trx, claim.id, order.id);
    // A card order's answer (the checkout URL) is recorded once Stripe has given it.
    else await IdempotencyKey.recordResponse(trx, claim.id, order.id, { status: 200, body: codAnswer(order.id) });
  }
  return { kind: 'placed', order, lines, cartBefore, claimId: claim?.id };
}

export const createOrderOperations = {
  createOrder: {
    async handle({ body, headers, user, services, log }) {
      const { config, db } = services;
      if (config.requireEmailVerification && !user.email_verified) {
        throw new HttpError(400, 'email_not_verified', 'Please verify your email address before placing an order.');
      }
      if (body.address !== undefined && body.address_id !== undefined) {
        throw fieldError('address_id', 'Give either address or address_id, not both.', {
          summary: 'Give either address or address_id, not both.',
        });
      }
      if (body.address === undefined && body.address_id === undefined) {
        throw fieldError('address', 'This field is required.', { summary: 'A shipping address is required.' });
      }
      const stripe = services.stripe;
      if (body.payment_method === 'stripe' && !stripe) {
        throw serviceUnavailable('Card payments are not available right now. Please choose cash on delivery.');
      }
      const idempotencyKey = headers['Idempotency-Key'];

      const result = await retryOnDeadlock(() => db.transaction((trx) => placeOrder(trx, config, user, body, idempotencyKey)));
      if (result.kind === 'replay') return result.response;
      if (result.order.payment_method === 'cod') {
        notifyCustomer(services, result.order.id, 'placed', log);
        return { status: 200, body: codAnswer(result.order.id) };
      }
      return startCardCheckout(services, stripe!, user, result, log);
    },
  },
} satisfies Partial<OperationTable>;

/**
 * PostgreSQL aborts one of two transactions that wait on each other (say, a checkout and the same
 * user's "add to cart" touching cart and product rows in the other order). Nothing of the aborted
 * attempt remains, so it is simply run again.
 */
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = pgErrorCode(error);
      if (attempt >= attempts || (code !== PG.deadlockDetected && code !== PG.serializationFailure)) throw error;
    }
  }
}

function codAnswer(orderId: number) {
  return { message: 'COD order placed', order_id: orderId, payment_method: 'cod' as const, status: 'processing' as const };
}
