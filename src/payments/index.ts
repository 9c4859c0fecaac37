// Stripe Checkout: payment verification and the webhook.
import type { OperationTable } from '../http/operation.js';

export const paymentOperations: OperationTable = {
  verifyPayment: 'not-implemented',
  stripeWebhook: 'not-implemented',
};
