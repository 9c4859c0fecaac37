import { notFound } from '../http/errors.js';
import { operation } from '../http/operation.js';
import { conditionalReply } from './http-cache.js';
import { Product, PRODUCT_COLUMNS, toProductResponse } from './product.model.js';

export const getProduct = operation<'getProduct'>({
  async handle({ params, services, ctx }) {
    const product = await Product.query(services.db).select(PRODUCT_COLUMNS).findById(params.id);
    if (!product) throw notFound('Product not found.');
    return conditionalReply(ctx, toProductResponse(product));
  },
});
