import { operation } from '../http/operation.js';
import { updateProductRow } from './write-product.js';

export const replaceProduct = operation<'replaceProduct'>({
  staffOnly: true,
  async handle({ params, body, services, ctx }) {
    return { status: 200, body: await updateProductRow(ctx, params.id, body, services, 'replace') };
  },
});
