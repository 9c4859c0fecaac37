import { operation } from '../http/operation.js';
import { createProductRow } from './write-product.js';

export const createProduct = operation<'createProduct'>({
  staffOnly: true,
  async handle({ body, services, ctx }) {
    return { status: 201, body: await createProductRow(ctx, body, services) };
  },
});
