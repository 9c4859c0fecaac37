// A refund of (part of) a card order, from the moment its amount is reserved on the order
// (`requested`, before Stripe is asked) to Stripe's verdict (`pending`, `succeeded`, `failed`,
// `canceled`). Stripe's refund id is unique, so a refund reported twice (our own answer and the
// webhook, or a redelivered event) is one row.
import type { Knex } from 'knex';
import { fn, Model } from 'objection';
import type { components } from '../../generated/openapi.js';
import { formatMinorUnits, formatMoney, toMinorUnits } from '../money.js';

type RefundResponse = components['schemas']['Refund'];
export type RefundStatus = RefundResponse['status'];
export type RefundReason = NonNullable<RefundResponse['reason']>;
export type RefundedLine = RefundResponse['items'][number];

/** Refund statuses that no longer count in the order's refunded amount. */
const VOID_REFUND_STATUSES: readonly RefundStatus[] = ['failed', 'canceled'];

export interface OrderRefundRow {
  id: number;
  order_id: number;
  /** numeric(14,2) as the driver returns it: a string. */
  amount: string;
  status: RefundStatus;
  reason: RefundReason | null;
  items: RefundedLine[];
  stripe_refund_id: string | null;
  requested_by: number | null;
  created_at: Date;
  updated_at: Date;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface OrderRefund extends OrderRefundRow {}
/** The Objection model of a refund. */
export class OrderRefund extends Model {
  static override tableName = 'order_refunds';

  // `items` is jsonb: Objection serialises it on the way in and out.
  static override get jsonAttributes(): string[] {
    return ['items'];
  }

  /** Records a refund whose amount has just been reserved on the order (Stripe not yet asked). */
  static async request(
    trx: Knex.Transaction,
    fields: { orderId: number; amount: number; reason: RefundReason | null; items: RefundedLine[]; requestedBy: number | null },
  ): Promise<OrderRefund> {
    return await OrderRefund.query(trx)
      .insert({
        order_id: fields.orderId,
        amount: formatMinorUnits(fields.amount),
        status: 'requested',
        reason: fields.reason,
        items: fields.items,
        requested_by: fields.requestedBy,
      })
      .returning('*');
  }

  /**
   * Stores Stripe's answer to our request (its refund id, when it made one, and status) while the
   * refund is still `requested`: one conditional UPDATE, so of two callers holding the same answer
   * (the request and the sweeper) exactly one applies it. Undefined for the other.
   */
  static async recordStripeAnswer(
    trx: Knex.Transaction,
    id: number,
    stripeRefundId: string | null,
    status: RefundStatus,
  ): Promise<OrderRefund | undefined> {
    const changed = (await OrderRefund.query(trx)
      .patch({ stripe_refund_id: stripeRefundId, status, updated_at: fn.now() } as unknown as Partial<OrderRefund>)
      .where({ id, status: 'requested' })
      .returning('*')) as unknown as OrderRefund[];
    return changed[0];
  }

  /** Refunds still waiting for Stripe's answer, requested between `since` and `before`. */
  static async unanswered(db: Knex, before: Date, since: Date): Promise<OrderRefund[]> {
    return await OrderRefund.query(db)
      .where({ status: 'requested' })
      .where('created_at', '<', before)
      .where('created_at', '>=', since)
      .orderBy('id')
      .limit(100);
  }

  /**
   * Applies Stripe's later verdict on one of our refunds. One conditional UPDATE: a refund already
   * void does not change again, so the caller whose statement voided it (and only that one) gives
   * its amount back. Answers the refund as it was voided, or undefined when nothing became void.
   */
  static async settle(
    trx: Knex.Transaction,
    stripeRefundId: string,
    status: RefundStatus,
  ): Promise<{ voided?: OrderRefund; orderId?: number }> {
    const known = await OrderRefund.query(trx).select('order_id').findOne({ stripe_refund_id: stripeRefundId });
    if (!known) return {};
    const changed = (await OrderRefund.query(trx)
      .patch({ status, updated_at: fn.now() } as unknown as Partial<OrderRefund>)
      .where({ stripe_refund_id: stripeRefundId })
      .whereNotIn('status', [...VOID_REFUND_STATUSES])
      .returning('*')) as unknown as OrderRefund[];
    const refund = changed[0];
    return { orderId: known.order_id, ...(refund && VOID_REFUND_STATUSES.includes(status) ? { voided: refund } : {}) };
  }

  /** The sum, in minor units, of the order's refunds that still count (not failed or canceled). */
  static async countingTotal(trx: Knex.Transaction, orderId: number): Promise<number> {
    const rows = await OrderRefund.query(trx)
      .select('amount')
      .where({ order_id: orderId })
      .whereNotIn('status', [...VOID_REFUND_STATUSES]);
    return rows.reduce((sum, row) => sum + toMinorUnits(row.amount), 0);
  }

  /** Records a refund made outside this API (the Stripe Dashboard), as reported by charge.refunded. */
  static async recordExternal(trx: Knex.Transaction, orderId: number, amount: number): Promise<void> {
    await OrderRefund.query(trx).insert({ order_id: orderId, amount: formatMinorUnits(amount), status: 'succeeded', items: [] });
  }
}

export function toRefundResponse(refund: OrderRefundRow): RefundResponse {
  return {
    id: refund.id,
    amount: formatMoney(refund.amount),
    status: refund.status,
    reason: refund.reason,
    items: refund.items,
    created_at: new Date(refund.created_at).toISOString(),
  };
}
