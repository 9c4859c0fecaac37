// A Stripe webhook event already applied, by Stripe's event id (the primary key). The id is
// recorded in the same transaction as the event's effect, so a duplicate or concurrent delivery
// of one event finds it taken and applies nothing.
import type { Knex } from 'knex';
import { Model, type RelationMappings } from 'objection';
import { Order } from './order.model.js';

interface StripeEventRow {
  id: string;
  type: string;
  /** The order the event was about, when it named one. */
  order_id: number | null;
  processed_at: Date;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface StripeEvent extends StripeEventRow {}
/** The Objection model of an applied Stripe event, with the order it moved as `order`. */
export class StripeEvent extends Model {
  static override tableName = 'stripe_events';

  order?: Order | null;

  static override relationMappings: RelationMappings = {
    order: {
      relation: Model.BelongsToOneRelation,
      modelClass: Order,
      join: { from: 'stripe_events.order_id', to: 'orders.id' },
    },
  };

  /**
   * Applies an event once: records its id (INSERT ... ON CONFLICT DO NOTHING) and runs `apply` in
   * the same transaction, which answers the id of the order it concerned. False when the event
   * had been recorded before (nothing is applied then).
   */
  static async applyOnce(
    db: Knex,
    event: { id: string; type: string },
    apply: (trx: Knex.Transaction) => Promise<number | null>,
  ): Promise<boolean> {
    return await db.transaction(async (trx) => {
      // Through Knex: when ON CONFLICT inserts nothing, Objection answers the object it was given,
      // so only the RETURNING rows tell whether this delivery recorded the event.
      const recorded = (await trx(StripeEvent.tableName)
        .insert({ id: event.id, type: event.type })
        .onConflict('id')
        .ignore()
        .returning('id')) as Array<{ id: string }>;
      if (!recorded.length) return false;
      const orderId = await apply(trx);
      if (orderId !== null) await StripeEvent.query(trx).findById(event.id).patch({ order_id: orderId });
      return true;
    });
  }

  /** Forgets events processed before `processedBefore` (Stripe no longer redelivers them). */
  static async forgetProcessedBefore(db: Knex, processedBefore: Date): Promise<void> {
    await StripeEvent.query(db).delete().where('processed_at', '<', processedBefore);
  }
}
