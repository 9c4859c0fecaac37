// Stripe Checkout: payment verification and the webhook.
import type { OperationTable } from '../http/operation.js';
import { stripeWebhook } from './stripe-webhook.js';
import { verifyPayment } from './verify-payment.js';

export const paymentOperations: OperationTable = {
  verifyPayment,
  stripeWebhook,
};
