import { operation } from '../http/operation.js';
import { updateProductRow } from './write-product.js';

export const updateProduct = operation<'updateProduct'>({
  staffOnly: true,
  async handle({ params, body, services, ctx }) {
    return { status: 200, body: await updateProductRow(ctx, params.id, body, services, 'update') };
  },
});
