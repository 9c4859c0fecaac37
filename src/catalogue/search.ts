// The catalogue's filters, as the original backend understood them: `search` is a
// case-insensitive substring of the name or the description (with % and _ taken literally),
// `category` is case-insensitive, and the price bounds are inclusive.
import type { Knex } from 'knex';
import { formatMoney } from '../money.js';

export interface ProductFilters {
  search?: string | undefined;
  category?: string | undefined;
  min_price?: string | undefined;
  max_price?: string | undefined;
}

/** Escapes LIKE's wildcards so the shopper's text matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export function applyProductFilters(query: Knex.QueryBuilder, filters: ProductFilters): Knex.QueryBuilder {
  const search = filters.search?.trim();
  if (search) {
    const pattern = likePattern(search);
    query.where((where) => where.whereRaw("name ILIKE ? ESCAPE '\\'", [pattern]).orWhereRaw("description ILIKE ? ESCAPE '\\'", [pattern]));
  }
  if (filters.category) query.where('category', filters.category.toLowerCase());
  // Bounds are compared as numerics in the database, never as floats.
  if (filters.min_price !== undefined) query.where('price', '>=', formatMoney(filters.min_price));
  if (filters.max_price !== undefined) query.where('price', '<=', formatMoney(filters.max_price));
  return query;
}
