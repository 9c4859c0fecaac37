// Every operation of openapi.yaml, by operationId, from the module of its domain.
import { accountOperations } from './accounts/index.js';
import { cartOperations } from './cart/index.js';
import { catalogueOperations } from './catalogue/index.js';
import type { OperationTable } from './http/operation.js';
import { orderOperations } from './orders/index.js';
import { paymentOperations } from './payments/index.js';
import { platformOperations } from './platform/index.js';

export const operations: OperationTable = {
  ...platformOperations,
  ...accountOperations,
  ...catalogueOperations,
  ...cartOperations,
  ...orderOperations,
  ...paymentOperations,
};
