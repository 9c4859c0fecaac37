// POST /api/orders/webhook/ — Stripe's notifications about Checkout Sessions. The signature is
// checked over the raw request bytes. Each event is recorded by id in the same transaction as its
// effect: a duplicate (or concurrent) delivery finds the id taken and changes nothing.
import type Stripe from 'stripe';
import { HttpError, serviceUnavailable } from '../http/errors.js';
import { rawBody } from '../http/middleware.js';
import { operation } from '../http/operation.js';
import { toSessionView, verifyWebhookEvent, WebhookSignatureError } from './stripe-gateway.js';
import { applyCheckoutSession, type SessionHappening } from './transitions.js';

const HANDLED: Record<string, SessionHappening> = {
  'checkout.session.completed': 'completed',
  'checkout.session.async_payment_succeeded': 'async_payment_succeeded',
  'checkout.session.async_payment_failed': 'async_payment_failed',
  'checkout.session.expired': 'expired',
};

const badSignature = (message: string) => new HttpError(400, 'invalid_signature', message);

export const stripeWebhook = operation<'stripeWebhook'>({
  // Stripe's signed JSON is accepted as Stripe wrote it; only its Stripe-made ids reach the database.
  opaqueBody: true,
  async handle({ services, ctx }) {
    const secret = services.config.stripe.webhookSecret;
    if (!secret) throw serviceUnavailable('Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET is unset).');
    const signature = ctx.get('stripe-signature');
    if (!signature) throw badSignature('Missing Stripe-Signature header.');
    // The signature is over the exact bytes Stripe sent, not over the parsed JSON.
    const raw = rawBody(ctx);
    if (raw === undefined) throw badSignature('Missing request body.');

    let event: Stripe.Event;
    try {
      event = verifyWebhookEvent(raw, signature, secret);
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw badSignature('Invalid Stripe signature.');
      throw error;
    }

    const happened = HANDLED[event.type];
    if (!happened) return { status: 200, body: { status: 'ignored' as const } };
    const object = event.data.object as Partial<Stripe.Checkout.Session>;
    if (object.object !== 'checkout.session' || typeof object.id !== 'string') return { status: 200, body: { status: 'ignored' as const } };
    const session = toSessionView(object as Stripe.Checkout.Session);
    const log = ctx.state.log.child({ stripeEvent: event.id, type: event.type });

    const applied = await services.db.transaction(async (trx) => {
      const recorded = await trx('stripe_events').insert({ id: event.id, type: event.type }).onConflict('id').ignore().returning('id');
      if (!recorded.length) return false; // delivered before: already applied
      const result = await applyCheckoutSession(trx, session, happened, log);
      if (result.orderId !== null) await trx('stripe_events').where({ id: event.id }).update({ order_id: result.orderId });
      log.info({ orderId: result.orderId, outcome: result.outcome }, 'Stripe event applied');
      return true;
    });
    return { status: 200, body: { status: applied ? ('success' as const) : ('ignored' as const) } };
  },
});
