// Checkout, order history and the staff's order workflow.
import type { OperationTable } from '../http/operation.js';
import { addressOperations } from './addresses/index.js';
import { createOrder } from './create-order.js';
import { listMyOrders } from './list-my-orders.js';
import { updateOrderStatus } from './update-order-status.js';

export const orderOperations: OperationTable = {
  ...addressOperations,
  createOrder,
  listMyOrders,
  updateOrderStatus,
};
