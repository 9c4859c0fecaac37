// What every deployment has besides the shop: the health check and the API's own documentation.
import type { OperationTable } from '../services.js';
import { getApiDocs, getOpenApiSpec } from './docs.js';
import { getHealth } from './health.js';

export const platformOperations = { getHealth, getOpenApiSpec, getApiDocs } satisfies Partial<OperationTable>;
