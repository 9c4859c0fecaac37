import { Model } from 'objection';
import type { components } from '../../generated/openapi.js';
import { formatMoney } from '../money.js';

export type ProductResponse = components['schemas']['Product'];
export type Category = ProductResponse['category'];

export class Product extends Model {
  static override tableName = 'products';

  id!: number;
  name!: string;
  slug!: string;
  /** numeric(10,2), as the driver returns it: a string. */
  price!: string;
  category!: Category;
  image!: string | null;
  description!: string;
  stock!: number;
  source_id!: string | null;
  created_at!: Date;
  updated_at!: Date;
}

/** The columns a Product row has, for queries that select plain rows (joins, raw queries). */
export type ProductRow = Pick<
  Product,
  'id' | 'name' | 'slug' | 'price' | 'category' | 'image' | 'description' | 'stock' | 'created_at' | 'updated_at'
>;

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
