import { notFound } from '../http/errors.js';
import type { Operation } from '../services.js';
import { conditionalReply } from './http-cache.js';
import { Product, PRODUCT_COLUMNS, toProductResponse } from './product.model.js';

export const getProduct: Operation<'getProduct'> = {
  async handle({ params, headers, services }) {
    const product = await Product.query(services.db).select(PRODUCT_COLUMNS).findById(params.id);
    if (!product) throw notFound('Product not found.');
    return conditionalReply(headers['If-None-Match'], toProductResponse(product));
  },
};
