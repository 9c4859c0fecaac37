// How an order is stored and how it is shown. An order keeps its own copies (shipping address;
// each line's product name, image and unit price), so later catalogue or address-book edits and
// deletions never change a past order.
import type { Knex } from 'knex';
import { Model, type Modifiers, type RelationMappings } from 'objection';
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

/** An order line as stored: the copies of what was bought, whatever becomes of the product. */
// Declaration merging gives the Objection model the row's typed columns.
export interface OrderItem extends OrderItemRow {}
export class OrderItem extends Model {
  static override tableName = 'order_items';

  static override modifiers: Modifiers = {
    /** Lines in the order the shopper's cart listed them. */
    inLineOrder: (query) => query.orderBy('id'),
  };
}

export interface Order extends OrderRow {}
/** The Objection model of an order, with its lines as the `items` relation. */
export class Order extends Model {
  static override tableName = 'orders';

  items?: OrderItem[];

  static override relationMappings: RelationMappings = {
    items: {
      relation: Model.HasManyRelation,
      modelClass: OrderItem,
      join: { from: 'orders.id', to: 'order_items.order_id' },
    },
  };
}

/** The order matching `where` (its id, its Checkout Session, its owner), or undefined. */
export async function findOrder(
  db: Knex,
  where: Partial<Pick<OrderRow, 'id' | 'user_id' | 'stripe_session_id'>>,
): Promise<Order | undefined> {
  return Order.query(db).select(ORDER_COLUMNS).findOne(where);
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

/** The orders with their items: Objection fetches the lines of all of them in one query (no N+1). */
export async function withItems(db: Knex, orders: OrderRow[]): Promise<OrderResponse[]> {
  if (!orders.length) return [];
  const loaded = await Order.fetchGraph(orders as Order[], 'items(inLineOrder)', { transaction: db });
  return loaded.map((order) => toOrderResponse(order, order.items ?? []));
}
