// How a cart is shown: every line with the product as it is now, the line's subtotal, and whether
// the quantity is more than the current stock. Quantities are never changed behind the shopper's
// back: a product that sold out keeps its line, flagged; a deleted product's line is gone (the
// foreign key cascades).
import type { Knex } from 'knex';
import type { components } from '../../generated/openapi.js';
import { productColumnsOf, toProductResponse, type ProductRow } from '../catalogue/product.model.js';
import { formatMinorUnits, toMinorUnits } from '../money.js';

export type CartResponse = components['schemas']['Cart'];
export type CartItemResponse = components['schemas']['CartItem'];

/** A cart line, and so an order line, holds at most this many of one product (the spec and CHECKs on both tables say so). */
export const MAX_LINE_QUANTITY = 99;

type LineRow = ProductRow & { line_id: number; line_quantity: number };

export async function loadCart(db: Knex, cartId: number): Promise<CartResponse> {
  const rows = (await db('cart_items')
    .join('products', 'products.id', 'cart_items.product_id')
    .where('cart_items.cart_id', cartId)
    .orderBy('cart_items.id')
    .select(['cart_items.id as line_id', 'cart_items.quantity as line_quantity', ...productColumnsOf('products')])) as LineRow[];
  let totalMinor = 0;
  const items = rows.map((row): CartItemResponse => {
    // Integer paise: at most 1,000,000.00 × 99 per line, far inside Number's exact range.
    const subtotalMinor = toMinorUnits(row.price) * row.line_quantity;
    totalMinor += subtotalMinor;
    return {
      id: row.line_id,
      product: toProductResponse(row),
      quantity: row.line_quantity,
      subtotal: formatMinorUnits(subtotalMinor),
      exceeds_stock: row.line_quantity > row.stock,
    };
  });
  return { id: cartId, items, total: formatMinorUnits(totalMinor) };
}
