// Idempotency-Key for "Place order": a retried or double-clicked request returns the first answer
// instead of placing a second order. The key is claimed with an INSERT inside the checkout
// transaction, so the database's unique index decides between concurrent duplicates: the second
// INSERT waits for the first transaction, then finds its row. A failed attempt rolls its claim
// back (or deletes it), so the same key can be retried after an error.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { HttpError } from '../http/errors.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { kind: 'claimed'; id: number } | { kind: 'replay'; response: StoredResponse };

/** A stable hash of the request body (keys sorted, so property order does not matter). */
export function requestHash(body: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

export async function claimIdempotencyKey(trx: Knex.Transaction, userId: number, key: string, hash: string): Promise<Claim> {
  const inserted = (await trx('order_idempotency_keys')
    .insert({ user_id: userId, key, request_hash: hash })
    .onConflict(['user_id', 'key'])
    .ignore()
    .returning('id')) as Array<{ id: number }>;
  if (inserted.length) return { kind: 'claimed', id: inserted[0]!.id };

  const existing = (await trx('order_idempotency_keys')
    .select('request_hash', 'response_status', 'response_body')
    .where({ user_id: userId, key })
    .first()) as { request_hash: string; response_status: number | null; response_body: unknown } | undefined;
  if (!existing) {
    // The other request failed and released the key between our INSERT and SELECT.
    throw new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key was just being processed. Please retry.');
  }
  if (existing.request_hash !== hash) {
    throw new HttpError(409, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  }
  if (existing.response_status === null) {
    throw new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed. Please retry.');
  }
  return { kind: 'replay', response: { status: existing.response_status, body: existing.response_body } };
}

export async function recordIdempotentResponse(
  db: Knex | Knex.Transaction,
  claimId: number,
  orderId: number,
  response: StoredResponse,
): Promise<void> {
  await db('order_idempotency_keys')
    .where({ id: claimId })
    .update({ order_id: orderId, response_status: response.status, response_body: JSON.stringify(response.body) });
}

/**
 * Ties a claimed key to the order its request has just placed (inside the checkout transaction),
 * so the order's key can be found later even if its request never answers.
 */
export async function linkIdempotencyKey(trx: Knex.Transaction, claimId: number, orderId: number): Promise<void> {
  await trx('order_idempotency_keys').where({ id: claimId }).update({ order_id: orderId });
}

/**
 * Frees the key of an order whose request never recorded an answer (the process died while
 * asking Stripe): otherwise a retry with it would hear "still being processed" until the key
 * expires, a day later.
 */
export async function releaseUnansweredKeyOf(trx: Knex.Transaction, orderId: number): Promise<void> {
  await trx('order_idempotency_keys').where({ order_id: orderId }).whereNull('response_status').delete();
}

export async function releaseIdempotencyKey(db: Knex | Knex.Transaction, claimId: number): Promise<void> {
  await db('order_idempotency_keys').where({ id: claimId }).delete();
}
