// The fake Stripe (testing/fakes/stripe.ts) as the test suites use it: one per describe block, and
// webhook deliveries through the spec-checking test client.
import { FakeStripe, stripeSignature } from '../../testing/fakes/stripe.js';
import type { Client, TestResponse } from './client.js';

/** Delivers an event to the webhook like Stripe: raw JSON body signed with the webhook secret. */
export function deliver(
  client: Client,
  event: object,
  options: { secret?: string; signature?: string | null } = {},
): Promise<TestResponse> {
  const payload = JSON.stringify(event);
  const signature = options.signature === undefined ? stripeSignature(payload, options.secret) : options.signature;
  return client.post('/api/orders/webhook/', undefined, {
    rawBody: payload,
    origin: null,
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
  });
}

/** A fake Stripe for a describe block: started before its first test, closed after its last. */
export function fakeStripeForSuite(): { stripe: FakeStripe } {
  const suite = {} as { stripe: FakeStripe };
  before(async () => {
    suite.stripe = await FakeStripe.start();
  });
  after(() => suite.stripe.close());
  return suite;
}
