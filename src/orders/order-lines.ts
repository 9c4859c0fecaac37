// What is being bought, priced by the database and taken from stock. Runs inside the checkout
// transaction: the product rows are locked in id order (so concurrent checkouts never deadlock),
// the stock of all lines is taken with one conditional UPDATE (`... WHERE stock >= quantity`), and
// a line it could not take throws, rolling back the lines it took.
import type { Knex } from 'knex';
import type { components } from '../../generated/openapi.js';
import { badRequest, fieldError, HttpError } from '../http/errors.js';
import { MAX_LINE_QUANTITY } from '../cart/cart.model.js';
import { Product } from '../catalogue/product.model.js';
import type { CartLine } from '../cart/checkout-cart.js';
import { formatMoney, toMinorUnits } from '../money.js';
import type { SoldLine } from './order-item.model.js';

type RequestedLine = components['schemas']['OrderLineInput'];

/** One product of the order with the quantity wanted and the prices the shopper saw for it. */
interface WantedLine {
  productId: number;
  quantity: number;
  seenPrices: Array<string | number>;
}

/** Lines of the request, one per product (repeated products are added together). */
export function wantedFromRequest(cart: RequestedLine[]): WantedLine[] {
  const byProduct = new Map<number, WantedLine>();
  for (const line of cart) {
    const wanted = byProduct.get(line.id) ?? { productId: line.id, quantity: 0, seenPrices: [] };
    wanted.quantity += line.quantity;
    if (line.price !== undefined) wanted.seenPrices.push(line.price);
    byProduct.set(line.id, wanted);
  }
  for (const wanted of byProduct.values()) {
    if (wanted.quantity > MAX_LINE_QUANTITY) {
      throw fieldError('cart', `Product ${wanted.productId}: at most ${MAX_LINE_QUANTITY} per order.`, {
        summary: `At most ${MAX_LINE_QUANTITY} of one product per order.`,
      });
    }
  }
  return [...byProduct.values()];
}

/** The server-side cart's lines as the order's lines (used when the request names no `cart`). */
export function wantedFromCart(cart: CartLine[]): WantedLine[] {
  if (!cart.length) throw fieldError('cart', 'Your cart is empty.', { summary: 'Your cart is empty.' });
  return cart.map((line) => ({ productId: line.product_id, quantity: line.quantity, seenPrices: [] }));
}

function samePrice(seen: string | number, current: number): boolean {
  try {
    return toMinorUnits(seen) === current;
  } catch {
    return false; // not an amount with two decimals: certainly not the current price
  }
}

/** Prices the lines from the database and takes them from stock, or throws and changes nothing. */
export async function reserveLines(trx: Knex.Transaction, wanted: WantedLine[]): Promise<SoldLine[]> {
  const sorted = [...wanted].sort((a, b) => a.productId - b.productId);
  const products = await Product.lockForSale(
    trx,
    sorted.map((line) => line.productId),
  );
  const byId = new Map(products.map((product) => [product.id, product]));

  const missing = sorted.filter((line) => !byId.has(line.productId)).map((line) => line.productId);
  if (missing.length) {
    throw badRequest(`Product ${missing.join(', ')} is no longer available.`, {
      cart: missing.map((id) => `Product ${id} is no longer available.`),
    });
  }

  const changed = sorted.filter((line) => line.seenPrices.some((seen) => !samePrice(seen, toMinorUnits(byId.get(line.productId)!.price))));
  if (changed.length) {
    throw new HttpError(409, 'price_changed', 'Prices changed since you added these items. Please review your cart.', {
      extra: {
        current_prices: sorted.map((line) => {
          const product = byId.get(line.productId)!;
          return { id: product.id, name: product.name, price: formatMoney(product.price) };
        }),
      },
    });
  }

  const taken = await Product.takeStock(trx, sorted);
  const short = sorted.find((line) => !taken.has(line.productId));
  if (short) {
    // Its row was not updated (the whole transaction is about to roll back), so this is its stock.
    const stock = await Product.stockOf(trx, short.productId);
    throw new HttpError(400, 'insufficient_stock', `Insufficient stock for ${byId.get(short.productId)!.name}. Only ${stock} available.`);
  }
  return sorted.map((line) => {
    const product = byId.get(line.productId)!;
    return {
      productId: product.id,
      name: product.name,
      image: product.image,
      unitAmount: toMinorUnits(product.price),
      quantity: line.quantity,
    };
  });
}

export function totalOf(lines: SoldLine[]): number {
  return lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
}
