// What every deployment has besides the shop: the health check and the API's own documentation.
import type { OperationTable } from '../services.js';
import { docsOperations } from './docs.js';
import { healthOperations } from './health.js';

export const platformOperations = { ...healthOperations, ...docsOperations } satisfies Partial<OperationTable>;
