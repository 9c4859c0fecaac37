// How a product row is read and shown. Queries select PRODUCT_COLUMNS (also through joins, with
// productColumnsOf) and toProductResponse turns the row into the wire shape.
import { Model } from 'objection';
import type { components } from '../../generated/openapi.js';
import { formatMoney } from '../money.js';

export type ProductResponse = components['schemas']['Product'];
export type Category = ProductResponse['category'];

/** A products row as PRODUCT_COLUMNS select it. */
export interface ProductRow {
  id: number;
  name: string;
  slug: string;
  /** numeric(10,2), as the driver returns it: a string. */
  price: string;
  category: Category;
  image: string | null;
  description: string;
  stock: number;
  created_at: Date;
  updated_at: Date;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface Product extends ProductRow {}
/** The Objection model of a product (bulk statements on stock stay plain Knex, where one conditional UPDATE says it best). */
export class Product extends Model {
  static override tableName = 'products';
}

export const PRODUCT_COLUMNS = [
  'id',
  'name',
  'slug',
  'price',
  'category',
  'image',
  'description',
  'stock',
  'created_at',
  'updated_at',
] as const;

/** PRODUCT_COLUMNS qualified by the table, for queries that join products to another table. */
export const productColumnsOf = (table: string) => PRODUCT_COLUMNS.map((column) => `${table}.${column}`);

export function toProductResponse(row: ProductRow): ProductResponse {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    price: formatMoney(row.price),
    category: row.category,
    image: row.image,
    description: row.description,
    stock: row.stock,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
