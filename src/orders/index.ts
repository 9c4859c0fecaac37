// Checkout, order history, the order's payment (Stripe's webhook and the return from Checkout) and
// the staff's order workflow.
import type { OperationTable } from '../services.js';
import { addressOperations } from './addresses/addresses.js';
import { createOrder } from './create-order.js';
import { listMyOrders } from './list-my-orders.js';
import { stripeWebhook } from './stripe-webhook.js';
import { updateOrderStatus } from './update-order-status.js';
import { verifyPayment } from './verify-payment.js';

export const orderOperations = {
  ...addressOperations,
  createOrder,
  listMyOrders,
  updateOrderStatus,
  verifyPayment,
  stripeWebhook,
} satisfies Partial<OperationTable>;
