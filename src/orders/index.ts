// Checkout, order history and the staff's order workflow.
import type { OperationTable } from '../http/operation.js';
import { addressOperations } from './addresses/index.js';

export const orderOperations: OperationTable = {
  ...addressOperations,
  createOrder: 'not-implemented',
  listMyOrders: 'not-implemented',
  updateOrderStatus: 'not-implemented',
};
