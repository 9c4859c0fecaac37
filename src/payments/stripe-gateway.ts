// The one place that talks to Stripe, through the official SDK. STRIPE_API_BASE points the SDK at
// another host (a Stripe-compatible server in tests and offline development). Handlers see small
// plain objects, never SDK types, and a PaymentProviderError whenever Stripe could not be used.
//
// The SDK (some 20 MB of a process's memory) is imported on the first call that needs it, so a
// server without Stripe configured, or one that has not yet taken a card payment or a webhook,
// never loads it.
import type Stripe from 'stripe';
import type { Config } from '../config.js';
import { onFirstUse } from '../on-first-use.js';

export interface CheckoutLine {
  name: string;
  /** Unit price in minor units (paise), from the database. */
  unitAmount: number;
  quantity: number;
  image: string | null;
}

export interface CheckoutRequest {
  orderId: number;
  currency: string;
  customerEmail: string;
  lines: CheckoutLine[];
  expiresAt: Date;
}

/** What the order workflow needs to know about a Checkout Session. */
export interface CheckoutSessionView {
  id: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired' | null;
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required' | null;
  amountTotal: number | null;
  currency: string | null;
  orderId: number | null;
  /** The PaymentIntent that took the money, once paid (refunds are made against it). */
  paymentIntentId: string | null;
}

export interface RefundRequest {
  paymentIntentId: string;
  /** In minor units (paise). */
  amount: number;
  orderId: number;
  /** Our refund's id: names the refund at Stripe and makes retries of this request safe. */
  refundId: number;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
}

/** What the order workflow needs to know about a refund (our request's answer, or a webhook's refund). */
export interface RefundView {
  id: string;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled' | null;
  amount: number | null;
  paymentIntentId: string | null;
}

/** What charge.refunded says: how much of the payment has gone back in all. */
export interface RefundedChargeView {
  paymentIntentId: string | null;
  amountRefunded: number | null;
}

export class PaymentProviderError extends Error {
  constructor(
    message: string,
    readonly stripeCode?: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }
}

export class WebhookSignatureError extends Error {}

export function toSessionView(session: Stripe.Checkout.Session): CheckoutSessionView {
  const orderId = Number(session.metadata?.order_id);
  // Webhook payloads are only as well-typed as their sender: a field of another type counts as absent.
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: session.id,
    url: text(session.url),
    status: text(session.status) as CheckoutSessionView['status'],
    paymentStatus: text(session.payment_status) as CheckoutSessionView['paymentStatus'],
    amountTotal: Number.isSafeInteger(session.amount_total) ? session.amount_total : null,
    currency: text(session.currency),
    orderId: Number.isSafeInteger(orderId) && orderId > 0 ? orderId : null,
    paymentIntentId: idOf(session.payment_intent),
  };
}

/** An expandable Stripe field: its id, whether it came as the id or as the expanded object. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

const REFUND_STATUSES: ReadonlyArray<RefundView['status']> = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'];

export function toRefundView(refund: Stripe.Refund): RefundView {
  const status = REFUND_STATUSES.includes(refund.status as RefundView['status']) ? (refund.status as RefundView['status']) : null;
  return {
    id: refund.id,
    status,
    amount: Number.isSafeInteger(refund.amount) ? refund.amount : null,
    paymentIntentId: idOf(refund.payment_intent),
  };
}

export function toRefundedChargeView(charge: Stripe.Charge): RefundedChargeView {
  return {
    paymentIntentId: idOf(charge.payment_intent),
    amountRefunded: Number.isSafeInteger(charge.amount_refunded) ? charge.amount_refunded : null,
  };
}

/** The SDK's module, imported once, on first use. */
const loadStripe = onFirstUse(() => import('stripe').then((module) => module.default));

/** `StripeSdk` is undefined when the SDK itself could not be loaded (then no error can be one of its). */
function providerError(error: unknown, StripeSdk: typeof Stripe | undefined): PaymentProviderError {
  if (StripeSdk && error instanceof StripeSdk.errors.StripeError) {
    return new PaymentProviderError(error.message, error.code, error.statusCode);
  }
  return new PaymentProviderError(error instanceof Error ? error.message : String(error));
}

/** Only absolute http(s) URLs are accepted by Stripe for product images. */
function stripeImages(image: string | null): string[] | undefined {
  return image && /^https?:\/\//i.test(image) ? [image] : undefined;
}

export class StripeGateway {
  private client: Stripe | undefined;

  constructor(
    private readonly secretKey: string,
    private readonly frontendUrl: string,
    private readonly apiBase?: URL,
    private readonly options: { maxNetworkRetries?: number } = {},
  ) {}

  /** One SDK client per gateway, made on its first request. */
  private clientOf(StripeSdk: typeof Stripe): Stripe {
    const apiBase = this.apiBase;
    this.client ??= new StripeSdk(this.secretKey, {
      // Retries are safe: every create carries an idempotency key.
      maxNetworkRetries: this.options.maxNetworkRetries ?? 2,
      telemetry: false,
      ...(apiBase
        ? {
            host: apiBase.hostname,
            port: apiBase.port ? Number(apiBase.port) : apiBase.protocol === 'https:' ? 443 : 80,
            protocol: apiBase.protocol.replace(':', '') as 'http' | 'https',
          }
        : {}),
    });
    return this.client;
  }

  /** Runs one SDK call (loading the SDK first if need be); anything that goes wrong is a PaymentProviderError. */
  private async request<T>(call: (stripe: Stripe) => Promise<T>): Promise<T> {
    let StripeSdk: typeof Stripe | undefined;
    try {
      StripeSdk = await loadStripe();
      return await call(this.clientOf(StripeSdk));
    } catch (error) {
      throw providerError(error, StripeSdk);
    }
  }

  async createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSessionView> {
    const session = await this.request((stripe) =>
      stripe.checkout.sessions.create(
        {
          mode: 'payment',
          // Cards only. This API version replaced `payment_method_types` with this filter.
          allowed_payment_method_types: ['card'],
          line_items: request.lines.map((line) => {
            const images = stripeImages(line.image);
            return {
              quantity: line.quantity,
              price_data: {
                currency: request.currency,
                unit_amount: line.unitAmount,
                product_data: { name: line.name, ...(images ? { images } : {}) },
              },
            };
          }),
          metadata: { order_id: String(request.orderId) },
          payment_intent_data: { metadata: { order_id: String(request.orderId) } },
          client_reference_id: String(request.orderId),
          customer_email: request.customerEmail,
          success_url: `${this.frontendUrl}/payment-success?session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${this.frontendUrl}/payment`,
          expires_at: Math.floor(request.expiresAt.getTime() / 1000),
        },
        // One session per order, however often the call is retried (by the SDK or by us).
        { idempotencyKey: checkoutIdempotencyKey(request.orderId) },
      ),
    );
    if (!session.url) throw new PaymentProviderError('Stripe returned a Checkout Session without a URL.');
    return toSessionView(session);
  }

  async retrieveCheckoutSession(sessionId: string): Promise<CheckoutSessionView> {
    return toSessionView(await this.request((stripe) => stripe.checkout.sessions.retrieve(sessionId)));
  }

  /**
   * Refunds (part of) a payment. The Idempotency-Key is derived from our refund's id, so a retry
   * (by the SDK, or by us after a lost answer) can never refund twice.
   */
  async createRefund(request: RefundRequest): Promise<RefundView> {
    const refund = await this.request((stripe) =>
      stripe.refunds.create(
        {
          payment_intent: request.paymentIntentId,
          amount: request.amount,
          ...(request.reason ? { reason: request.reason } : {}),
          metadata: { order_id: String(request.orderId), refund_id: String(request.refundId) },
        },
        { idempotencyKey: `refund-${request.refundId}` },
      ),
    );
    return toRefundView(refund);
  }

  /** Makes an open session unpayable (staff cancelled the order). */
  async expireCheckoutSession(sessionId: string): Promise<CheckoutSessionView> {
    return toSessionView(await this.request((stripe) => stripe.checkout.sessions.expire(sessionId)));
  }
}

function checkoutIdempotencyKey(orderId: number): string {
  return `checkout-session-order-${orderId}`;
}

/** Verifies a webhook delivery's signature over the raw body and returns the event. */
export async function verifyWebhookEvent(rawBody: string | Buffer, signature: string, secret: string): Promise<Stripe.Event> {
  // Loaded outside the try: an SDK that cannot be loaded is the server's fault, not a bad signature.
  const StripeSdk = await loadStripe();
  try {
    return StripeSdk.webhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : 'Invalid signature.');
  }
}

/** The gateway, or undefined when no STRIPE_SECRET_KEY is configured (card checkout then refused). */
export function createStripeGateway(config: Config, options: { maxNetworkRetries?: number } = {}): StripeGateway | undefined {
  if (!config.stripe.secretKey) return undefined;
  return new StripeGateway(config.stripe.secretKey, config.frontendUrl, config.stripe.apiBase, options);
}
