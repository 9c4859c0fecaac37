// The catalogue: products, their search, their images and their import.
import type { OperationTable } from '../services.js';
import { mediaOperations } from './media.js';
import { productOperations } from './products.js';

export const catalogueOperations = { ...productOperations, ...mediaOperations } satisfies Partial<OperationTable>;
