// The staff panel: users with their order figures (users), the dashboard and the reports. It sits
// above orders, cart and catalogue and reads accounts; its figures are the aggregate statements of
// the models below it (orders/order-figures.ts, Product, User). The audit log it lists is
// src/audit's.
import type { OperationTable } from '../services.js';
import { dashboardOperations } from './dashboard.js';
import { reportOperations } from './reports.js';
import { panelUserOperations } from './users.js';

export const panelOperations = {
  ...panelUserOperations,
  ...dashboardOperations,
  ...reportOperations,
} satisfies Partial<OperationTable>;
