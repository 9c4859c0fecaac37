// Idempotency-Key for "Place order": a retried or double-clicked request returns the first answer
// instead of placing a second order. The key is claimed inside the checkout transaction (see
// IdempotencyKey.claim), so a failed attempt rolls its claim back (or releases it) and the same
// key can be retried after an error.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { HttpError } from '../http/errors.js';
import { IdempotencyKey, type StoredResponse } from './idempotency-key.model.js';

type Claim = { kind: 'claimed'; id: number } | { kind: 'replay'; response: StoredResponse };

/** A stable hash of the request body (keys sorted, so property order does not matter). */
function requestHash(body: unknown): string {
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

/** Claims the key for this request, or answers the first request's answer; 409 when that cannot be given. */
export async function claimIdempotencyKey(trx: Knex.Transaction, userId: number, key: string, body: unknown): Promise<Claim> {
  const hash = requestHash(body);
  const claim = await IdempotencyKey.claim(trx, userId, key, hash);
  if (claim.claimed) return { kind: 'claimed', id: claim.id };
  const { earlier } = claim;
  if (!earlier) {
    // The other request failed and released the key between our INSERT and SELECT.
    throw new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key was just being processed. Please retry.');
  }
  if (earlier.request_hash !== hash) {
    throw new HttpError(409, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  }
  if (earlier.response_status === null) {
    throw new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed. Please retry.');
  }
  return { kind: 'replay', response: { status: earlier.response_status, body: earlier.response_body } };
}
