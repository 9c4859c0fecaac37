// The orders domain: checkout (create-order), the order history and the staff's workflow
// (orders), refunds and their webhooks (order-refunds), the customer's order mails (order-mail), the address book (addresses/), and the order's card payment at Stripe — the files
// named payment-*: opening and closing the Checkout Session (payment-checkout), what a session's
// fate does to the order (payment-transitions), Stripe's webhook (payment-webhook), the shopper's
// return from Checkout (payment-verification) and the sweeper for checkouts nobody finished
// (payment-sweeper). Each *.model.ts is the Objection model of one table and owns its queries.
import type { OperationTable } from '../services.js';
import { addressOperations } from './addresses/addresses.js';
import { createOrderOperations } from './create-order.js';
import { refundOperations } from './order-refunds.js';
import { orderResourceOperations } from './orders.js';
import { paymentVerificationOperations } from './payment-verification.js';
import { paymentWebhookOperations } from './payment-webhook.js';

export const orderOperations = {
  ...addressOperations,
  ...createOrderOperations,
  ...orderResourceOperations,
  ...refundOperations,
  ...paymentVerificationOperations,
  ...paymentWebhookOperations,
} satisfies Partial<OperationTable>;
