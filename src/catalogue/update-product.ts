import type { Operation } from '../services.js';
import { updateProductRow } from './write-product.js';

export const updateProduct: Operation<'updateProduct'> = {
  staffOnly: true,
  async handle({ params, body, files, services, log }) {
    return { status: 200, body: await updateProductRow(params.id, { body, files, services, log }, 'update') };
  },
};
