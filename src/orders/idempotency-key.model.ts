// The Idempotency-Key a user sent with "Place order", with the first answer to replay. The key is
// claimed with an INSERT inside the checkout transaction, so the unique index on (user, key)
// decides between concurrent duplicates: the second INSERT waits for the first transaction, then
// finds its row.
import type { Knex } from 'knex';
import { Model, type RelationMappings } from 'objection';
import { Order } from './order.model.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyKeyRow {
  id: number;
  user_id: number;
  key: string;
  /** sha256 of the request body: the same key with another body is a different request. */
  request_hash: string;
  order_id: number | null;
  /** The first answer; null while the first request is still running. */
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
}

/** What claiming a key found: it is ours now, or an earlier request holds it (undefined: it just let go). */
type KeyClaim =
  | { claimed: true; id: number }
  | { claimed: false; earlier: Pick<IdempotencyKeyRow, 'request_hash' | 'response_status' | 'response_body'> | undefined };

// Declaration merging gives the Objection model the row's typed columns.
export interface IdempotencyKey extends IdempotencyKeyRow {}
/** The Objection model of a claimed Idempotency-Key, with the order its request placed as `order`. */
export class IdempotencyKey extends Model {
  static override tableName = 'order_idempotency_keys';

  order?: Order | null;

  static override relationMappings: RelationMappings = {
    order: {
      relation: Model.BelongsToOneRelation,
      modelClass: Order,
      join: { from: 'order_idempotency_keys.order_id', to: 'orders.id' },
    },
  };

  /** INSERT ... ON CONFLICT DO NOTHING; when the key is taken, the row that holds it. */
  static async claim(trx: Knex.Transaction, userId: number, key: string, requestHash: string): Promise<KeyClaim> {
    // Through Knex: when ON CONFLICT inserts nothing, Objection answers the object it was given,
    // so only the RETURNING rows tell whether this statement took the key.
    const inserted = (await trx(IdempotencyKey.tableName)
      .insert({ user_id: userId, key, request_hash: requestHash })
      .onConflict(['user_id', 'key'])
      .ignore()
      .returning('id')) as Array<{ id: number }>;
    if (inserted.length) return { claimed: true, id: inserted[0]!.id };
    const earlier = await IdempotencyKey.query(trx)
      .select('request_hash', 'response_status', 'response_body')
      .findOne({ user_id: userId, key });
    return { claimed: false, earlier };
  }

  /** Ties a claimed key to the order its request has just placed, so it can be found even if the request never answers. */
  static async linkToOrder(trx: Knex.Transaction, id: number, orderId: number): Promise<void> {
    await IdempotencyKey.query(trx).findById(id).patch({ order_id: orderId });
  }

  /** Stores the answer that retries with this key will get. */
  static async recordResponse(db: Knex, id: number, orderId: number, response: StoredResponse): Promise<void> {
    await IdempotencyKey.query(db)
      .findById(id)
      .patch({ order_id: orderId, response_status: response.status, response_body: JSON.stringify(response.body) });
  }

  /** Lets go of a claim whose request failed, so the same key can be retried. */
  static async release(db: Knex, id: number): Promise<void> {
    await IdempotencyKey.query(db).deleteById(id);
  }

  /**
   * Lets go of the key of an order whose request never recorded an answer (its process died while
   * asking Stripe): otherwise a retry with it would hear "still being processed" until it expires.
   */
  static async releaseUnansweredOf(trx: Knex.Transaction, orderId: number): Promise<void> {
    await IdempotencyKey.query(trx).delete().where({ order_id: orderId }).whereNull('response_status');
  }

  /** Forgets keys claimed before `createdBefore`. */
  static async forgetCreatedBefore(db: Knex, createdBefore: Date): Promise<void> {
    await IdempotencyKey.query(db).delete().where('created_at', '<', createdBefore);
  }
}
