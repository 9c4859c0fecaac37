import type { Operation } from '../services.js';
import { newestFirstPage, pageOf, pagingHeaders } from '../http/paging.js';
import { conditionalReply } from './http-cache.js';
import { PRODUCT_COLUMNS, toProductResponse, type ProductRow } from './product.model.js';
import { applyProductFilters } from './search.js';

export const listProducts: Operation<'listProducts'> = {
  async handle({ query, headers, services, request }) {
    const page = pageOf(query);
    const { rows, total } = await newestFirstPage<ProductRow>(
      () => applyProductFilters(services.db('products'), query),
      PRODUCT_COLUMNS,
      page,
    );
    return conditionalReply(headers['If-None-Match'], rows.map(toProductResponse), pagingHeaders(request.url, page, total));
  },
};
