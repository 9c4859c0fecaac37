// A small Stripe-compatible HTTP server for tests and scripts: the real stripe SDK is pointed at it
// with STRIPE_API_BASE. It speaks the API's wire format (form-encoded requests with bracketed keys,
// Bearer secret key, Idempotency-Key replay, `{"error": {...}}` failures) for the Checkout Session
// and Refund calls the backend makes, and lets a test decide what happened to a session (paid,
// unpaid, expired, another amount) or to a refund. Webhook payloads are signed with the SDK's own
// test-header helper.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import Stripe from 'stripe';

const STRIPE_TEST_KEY = 'sk_test_fake_0123456789';
const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

export type FakeSession = {
  id: string;
  object: 'checkout.session';
  url: string | null;
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  client_reference_id: string | null;
  customer_email: string | null;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  created: number;
  livemode: false;
  line_items_sent: Array<{
    quantity: number;
    price_data: { currency: string; unit_amount: number; product_data: { name: string; images?: string[] } };
  }>;
  allowed_payment_method_types: string[];
  payment_intent_metadata: Record<string, string>;
  /** The PaymentIntent that took the money, once the session is paid. */
  payment_intent: string | null;
};

/** A payment as the fake keeps it: what was charged, and how much of it has been refunded. */
export interface FakePayment {
  id: string;
  charge: string;
  amount: number;
  currency: string;
  amount_refunded: number;
}

export type FakeRefund = {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
};

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}

interface Reply {
  status: number;
  body: unknown;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;
const list = <T>(value: unknown): T[] =>
  (Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : []) as T[];

function stripeError(status: number, type: string, message: string, code?: string): Reply {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
}

export class FakeStripe {
  readonly sessions = new Map<string, FakeSession>();
  readonly payments = new Map<string, FakePayment>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly requests: RecordedRequest[] = [];
  private readonly refundFailures: Reply[] = [];
  /** The status the next refunds are created with (Stripe answers `pending` for some payment methods). */
  refundStatus: FakeRefund['status'] = 'succeeded';
  private readonly replays = new Map<string, { params: string; reply: Reply }>();
  private readonly failures: Reply[] = [];
  private unreachable = false;
  private readonly holds: Array<{ arrived: () => void; released: Promise<void> }> = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeStripe> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeStripe(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => void fake.answer(request, response, body));
    });
    return fake;
  }

  private async answer(request: http.IncomingMessage, response: http.ServerResponse, body: string): Promise<void> {
    if (request.method === 'POST' && request.url === '/v1/checkout/sessions') await this.waitIfHeld();
    const reply = this.handle(request, body);
    if (!reply) {
      request.socket.destroy(); // "connection reset": Stripe unreachable
      return;
    }
    response.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': id('req') });
    response.end(JSON.stringify(reply.body));
  }

  /** The next Checkout Session creation fails with this Stripe error. */
  failNextCreate(status = 500, type = 'api_error', message = 'An unknown error occurred.'): void {
    this.failures.push(stripeError(status, type, message));
  }

  /**
   * The next Checkout Session creation is held unanswered until release() — the app is "waiting
   * for Stripe" (or, as far as the database can tell, died while doing so). `arrived` resolves
   * once the request is here.
   */
  holdNextCreate(): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ arrived, released });
    return { arrived: arrival, release };
  }

  async waitIfHeld(): Promise<void> {
    const hold = this.holds.shift();
    if (!hold) return;
    hold.arrived();
    await hold.released;
  }

  /** Every call hangs up without an answer until called with false. */
  setUnreachable(unreachable: boolean): void {
    this.unreachable = unreachable;
  }

  session(sessionId: string): FakeSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`fake Stripe has no session ${sessionId}`);
    return session;
  }

  /** The shopper finished checkout; by default the card was charged the session's amount. */
  complete(sessionId: string, changes: Partial<Pick<FakeSession, 'payment_status' | 'amount_total' | 'currency'>> = {}): FakeSession {
    const session = Object.assign(this.session(sessionId), { status: 'complete', payment_status: 'paid', ...changes });
    if (session.payment_status === 'paid' && !session.payment_intent) {
      const payment = { id: id('pi'), charge: id('ch'), amount: session.amount_total, currency: session.currency, amount_refunded: 0 };
      this.payments.set(payment.id, payment);
      session.payment_intent = payment.id;
    }
    return session;
  }

  /** The next refund creation fails with this Stripe error. */
  failNextRefund(status = 402, type = 'card_error', message = 'The refund could not be processed.'): void {
    this.refundFailures.push(stripeError(status, type, message));
  }

  refundRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/v1/refunds');
  }

  /** A refund made in the Stripe Dashboard (not through the API under test). */
  refundOutside(paymentIntentId: string, amount: number): FakeRefund {
    const reply = this.refund({ payment_intent: paymentIntentId, amount: String(amount) });
    if (reply.status !== 200) throw new Error(`fake Stripe refused the refund: ${JSON.stringify(reply.body)}`);
    return reply.body as FakeRefund;
  }

  /** The charge of a payment as charge.refunded would carry it. */
  charge(paymentIntentId: string) {
    const payment = this.payments.get(paymentIntentId);
    if (!payment) throw new Error(`fake Stripe has no payment ${paymentIntentId}`);
    return {
      id: payment.charge,
      object: 'charge',
      amount: payment.amount,
      amount_refunded: payment.amount_refunded,
      currency: payment.currency,
      payment_intent: payment.id,
      refunded: payment.amount_refunded === payment.amount,
    };
  }

  expireNow(sessionId: string): FakeSession {
    return Object.assign(this.session(sessionId), { status: 'expired', url: null });
  }

  createRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/v1/checkout/sessions');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, body: string): Reply | undefined {
    if (this.unreachable) return undefined;
    const path = (request.url ?? '').split('?')[0]!;
    const params = qs.parse(body) as Record<string, unknown>;
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    const authorization = request.headers.authorization;
    this.requests.push({ method: request.method ?? '', path, params, idempotencyKey, authorization });
    if (authorization !== `Bearer ${STRIPE_TEST_KEY}`) {
      return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    }
    if (request.method === 'POST' && idempotencyKey) {
      const seen = this.replays.get(idempotencyKey);
      if (seen) {
        if (seen.params !== body) {
          return stripeError(
            400,
            'idempotency_error',
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          );
        }
        return seen.reply;
      }
      const reply = this.route(request.method, path, params);
      this.replays.set(idempotencyKey, { params: body, reply });
      return reply;
    }
    return this.route(request.method ?? '', path, params);
  }

  private route(method: string, path: string, params: Record<string, unknown>): Reply {
    if (method === 'POST' && path === '/v1/checkout/sessions') return this.create(params);
    if (method === 'POST' && path === '/v1/refunds') return this.refundFailures.shift() ?? this.refund(params);
    const match = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path);
    if (match) {
      const session = this.sessions.get(decodeURIComponent(match[1]!));
      if (!session) return stripeError(404, 'invalid_request_error', `No such checkout.session: '${match[1]}'`, 'resource_missing');
      if (method === 'GET' && !match[2]) return { status: 200, body: session };
      if (method === 'POST' && match[2]) {
        if (session.status !== 'open') {
          return stripeError(
            400,
            'invalid_request_error',
            `Only Checkout Sessions with a status in ["open"] can be expired.`,
            'checkout_session_not_open',
          );
        }
        return { status: 200, body: this.expireNow(session.id) };
      }
    }
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  /** Stripe's Refunds API: never more than what is left of the payment. */
  private refund(params: Record<string, unknown>): Reply {
    const payment = this.payments.get(String(params.payment_intent));
    if (!payment)
      return stripeError(404, 'invalid_request_error', `No such payment_intent: '${String(params.payment_intent)}'`, 'resource_missing');
    const left = payment.amount - payment.amount_refunded;
    const amount = params.amount === undefined ? left : Number(params.amount);
    if (left <= 0) return stripeError(400, 'invalid_request_error', 'Charge has already been refunded.', 'charge_already_refunded');
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > left) {
      return stripeError(
        400,
        'invalid_request_error',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left}).`,
        'amount_too_large',
      );
    }
    const refund: FakeRefund = {
      id: id('re'),
      object: 'refund',
      amount,
      currency: payment.currency,
      payment_intent: payment.id,
      charge: payment.charge,
      status: this.refundStatus,
      reason: (params.reason as string | undefined) ?? null,
      metadata: (params.metadata ?? {}) as Record<string, string>,
      created: Math.floor(Date.now() / 1000),
    };
    if (refund.status !== 'failed' && refund.status !== 'canceled') payment.amount_refunded += amount;
    this.refunds.set(refund.id, refund);
    return { status: 200, body: refund };
  }

  private create(params: Record<string, unknown>): Reply {
    const failure = this.failures.shift();
    if (failure) return failure;
    const lines = list<FakeSession['line_items_sent'][number]>(params.line_items).map((line) => ({
      quantity: Number(line.quantity),
      price_data: {
        currency: String(line.price_data.currency),
        unit_amount: Number(line.price_data.unit_amount),
        product_data: {
          name: String(line.price_data.product_data.name),
          ...(line.price_data.product_data.images ? { images: list<string>(line.price_data.product_data.images) } : {}),
        },
      },
    }));
    if (!lines.length) return stripeError(400, 'invalid_request_error', 'Missing required param: line_items.', 'parameter_missing');
    const currencies = new Set(lines.map((line) => line.price_data.currency));
    if (currencies.size !== 1) return stripeError(400, 'invalid_request_error', 'All line items must use the same currency.');
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = Number(params.expires_at ?? now + 24 * 3600);
    if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600) {
      return stripeError(
        400,
        'invalid_request_error',
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'parameter_invalid_integer',
      );
    }
    const sessionId = id('cs');
    const session: FakeSession = {
      id: sessionId,
      object: 'checkout.session',
      url: `https://checkout.stripe.test/c/pay/${sessionId}`,
      mode: String(params.mode),
      status: 'open',
      payment_status: 'unpaid',
      amount_total: lines.reduce((sum, line) => sum + line.price_data.unit_amount * line.quantity, 0),
      currency: [...currencies][0]!,
      metadata: (params.metadata ?? {}) as Record<string, string>,
      client_reference_id: (params.client_reference_id as string | undefined) ?? null,
      customer_email: (params.customer_email as string | undefined) ?? null,
      success_url: String(params.success_url),
      cancel_url: String(params.cancel_url),
      expires_at: expiresAt,
      created: now,
      livemode: false,
      line_items_sent: lines,
      allowed_payment_method_types: list<string>(params.allowed_payment_method_types),
      payment_intent_metadata: (params.payment_intent_data as { metadata?: Record<string, string> } | undefined)?.metadata ?? {},
      payment_intent: null,
    };
    this.sessions.set(sessionId, session);
    return { status: 200, body: session };
  }
}

/** A Stripe event about a Checkout Session, as Stripe would deliver it. */
export function checkoutEvent(type: string, session: object, eventId = id('evt')) {
  return {
    id: eventId,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: structuredClone(session) },
  };
}

/** Server settings that point the app's Stripe SDK at the fake. */
export function stripeEnv(fake: FakeStripe): Record<string, string> {
  return { STRIPE_SECRET_KEY: STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fake.url };
}

/** The Stripe-Signature header Stripe would send with this payload (the SDK's own test helper). */
export function stripeSignature(payload: string, secret = WEBHOOK_SECRET): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret });
}
