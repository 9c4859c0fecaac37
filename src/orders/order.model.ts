// How an order is stored, moved through its statuses and shown. An order keeps its own copies
// (shipping address; each line's product name, image and unit price), so later catalogue or
// address-book edits and deletions never change a past order.
//
// Every change of status is one conditional UPDATE (`... WHERE status IN (<allowed from>)`), so
// concurrent or out-of-order events (webhook, verify-payment, sweeper, staff) cannot move an order
// backwards (a paid order never becomes cancelled), and only the caller whose UPDATE matched gives
// the stock back: stock is returned exactly once.
import type { Knex } from 'knex';
import { fn, Model, raw, type QueryBuilder, type RelationMappings } from 'objection';
import type { components } from '../../generated/openapi.js';
import { Product } from '../catalogue/product.model.js';
import { newestFirstPage, type Page } from '../http/paging.js';
import { formatMinorUnits, formatMoney } from '../money.js';
import { containsPattern } from '../db.js';
import { OrderItem, type SoldLine } from './order-item.model.js';
import { OrderRefund, toRefundResponse } from './order-refund.model.js';

type OrderResponse = components['schemas']['Order'];
export type OrderStatus = components['schemas']['OrderStatus'];
export type PaymentStatus = components['schemas']['PaymentStatus'];
type FulfilmentStatus = components['schemas']['FulfilmentStatus'];
type PaymentMethod = OrderResponse['payment_method'];

export interface OrderRow {
  id: number;
  user_id: number;
  status: OrderStatus;
  payment_method: PaymentMethod;
  /** Whether the money has come in (and gone back): stored beside `status`, kept consistent by CHECKs. */
  payment_status: PaymentStatus;
  /** numeric(14,2) as the driver returns it: a string. */
  total_amount: string;
  /** Refunded or being refunded (reserved before Stripe is asked); never above total_amount (CHECK). */
  refunded_amount: string;
  currency: string;
  ship_full_name: string;
  ship_phone: string;
  ship_street: string;
  ship_city: string;
  ship_pincode: string;
  stripe_session_id: string | null;
  stripe_payment_intent_id: string | null;
  stripe_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** What checkout decides about a new order; the database fills in the rest. */
type NewOrder = Omit<
  OrderRow,
  'id' | 'created_at' | 'updated_at' | 'stripe_session_id' | 'stripe_payment_intent_id' | 'payment_status' | 'refunded_amount'
>;

const ORDER_COLUMNS = [
  'id',
  'user_id',
  'status',
  'payment_method',
  'payment_status',
  'total_amount',
  'refunded_amount',
  'currency',
  'ship_full_name',
  'ship_phone',
  'ship_street',
  'ship_city',
  'ship_pincode',
  'stripe_session_id',
  'stripe_payment_intent_id',
  'stripe_expires_at',
  'created_at',
  'updated_at',
] as const;

/** The staff's filters of the list of all orders (each optional; they combine). */
export interface OrderFilters {
  status?: OrderStatus;
  orderStatus?: FulfilmentStatus;
  paymentStatus?: PaymentStatus;
  paymentMethod?: PaymentMethod;
  userId?: number;
  /** Placed at or after. */
  from?: Date;
  /** Placed before. */
  before?: Date;
  /** An order id (when the text is one) or part of the customer's email. */
  search?: { orderId?: number; email: string };
}

/** The first key of the advisory lock that serializes one user's checkouts ("CO" for checkout orders). */
const CHECKOUT_LOCK_CLASS = 0x434f;

/** Payment statuses of a paid order (see Order.paidCondition). */
const PAID_PAYMENT_STATUSES: readonly PaymentStatus[] = ['paid', 'partially_refunded'];

/** Statuses in which the order has been paid for (by card) or is on its way. */
export const PAID_STATUSES: readonly OrderStatus[] = ['paid', 'shipped', 'delivered'];

/** The fulfilment view the later storefront reads (`order_status`): a paid card order not yet shipped is processing. */
export function fulfilmentStatusOf(status: OrderStatus): FulfilmentStatus {
  return status === 'paid' ? 'processing' : status;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface Order extends OrderRow {}
/** The Objection model of an order, with its lines as the `items` relation. */
export class Order extends Model {
  static override tableName = 'orders';

  items?: OrderItem[];
  refunds?: OrderRefund[];

  static override relationMappings: RelationMappings = {
    items: {
      relation: Model.HasManyRelation,
      modelClass: OrderItem,
      join: { from: 'orders.id', to: 'order_items.order_id' },
    },
    refunds: {
      relation: Model.HasManyRelation,
      modelClass: OrderRefund,
      join: { from: 'orders.id', to: 'order_refunds.order_id' },
    },
  };

  /**
   * THE definition of a paid order, for revenue, a customer's total spent and the panel's counts:
   * the shop holds its money, in whole or in part (a fully refunded order is not paid any more).
   * An SQL condition on the orders table (under `table`, its name or alias).
   */
  static paidCondition(db: Knex, table = Order.tableName): Knex.Raw {
    return db.raw(`??.payment_status IN (${PAID_PAYMENT_STATUSES.map(() => '?').join(', ')})`, [table, ...PAID_PAYMENT_STATUSES]);
  }

  /** What a paid order brings in: its total less what has been refunded (SQL, under `table`). */
  static revenueExpression(db: Knex, table = Order.tableName): Knex.Raw {
    return db.raw('(??.total_amount - ??.refunded_amount)', [table, table]);
  }

  /** Stores a new order and its lines (inside the checkout transaction). */
  static async place(trx: Knex.Transaction, fields: NewOrder, lines: SoldLine[]): Promise<OrderRow> {
    const order = await Order.query(trx).insert(fields).returning('*');
    await OrderItem.insertLines(trx, order.id, lines);
    return order;
  }

  /** The order matching `where` (its id, its Checkout Session, its owner), or undefined. */
  static async findBy(
    db: Knex,
    where: Partial<Pick<OrderRow, 'id' | 'user_id' | 'stripe_session_id' | 'stripe_payment_intent_id'>>,
  ): Promise<Order | undefined> {
    return await Order.query(db).select(ORDER_COLUMNS).findOne(where);
  }

  /** One page of a user's orders, newest first, and how many orders the user has. */
  static async pageOfUser(db: Knex, userId: number, page: Page): Promise<{ rows: OrderRow[]; total: number }> {
    // The shared paging helper builds on Knex queries (an Objection one would select orders.* too).
    return await newestFirstPage<OrderRow>(() => db(Order.tableName).where({ user_id: userId }), ORDER_COLUMNS, page);
  }

  /**
   * Makes the user's other checkouts wait for this transaction (a transaction-scoped advisory lock
   * keyed by the user), so counting the user's orders and placing a new one cannot interleave:
   * two parallel checkouts never both pass a limit that has room for one.
   */
  static async serializeCheckoutsOf(trx: Knex.Transaction, userId: number): Promise<void> {
    await trx.raw('SELECT pg_advisory_xact_lock(?::integer, ?::integer)', [CHECKOUT_LOCK_CLASS, userId]);
  }

  /** How many card checkouts of the user are open: pending and not yet past their session's expiry. */
  static async openCardCheckoutsOf(trx: Knex.Transaction, userId: number): Promise<number> {
    const [row] = (await Order.query(trx)
      .where({ user_id: userId, status: 'pending', payment_method: 'stripe' })
      .where((open) => {
        open.whereNull('stripe_expires_at').orWhere('stripe_expires_at', '>', fn.now());
      })
      .count({ n: '*' })) as unknown as Array<{ n: string | number }>;
    return Number(row?.n ?? 0);
  }

  /** How many cash-on-delivery orders the user placed since `since`, whatever became of them. */
  static async codOrdersSince(trx: Knex.Transaction, userId: number, since: Date): Promise<number> {
    const [row] = (await Order.query(trx)
      .where({ user_id: userId, payment_method: 'cod' })
      .where('created_at', '>', since)
      .count({ n: '*' })) as unknown as Array<{ n: string | number }>;
    return Number(row?.n ?? 0);
  }

  /**
   * Moves the order to `to` if it is in one of `from` (and, when `paymentFrom` is given, its
   * payment status is one of those); true when this call made the change.
   */
  static async moveStatus(
    trx: Knex.Transaction,
    orderId: number,
    from: readonly OrderStatus[],
    to: OrderStatus,
    paymentFrom?: readonly PaymentStatus[],
  ): Promise<boolean> {
    // RETURNING tells what changed on both drivers (knex-pglite answers no row count).
    // Reaching `paid` is the card payment coming in: both columns change in the one statement.
    const query = Order.query(trx)
      .patch({ status: to, ...(to === 'paid' ? { payment_status: 'paid' as const } : {}), updated_at: fn.now() })
      .where({ id: orderId })
      .whereIn('status', [...from]);
    if (paymentFrom) void query.whereIn('payment_status', [...paymentFrom]);
    const changed = await query.returning('id');
    return changed.length > 0;
  }

  /** Records the cash of a cash-on-delivery order (unpaid → paid) once it is on its way or there. */
  static async markCashPaid(trx: Knex.Transaction, orderId: number): Promise<boolean> {
    const changed = await Order.query(trx)
      .patch({ payment_status: 'paid', updated_at: fn.now() })
      .where({ id: orderId, payment_method: 'cod', payment_status: 'unpaid' })
      .whereIn('status', ['processing', 'shipped', 'delivered'])
      .returning('id');
    return changed.length > 0;
  }

  /** Remembers the PaymentIntent that paid a card order (refunds are made against it). */
  static async recordPaymentIntent(trx: Knex.Transaction, orderId: number, paymentIntentId: string): Promise<void> {
    await Order.query(trx)
      .patch({ stripe_payment_intent_id: paymentIntentId })
      .where({ id: orderId })
      .whereNull('stripe_payment_intent_id');
  }

  /**
   * Reserves `amount` (minor units) of a paid card order's money for a refund: one conditional
   * UPDATE that adds it only while the sum stays within the total (and the CHECK
   * refunded_amount <= total_amount stands behind it). False when it does not fit — a concurrent
   * refund took it — or the order is not a paid card order (in one of `statuses`).
   */
  static async reserveRefund(trx: Knex.Transaction, orderId: number, amount: number, statuses: readonly OrderStatus[]): Promise<boolean> {
    const money = formatMinorUnits(amount);
    const changed = await Order.query(trx)
      .patch({ refunded_amount: raw('refunded_amount + ?::numeric', [money]), updated_at: fn.now() } as unknown as Partial<Order>)
      .where({ id: orderId, payment_method: 'stripe' })
      .whereIn('payment_status', ['paid', 'partially_refunded'])
      .whereIn('status', [...statuses])
      .where(raw('refunded_amount + ?::numeric <= total_amount', [money]))
      .returning('id');
    return changed.length > 0;
  }

  /**
   * Gives a reserved amount back (Stripe refused or later failed the refund), and the payment
   * status follows: paid again when nothing else stays refunded.
   */
  static async releaseRefund(trx: Knex.Transaction, orderId: number, amount: number): Promise<void> {
    const money = formatMinorUnits(amount);
    await Order.query(trx)
      .patch({
        refunded_amount: raw('refunded_amount - ?::numeric', [money]),
        payment_status: raw(
          "CASE WHEN payment_status = 'unpaid' THEN 'unpaid' WHEN refunded_amount - ?::numeric = 0 THEN 'paid' ELSE 'partially_refunded' END",
          [money],
        ),
        updated_at: fn.now(),
      } as unknown as Partial<Order>)
      .where({ id: orderId })
      .where('refunded_amount', '>=', money);
  }

  /** After Stripe accepted a refund: partially_refunded, or refunded once everything paid has gone back. */
  static async markRefunded(trx: Knex.Transaction, orderId: number): Promise<void> {
    await Order.query(trx)
      .patch({
        payment_status: raw("CASE WHEN refunded_amount >= total_amount THEN 'refunded' ELSE 'partially_refunded' END"),
        updated_at: fn.now(),
      } as unknown as Partial<Order>)
      .where({ id: orderId })
      .whereIn('payment_status', ['paid', 'partially_refunded'])
      .where('refunded_amount', '>', 0);
  }

  /** The customer's email address, for the order's mails. */
  static async customerEmailOf(db: Knex, orderId: number): Promise<string | undefined> {
    const row = (await db(Order.tableName).join('users', 'users.id', 'orders.user_id').where('orders.id', orderId).first('users.email')) as
      { email: string } | undefined;
    return row?.email;
  }

  /**
   * One page of every order, newest first, with the staff's filters; the email search joins the
   * customers (a user id or an order id needs no join).
   */
  static async pageOfAll(db: Knex, filters: OrderFilters, page: Page): Promise<{ rows: OrderRow[]; total: number }> {
    const list = () => {
      const query = db(Order.tableName);
      if (filters.status) void query.where('orders.status', filters.status);
      if (filters.orderStatus)
        void query.whereIn('orders.status', filters.orderStatus === 'processing' ? ['processing', 'paid'] : [filters.orderStatus]);
      if (filters.paymentStatus) void query.where('orders.payment_status', filters.paymentStatus);
      if (filters.paymentMethod) void query.where('orders.payment_method', filters.paymentMethod);
      if (filters.userId) void query.where('orders.user_id', filters.userId);
      if (filters.from) void query.where('orders.created_at', '>=', filters.from);
      if (filters.before) void query.where('orders.created_at', '<', filters.before);
      if (filters.search) {
        const { orderId, email } = filters.search;
        void query.where((either) => {
          if (orderId !== undefined) void either.orWhere('orders.id', orderId);
          void either.orWhereIn('orders.user_id', db('users').select('id').whereILike('email', containsPattern(email)));
        });
      }
      return query;
    };
    return await newestFirstPage<OrderRow>(
      list,
      ORDER_COLUMNS.map((column) => `orders.${column}`),
      page,
    );
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
    paymentFrom?: readonly PaymentStatus[],
  ): Promise<boolean> {
    const changed = await Order.moveStatus(trx, orderId, from, to, paymentFrom);
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

  /**
   * The orders as the API shows them. Objection fetches the lines of all of them in one query, their
   * products' current category and stock in one more, and their refunds in another (no N+1).
   */
  static async responsesOf(db: Knex, orders: OrderRow[]): Promise<OrderResponse[]> {
    if (!orders.length) return [];
    const loaded = await Order.fetchGraph(orders as Order[], '[items(inLineOrder).product(saleFacts), refunds(oldestFirst)]', {
      transaction: db,
    }).modifiers({
      saleFacts: (query: QueryBuilder<Product>) => {
        void query.select('products.id', 'products.category', 'products.stock');
      },
      oldestFirst: (query: QueryBuilder<OrderRefund>) => {
        void query.orderBy('id');
      },
    });
    return loaded.map((order) => toOrderResponse(order, order.items ?? [], order.refunds ?? []));
  }
}

function toOrderResponse(order: OrderRow, items: OrderItem[], refunds: OrderRefund[]): OrderResponse {
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
      category: item.product?.category ?? null,
      stock: item.product?.stock ?? null,
      refunded_quantity: item.refunded_quantity,
    })),
    total_amount: formatMoney(order.total_amount),
    currency: order.currency,
    payment_method: order.payment_method,
    status: order.status,
    order_status: fulfilmentStatusOf(order.status),
    payment_status: order.payment_status,
    refunded_amount: formatMoney(order.refunded_amount),
    refunds: refunds.map(toRefundResponse),
    stripe_session_id: order.stripe_session_id,
    created_at: new Date(order.created_at).toISOString(),
  };
}
