// Refunds of paid card orders through Stripe's Refunds API: the staff's refund (in full or by
// line), the customer's cancellation of a paid order (in full), and what Stripe's refund webhooks
// report later.
//
// A refund never gives back more than was paid, also when requests race: its amount is first
// reserved on the order with one conditional UPDATE (refunded_amount + amount <= total_amount,
// and a CHECK constraint behind it), and its lines likewise (refunded_quantity + n <= quantity),
// in one short transaction. Only then is Stripe asked, outside any transaction, with an
// Idempotency-Key derived from the refund's id. If Stripe refuses, the reservation is given back;
// if Stripe accepts, the payment status follows, refunded lines not yet shipped return to stock,
// and a fully refunded order that has not shipped is cancelled.
import type { Knex } from 'knex';
import { record } from '../audit/audit.js';
import { Product } from '../catalogue/product.model.js';
import { badGateway, conflict, fieldError, notFound, serviceUnavailable } from '../http/errors.js';
import type { Logger } from '../log.js';
import { formatMinorUnits, formatMoney, toMinorUnits } from '../money.js';
import { PaymentProviderError, type RefundedChargeView, type RefundView, type StripeGateway } from '../payments/stripe-gateway.js';
import type { OperationTable, Services } from '../services.js';
import { notifyCustomer } from './order-mail.js';
import { OrderItem, type OrderItemRow } from './order-item.model.js';
import { OrderRefund, type RefundedLine, type RefundReason, type RefundStatus, toRefundResponse } from './order-refund.model.js';
import { Order, type OrderRow, type OrderStatus } from './order.model.js';
import { paymentProviderFailed } from './payment-checkout.js';

interface RefundAsk {
  /** Lines and how many of each; all that is left when absent. */
  items?: Array<{ id: number; quantity?: number }>;
  reason: RefundReason | null;
  requestedBy: number;
  /** The customer's cancellation: only while the order has not shipped. */
  requireUnshipped?: boolean;
  /**
   * The audit-log entry recorded with the reservation: a staff member's refund, or the customer's
   * cancellation of a paid order (which is this refund).
   */
  audit?: 'order.refund' | 'order.cancel';
}

/** Statuses of a paid card order that can still be refunded (a cancelled one has been refunded in full). */
const REFUNDABLE: readonly OrderStatus[] = ['paid', 'shipped', 'delivered'];

/** What the customer is told about the money of a cancelled paid order. */
export function refundSummary(amount: string, currency: string): string {
  return `A refund of ${amount} ${currency.toUpperCase()} has been issued to your card; it usually arrives within 5–10 business days.`;
}

/** The lines and amount (minor units) a request asks to refund, from the order's lines as stored. */
function pricedRefund(order: OrderRow, lines: OrderItemRow[], ask: RefundAsk): { items: RefundedLine[]; amount: number } {
  const left = toMinorUnits(order.total_amount) - toMinorUnits(order.refunded_amount);
  if (!ask.items) {
    // Everything left: the lines not yet refunded, and the amount not yet refunded (which also
    // covers any part refunded outside this API by amount only).
    const items = lines
      .filter((line) => line.refunded_quantity < line.quantity)
      .map((line) => ({ item_id: line.id, quantity: line.quantity - line.refunded_quantity }));
    if (left <= 0) throw conflict('Everything paid for this order has already been refunded.');
    return { items, amount: left };
  }
  const byId = new Map(lines.map((line) => [line.id, line]));
  const wanted = new Map<number, number>();
  for (const item of ask.items) {
    const line = byId.get(item.id);
    if (!line) throw fieldError('items', `Line ${item.id} is not part of this order.`);
    const quantity = item.quantity ?? line.quantity - line.refunded_quantity;
    wanted.set(line.id, (wanted.get(line.id) ?? 0) + quantity);
  }
  let amount = 0;
  const items: RefundedLine[] = [];
  for (const [id, quantity] of wanted) {
    const line = byId.get(id)!;
    const available = line.quantity - line.refunded_quantity;
    if (quantity < 1 || quantity > available) {
      throw conflict(`Line ${id} (${line.product_name}) has ${available} left to refund.`);
    }
    amount += toMinorUnits(line.price) * quantity;
    items.push({ item_id: id, quantity });
  }
  if (amount > left) throw conflict(`Only ${formatMinorUnits(Math.max(left, 0))} of this order is left to refund.`);
  return { items, amount };
}

/** The PaymentIntent that paid the order: stored when it was paid, or read from its Checkout Session. */
async function paymentIntentOf(stripe: StripeGateway, order: OrderRow, log: Logger): Promise<string> {
  if (order.stripe_payment_intent_id) return order.stripe_payment_intent_id;
  try {
    const session = order.stripe_session_id ? await stripe.retrieveCheckoutSession(order.stripe_session_id) : undefined;
    if (session?.paymentIntentId) return session.paymentIntentId;
  } catch (error) {
    log.error({ err: error, orderId: order.id }, 'could not read the Checkout Session of the order to refund');
  }
  throw paymentProviderFailed();
}

/** Gives a reservation back: the refund did not happen. */
async function releaseReservation(trx: Knex.Transaction, refund: OrderRefund): Promise<void> {
  await Order.releaseRefund(trx, refund.order_id, toMinorUnits(refund.amount));
  await OrderItem.releaseRefund(trx, refund.order_id, refund.items);
}

/** Stripe's refund statuses as stored; `requires_action` is still pending from the shop's side. */
const storedStatus = (status: RefundView['status']): RefundStatus =>
  status === 'succeeded' || status === 'failed' || status === 'canceled' ? status : 'pending';

/**
 * Refunds (part of) a paid card order; see the top of this file. Answers the refund as stored.
 * Throws 409 when there is not that much left to refund (or the order is not a paid card order),
 * 502 when Stripe refuses or cannot be reached (nothing is refunded then), 503 without Stripe.
 */
export async function refundOrder(services: Services, order: OrderRow, ask: RefundAsk, log: Logger): Promise<{ refund: OrderRefund }> {
  if (order.payment_method !== 'stripe' || !['paid', 'partially_refunded'].includes(order.payment_status)) {
    throw conflict('Only a paid card order can be refunded.');
  }
  const stripe = services.stripe;
  if (!stripe) throw serviceUnavailable('Stripe is not configured; card payments cannot be refunded.');
  const statuses = ask.requireUnshipped ? (['paid'] as const) : REFUNDABLE;
  const { items, amount } = pricedRefund(order, await OrderItem.linesOf(services.db, order.id), ask);
  const paymentIntentId = await paymentIntentOf(stripe, order, log);

  const reserved = await services.db.transaction(async (trx) => {
    // The order row first, then its lines (the order in which every refund locks them).
    const fits = (await Order.reserveRefund(trx, order.id, amount, statuses)) && (await OrderItem.reserveRefund(trx, order.id, items));
    if (!fits) throw conflict('This order changed meanwhile (shipped, cancelled or refunded by someone else); reload it and try again.');
    const requested = await OrderRefund.request(trx, {
      orderId: order.id,
      amount,
      reason: ask.reason,
      items,
      requestedBy: ask.requestedBy,
    });
    if (ask.audit) {
      // The request, as reserved; Stripe's answer shows in the order's refunds.
      await record(trx, {
        actorId: ask.requestedBy,
        action: ask.audit,
        target: { type: 'order', id: order.id },
        before: { status: order.status, payment_status: order.payment_status, refunded_amount: formatMoney(order.refunded_amount) },
        after: { refund_id: requested.id, amount: formatMinorUnits(amount), items, reason: ask.reason },
      });
    }
    return requested;
  });

  const refund = await askStripe(services, stripe, order, reserved, paymentIntentId, log);
  if (refund.status === 'requested') {
    // No answer from Stripe: the refund may or may not have been made. It stays reserved, and the
    // sweeper asks again with the same Idempotency-Key (Stripe then answers what it did).
    throw badGateway('Stripe did not answer; the refund will be completed automatically. Please check the order again in a few minutes.');
  }
  if (refund.status === 'failed' || refund.status === 'canceled') throw paymentProviderFailed();
  return { refund };
}

/**
 * Asks Stripe to make a reserved refund and applies its answer, exactly once: only the caller
 * that moves the refund out of `requested` applies it (the request that reserved it, or the
 * sweeper repeating a request whose answer was lost). Answers the refund as it then stands.
 */
async function askStripe(
  services: Services,
  stripe: StripeGateway,
  order: OrderRow,
  reserved: OrderRefund,
  paymentIntentId: string,
  log: Logger,
): Promise<OrderRefund> {
  const amount = toMinorUnits(reserved.amount);
  let answer: RefundView;
  try {
    answer = await stripe.createRefund({ paymentIntentId, amount, orderId: order.id, refundId: reserved.id, reason: reserved.reason });
  } catch (error) {
    const definite = error instanceof PaymentProviderError && error.httpStatus !== undefined && error.httpStatus < 500;
    if (!definite) {
      log.error({ err: error, orderId: order.id, refundId: reserved.id }, 'Stripe did not answer the refund; it stays reserved');
      return reserved;
    }
    log.error({ err: error, orderId: order.id, refundId: reserved.id }, 'Stripe refused the refund; nothing refunded');
    return await services.db.transaction(async (trx) => {
      if (await OrderRefund.recordStripeAnswer(trx, reserved.id, null, 'failed')) await releaseReservation(trx, reserved);
      return (await OrderRefund.query(trx).findById(reserved.id))!;
    });
  }

  const status = storedStatus(answer.status);
  const applied = await services.db.transaction(async (trx) => {
    const stored = await OrderRefund.recordStripeAnswer(trx, reserved.id, answer.id, status);
    if (!stored) return undefined; // the other caller applied Stripe's answer
    if (status === 'failed' || status === 'canceled') {
      await releaseReservation(trx, stored);
      return stored;
    }
    // This UPDATE locks the order row until commit, so the status read next cannot change under
    // us (a concurrent shipment either committed before it or waits for us).
    await Order.markRefunded(trx, order.id);
    const now = (await Order.findBy(trx, { id: order.id }))!;
    if (now.status === 'paid') {
      // Not shipped: the refunded goods are still here and go back on sale; an order refunded in
      // full has nothing left to ship.
      await Product.giveBackStock(trx, await OrderItem.stockOfLines(trx, order.id, stored.items));
      if (now.payment_status === 'refunded') await Order.moveStatus(trx, order.id, ['paid'], 'cancelled');
    }
    return stored;
  });
  if (!applied) return (await OrderRefund.query(services.db).findById(reserved.id))!;
  if (status === 'failed' || status === 'canceled') {
    log.error({ orderId: order.id, refundId: applied.id, stripeRefund: answer.id, status }, 'Stripe did not make the refund');
  } else {
    log.info({ orderId: order.id, refundId: applied.id, stripeRefund: answer.id, amount: applied.amount }, 'order refunded');
    notifyCustomer(services, order.id, 'refunded', log);
  }
  return applied;
}

/** Stripe keeps an Idempotency-Key for 24 hours: after that a repeated request could refund twice. */
const RETRY_WINDOW_SECONDS = 23 * 3600;
/** A refund request still unanswered after this is taken to have lost its answer. */
const UNANSWERED_SECONDS = 300;

/**
 * Completes refunds whose request never got Stripe's answer (Stripe unreachable, or the process
 * died in between): asks again with the same Idempotency-Key and applies the answer. Older than
 * Stripe keeps keys, it is left to a person (logged). Answers how many were settled.
 */
export async function settleUnansweredRefunds(services: Services, now: Date): Promise<number> {
  const stripe = services.stripe;
  if (!stripe) return 0;
  const { db, log } = services;
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  for (const stale of await OrderRefund.unanswered(db, before(RETRY_WINDOW_SECONDS), before(RETRY_WINDOW_SECONDS + 3600))) {
    log.error(
      { orderId: stale.order_id, refundId: stale.id },
      'a refund has had no answer from Stripe for a day; check it in the Stripe Dashboard',
    );
  }
  let settled = 0;
  for (const reserved of await OrderRefund.unanswered(db, before(UNANSWERED_SECONDS), before(RETRY_WINDOW_SECONDS))) {
    const order = (await Order.findBy(db, { id: reserved.order_id }))!;
    let paymentIntentId;
    try {
      paymentIntentId = await paymentIntentOf(stripe, order, log);
    } catch {
      continue; // Stripe unreachable: next time
    }
    const refund = await askStripe(services, stripe, order, reserved, paymentIntentId, log);
    if (refund.status !== 'requested') settled += 1;
  }
  return settled;
}

/**
 * refund.updated: Stripe's later verdict on a refund this API asked for. A refund that failed or
 * was canceled gives its amount back to the order (once: OrderRefund.settle is conditional).
 * Answers the order it concerned, or null for a refund this API does not know (one made in the
 * Dashboard: charge.refunded records those).
 */
export async function applyRefundUpdate(trx: Knex.Transaction, refund: RefundView, log: Logger): Promise<number | null> {
  const { voided, orderId } = await OrderRefund.settle(trx, refund.id, storedStatus(refund.status));
  if (voided) {
    await releaseReservation(trx, voided);
    // Its goods may have gone back on sale, or the order may have been cancelled for it: a person decides.
    log.error({ orderId: voided.order_id, refundId: voided.id, status: refund.status }, 'a refund failed at Stripe after it was accepted');
  }
  return orderId ?? null;
}

/**
 * charge.refunded: how much of a card payment has gone back in all. What is more than this API's
 * own refunds (a refund made in the Stripe Dashboard) is recorded on the order, capped at what is
 * left of the total. Answers the order it concerned, or null when no order has that payment.
 */
export async function applyChargeRefunded(trx: Knex.Transaction, charge: RefundedChargeView, log: Logger): Promise<number | null> {
  if (!charge.paymentIntentId || charge.amountRefunded === null) return null;
  const order = await Order.findBy(trx, { stripe_payment_intent_id: charge.paymentIntentId });
  if (!order) {
    log.warn({ paymentIntent: charge.paymentIntentId }, 'charge.refunded for a payment of no order');
    return null;
  }
  const outside = Math.min(
    charge.amountRefunded - (await OrderRefund.countingTotal(trx, order.id)),
    toMinorUnits(order.total_amount) - toMinorUnits(order.refunded_amount),
  );
  if (outside <= 0) return order.id;
  if (await Order.reserveRefund(trx, order.id, outside, REFUNDABLE)) {
    await OrderRefund.recordExternal(trx, order.id, outside);
    await Order.markRefunded(trx, order.id);
    log.info({ orderId: order.id, amount: formatMinorUnits(outside) }, 'refund made outside this API recorded');
  }
  return order.id;
}

export const refundOperations = {
  refundOrder: {
    staffOnly: true,
    async handle({ params, body, user, services, log }) {
      const order = await Order.findBy(services.db, { id: params.id });
      if (!order) throw notFound('Order not found.');
      const { refund } = await refundOrder(
        services,
        order,
        { items: body?.items, reason: body?.reason ?? null, requestedBy: user.id, audit: 'order.refund' },
        log,
      );
      const [response] = await Order.responsesOf(services.db, [(await Order.findBy(services.db, { id: order.id }))!]);
      return { status: 200, body: { message: 'Refund issued', refund: toRefundResponse(refund), order: response! } };
    },
  },
} satisfies Partial<OperationTable>;
