// POST /api/orders/webhook/ — Stripe's notifications about Checkout Sessions and refunds. The signature is
// checked over the raw request bytes. Each event is recorded by id in the same transaction as its
// effect (StripeEvent.applyOnce): a duplicate (or concurrent) delivery finds the id taken and
// changes nothing.
import type Stripe from 'stripe';
import { HttpError, serviceUnavailable } from '../http/errors.js';
import { findUnstorableText } from '../http/hostile-input.js';
import type { Logger } from '../log.js';
import {
  toRefundedChargeView,
  toRefundView,
  toSessionView,
  verifyWebhookEvent,
  WebhookSignatureError,
} from '../payments/stripe-gateway.js';
import type { OperationTable, Services } from '../services.js';
import { notifyCustomer } from './order-mail.js';
import { applyChargeRefunded, applyRefundUpdate } from './order-refunds.js';
import { applyCheckoutSession, type SessionHappening, type SessionResult } from './payment-transitions.js';
import { StripeEvent } from './stripe-event.model.js';

const HANDLED: Record<string, SessionHappening> = {
  'checkout.session.completed': 'completed',
  'checkout.session.async_payment_succeeded': 'async_payment_succeeded',
  'checkout.session.async_payment_failed': 'async_payment_failed',
  'checkout.session.expired': 'expired',
};

const badSignature = (message: string) => new HttpError(400, 'invalid_signature', message);

/** Text the handler stores or looks up: at most `max` characters, nothing the database refuses. */
const storable = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max && !findUnstorableText(value);

/**
 * Stripe's events always have this shape; a correctly signed body without it (a bug or a test
 * tool, never Stripe) is refused with a clear 400 instead of a 500 from deep in the handler.
 */
function wellFormed(event: Stripe.Event): boolean {
  const data = (event as { data?: unknown }).data as { object?: unknown } | null | undefined;
  return (
    storable(event.id, 255) &&
    storable(event.type, 100) &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.object === 'object' &&
    data.object !== null
  );
}

/** refund.updated and charge.refunded: recorded once each, like every event (order-refunds.ts applies them). */
async function applyRefundEvent(services: Services, event: Stripe.Event, requestLog: Logger) {
  const object = event.data.object as { object?: unknown; id?: unknown };
  const expected = event.type === 'refund.updated' ? 'refund' : 'charge';
  if (object.object !== expected || !storable(object.id, 255)) return { status: 200 as const, body: { status: 'ignored' as const } };
  const refund = event.type === 'refund.updated' ? toRefundView(object as Stripe.Refund) : undefined;
  const charge = event.type === 'charge.refunded' ? toRefundedChargeView(object as Stripe.Charge) : undefined;
  // Only Stripe-made ids reach the database, and only text it can store.
  if (charge?.paymentIntentId && !storable(charge.paymentIntentId, 255))
    return { status: 200 as const, body: { status: 'ignored' as const } };
  const log = requestLog.child({ stripeEvent: event.id, type: event.type });
  const applied = await StripeEvent.applyOnce(services.db, event, async (trx) => {
    const orderId = refund ? await applyRefundUpdate(trx, refund, log) : await applyChargeRefunded(trx, charge!, log);
    log.info({ orderId }, 'Stripe refund event applied');
    return orderId;
  });
  return { status: 200 as const, body: { status: applied ? ('success' as const) : ('ignored' as const) } };
}

export const paymentWebhookOperations = {
  stripeWebhook: {
    // Stripe's signed JSON is accepted as Stripe wrote it; only its Stripe-made ids reach the database.
    opaqueBody: true,
    async handle({ headers, services, request, log: requestLog }) {
      const secret = services.config.stripe.webhookSecret;
      if (!secret) throw serviceUnavailable('Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET is unset).');
      const signature = headers['Stripe-Signature'];
      if (!signature) throw badSignature('Missing Stripe-Signature header.');
      // The signature is over the exact bytes Stripe sent, not over the parsed JSON.
      const raw = request.rawBody;
      if (raw === undefined) throw badSignature('Missing request body.');

      let event: Stripe.Event;
      try {
        event = await verifyWebhookEvent(raw, signature, secret);
      } catch (error) {
        if (error instanceof WebhookSignatureError) throw badSignature('Invalid Stripe signature.');
        throw error;
      }

      if (!wellFormed(event)) throw new HttpError(400, 'bad_request', 'Malformed Stripe event.');

      if (event.type === 'refund.updated' || event.type === 'charge.refunded') return await applyRefundEvent(services, event, requestLog);
      const happened = HANDLED[event.type];
      if (!happened) return { status: 200, body: { status: 'ignored' as const } };
      const object = event.data.object as Partial<Stripe.Checkout.Session>;
      if (object.object !== 'checkout.session' || !storable(object.id, 255)) return { status: 200, body: { status: 'ignored' as const } };
      const session = toSessionView(object as Stripe.Checkout.Session);
      const log = requestLog.child({ stripeEvent: event.id, type: event.type });

      let outcome: SessionResult | undefined;
      const applied = await StripeEvent.applyOnce(services.db, event, async (trx) => {
        outcome = await applyCheckoutSession(trx, session, happened, log);
        log.info({ orderId: outcome.orderId, outcome: outcome.outcome }, 'Stripe event applied');
        return outcome.orderId;
      });
      // After the commit: the confirmation never holds up (or fails) Stripe's delivery.
      if (applied && outcome?.outcome === 'paid' && outcome.orderId !== null) notifyCustomer(services, outcome.orderId, 'paid', log);
      return { status: 200, body: { status: applied ? ('success' as const) : ('ignored' as const) } };
    },
  },
} satisfies Partial<OperationTable>;
