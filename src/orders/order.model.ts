// How an order is stored, moved through its statuses and shown. An order keeps its own copies
// (shipping address; each line's product name, image and unit price), so later catalogue or
// address-book edits and deletions never change a past order.
//
// Every change of status is one conditional UPDATE (`... WHERE status IN (<allowed from>)`), so
// concurrent or out-of-order events (webhook, verify-payment, sweeper, staff) cannot move an order
// backwards (a paid order never becomes cancelled), and only the caller whose UPDATE matched gives
// the stock back: stock is returned exactly once.
import type { Knex } from 'knex';
import { fn, Model, type RelationMappings } from 'objection';
import type { components } from '../../generated/openapi.js';
import { Product } from '../catalogue/product.model.js';
import { newestFirstPage, type Page } from '../http/paging.js';
import { formatMoney } from '../money.js';
import { OrderItem, type OrderItemRow, type SoldLine } from './order-item.model.js';

type OrderResponse = components['schemas']['Order'];
export type OrderStatus = components['schemas']['OrderStatus'];
type PaymentMethod = OrderResponse['payment_method'];

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

/** What checkout decides about a new order; the database fills in the rest. */
type NewOrder = Omit<OrderRow, 'id' | 'created_at' | 'updated_at' | 'stripe_session_id'>;

const ORDER_COLUMNS = [
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

/** Statuses in which the order has been paid for (by card) or is on its way. */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'shipped', 'delivered'];

// Declaration merging gives the Objection model the row's typed columns.
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

  /**
   * THE definition of a paid order, for revenue, a customer's total spent and the panel's payment
   * status: as an SQL condition on the orders table (under `table`, its name or alias) ...
   */
  static paidCondition(db: Knex, table = Order.tableName): Knex.Raw {
    return db.raw(`??.status IN (${PAID_STATUSES.map(() => '?').join(', ')})`, [table, ...PAID_STATUSES]);
  }

  /** ... and as the same test on a row. */
  static isPaid(order: Pick<OrderRow, 'status'>): boolean {
    return PAID_STATUSES.includes(order.status);
  }

  /** Stores a new order and its lines (inside the checkout transaction). */
  static async place(trx: Knex.Transaction, fields: NewOrder, lines: SoldLine[]): Promise<OrderRow> {
    const order = await Order.query(trx).insert(fields).returning('*');
    await OrderItem.insertLines(trx, order.id, lines);
    return order;
  }

  /** The order matching `where` (its id, its Checkout Session, its owner), or undefined. */
  static async findBy(db: Knex, where: Partial<Pick<OrderRow, 'id' | 'user_id' | 'stripe_session_id'>>): Promise<Order | undefined> {
    return await Order.query(db).select(ORDER_COLUMNS).findOne(where);
  }

  /** One page of a user's orders, newest first, and how many orders the user has. */
  static async pageOfUser(db: Knex, userId: number, page: Page): Promise<{ rows: OrderRow[]; total: number }> {
    // The shared paging helper builds on Knex queries (an Objection one would select orders.* too).
    return await newestFirstPage<OrderRow>(() => db(Order.tableName).where({ user_id: userId }), ORDER_COLUMNS, page);
  }

  /** Moves the order to `to` if it is in one of `from`; true when this call made the change. */
  static async moveStatus(trx: Knex.Transaction, orderId: number, from: readonly OrderStatus[], to: OrderStatus): Promise<boolean> {
    // RETURNING tells what changed on both drivers (knex-pglite answers no row count).
    const changed = await Order.query(trx)
      .patch({ status: to, updated_at: fn.now() })
      .where({ id: orderId })
      .whereIn('status', [...from])
      .returning('id');
    return changed.length > 0;
  }

  /**
   * Ends a not-yet-paid order as failed or cancelled and gives its stock back; true when this call
   * did it (the stock is given back only by the call whose status change matched).
   */
  static async release(
    trx: Knex.Transaction,
    orderId: number,
    to: 'failed' | 'cancelled',
    from: readonly OrderStatus[] = ['pending'],
  ): Promise<boolean> {
    const changed = await Order.moveStatus(trx, orderId, from, to);
    if (changed) await Product.giveBackStock(trx, await OrderItem.heldStock(trx, orderId));
    return changed;
  }

  /**
   * Stores the order's Checkout Session, only while the order is still pending; false when staff
   * cancelled it meanwhile (its stock is then back on sale, and the session must not take a payment).
   */
  static async storeCheckoutSession(trx: Knex.Transaction, orderId: number, sessionId: string): Promise<boolean> {
    const stored = await Order.query(trx)
      .patch({ stripe_session_id: sessionId, updated_at: fn.now() })
      .where({ id: orderId, status: 'pending' })
      .returning('id');
    return stored.length > 0;
  }

  /** Pending card orders created before `createdBefore` that never got a Checkout Session stored. */
  static async withoutCheckoutSession(db: Knex, createdBefore: Date, limit: number): Promise<Array<Pick<OrderRow, 'id'>>> {
    return await Order.query(db)
      .select('id')
      .where({ status: 'pending', payment_method: 'stripe' })
      .whereNull('stripe_session_id')
      .where('created_at', '<', createdBefore)
      .limit(limit);
  }

  /** Pending card orders whose Checkout Session expired before `expiredBefore`, soonest expiry first. */
  static async pastCheckoutExpiry(db: Knex, expiredBefore: Date, limit: number): Promise<Array<{ id: number; stripe_session_id: string }>> {
    const orders = await Order.query(db)
      .select('id', 'stripe_session_id')
      .where({ status: 'pending', payment_method: 'stripe' })
      .whereNotNull('stripe_session_id')
      .where('stripe_expires_at', '<', expiredBefore)
      .orderBy('stripe_expires_at')
      .limit(limit);
    return orders.map((order) => ({ id: order.id, stripe_session_id: order.stripe_session_id! }));
  }

  /** The orders as the API shows them; Objection fetches the lines of all of them in one query (no N+1). */
  static async responsesOf(db: Knex, orders: OrderRow[]): Promise<OrderResponse[]> {
    if (!orders.length) return [];
    const loaded = await Order.fetchGraph(orders as Order[], 'items(inLineOrder)', { transaction: db });
    return loaded.map((order) => toOrderResponse(order, order.items ?? []));
  }
}

function toOrderResponse(order: OrderRow, items: OrderItemRow[]): OrderResponse {
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
