import { operation } from '../http/operation.js';
import { newestFirstPage, pageOf, pagingHeaders } from '../http/paging.js';
import { conditionalReply } from './http-cache.js';
import { PRODUCT_COLUMNS, toProductResponse, type ProductRow } from './product.model.js';
import { applyProductFilters } from './search.js';

export const listProducts = operation<'listProducts'>({
  async handle({ query, services, ctx }) {
    const page = pageOf(query);
    const { rows, total } = await newestFirstPage<ProductRow>(
      () => applyProductFilters(services.db('products'), query),
      PRODUCT_COLUMNS,
      page,
    );
    return conditionalReply(ctx, rows.map(toProductResponse), pagingHeaders(ctx, page, total));
  },
});
