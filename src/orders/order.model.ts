// How an order is stored and how it is shown. An order keeps its own copies (shipping address;
// each line's product name, image and unit price), so later catalogue or address-book edits and
// deletions never change a past order.
import type { Knex } from 'knex';
import type { components } from '../../generated/openapi.js';
import { formatMoney } from '../money.js';

export type OrderResponse = components['schemas']['Order'];
export type OrderStatus = components['schemas']['OrderStatus'];
export type PaymentMethod = OrderResponse['payment_method'];

export interface OrderRow {
  id: number;
  user_id: number;
  status: OrderStatus;
  payment_method: PaymentMethod;
  /** numeric(14,2) as the driver returns it: a string. */
  total_amount: string;
  currency: string;
  ship_full_name: string;
  ship_phone: string;
  ship_street: string;
  ship_city: string;
  ship_pincode: string;
  stripe_session_id: string | null;
  stripe_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface OrderItemRow {
  id: number;
  order_id: number;
  product_id: number | null;
  product_name: string;
  image: string | null;
  price: string;
  quantity: number;
}

export const ORDER_COLUMNS = [
  'id',
  'user_id',
  'status',
  'payment_method',
  'total_amount',
  'currency',
  'ship_full_name',
  'ship_phone',
  'ship_street',
  'ship_city',
  'ship_pincode',
  'stripe_session_id',
  'stripe_expires_at',
  'created_at',
  'updated_at',
] as const;

/** The order matching `where` (its id, its Checkout Session, its owner), or undefined. */
export async function findOrder(db: Knex, where: Partial<Pick<OrderRow, 'id' | 'user_id' | 'stripe_session_id'>>): Promise<OrderRow | undefined> {
  return (await db('orders').select(ORDER_COLUMNS).where(where).first()) as OrderRow | undefined;
}

/** Statuses in which the order has been paid for (by card) or is on its way. */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'shipped', 'delivered'];

export function toOrderResponse(order: OrderRow, items: OrderItemRow[]): OrderResponse {
  return {
    id: order.id,
    user: order.user_id,
    address: {
      full_name: order.ship_full_name,
      phone: order.ship_phone,
      street: order.ship_street,
      city: order.ship_city,
      pincode: order.ship_pincode,
    },
    items: items.map((item) => ({
      id: item.id,
      product: item.product_id,
      product_name: item.product_name,
      image: item.image,
      quantity: item.quantity,
      price: formatMoney(item.price),
    })),
    total_amount: formatMoney(order.total_amount),
    currency: order.currency,
    payment_method: order.payment_method,
    status: order.status,
    stripe_session_id: order.stripe_session_id,
    created_at: new Date(order.created_at).toISOString(),
  };
}

/** The orders with their items: one query for all the items, however many orders (no N+1). */
export async function withItems(db: Knex, orders: OrderRow[]): Promise<OrderResponse[]> {
  if (!orders.length) return [];
  const items = (await db('order_items')
    .select('id', 'order_id', 'product_id', 'product_name', 'image', 'price', 'quantity')
    .whereIn(
      'order_id',
      orders.map((order) => order.id),
    )
    .orderBy('id')) as OrderItemRow[];
  const byOrder = new Map<number, OrderItemRow[]>();
  for (const item of items) {
    const list = byOrder.get(item.order_id) ?? [];
    list.push(item);
    byOrder.set(item.order_id, list);
  }
  return orders.map((order) => toOrderResponse(order, byOrder.get(order.id) ?? []));
}
