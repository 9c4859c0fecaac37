import { notFound } from '../http/errors.js';
import { operation } from '../http/operation.js';
import { conditionalReply } from './http-cache.js';
import { PRODUCT_COLUMNS, toProductResponse, type ProductRow } from './product.model.js';

export const getProduct = operation<'getProduct'>({
  async handle({ params, services, ctx }) {
    const row = (await services.db('products').select(PRODUCT_COLUMNS).where({ id: params.id }).first()) as ProductRow | undefined;
    if (!row) throw notFound('Product not found.');
    return conditionalReply(ctx, toProductResponse(row));
  },
});
