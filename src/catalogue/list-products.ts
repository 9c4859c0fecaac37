import { operation } from '../http/operation.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import { conditionalReply } from './http-cache.js';
import { PRODUCT_COLUMNS, toProductResponse, type ProductRow } from './product.model.js';
import { applyProductFilters } from './search.js';

export const listProducts = operation<'listProducts'>({
  async handle({ query, services, ctx }) {
    const page = pageOf(query);
    const filtered = () => applyProductFilters(services.db('products'), query);
    const [rows, [{ total }]] = await Promise.all([
      filtered()
        .select(PRODUCT_COLUMNS)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(page.limit)
        .offset(page.offset) as Promise<ProductRow[]>,
      filtered().count({ total: '*' }) as unknown as Promise<[{ total: string | number }]>,
    ]);
    return conditionalReply(ctx, rows.map(toProductResponse), pagingHeaders(ctx, page, Number(total)));
  },
});
