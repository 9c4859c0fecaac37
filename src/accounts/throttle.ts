// Throttling of the account operations that guessing or spraying would abuse (login, registration,
// verification mails, password-reset mails). The counts live in PostgreSQL (ThrottleBucket), so
// every server process shares them, and each attempt is counted in one statement: concurrent
// attempts each get their own count, with no read-then-write.
import type { Knex } from 'knex';
import type { RateLimit } from '../config.js';
import { tooManyRequests } from '../http/errors.js';
import { ThrottleBucket, type ThrottleScope } from './throttle-bucket.model.js';

/** Counts one attempt; throws 429 (with Retry-After) when it is over the limit of the window. */
export async function countAttempt(db: Knex, scope: ThrottleScope, key: string, rate: RateLimit): Promise<void> {
  const attempt = await ThrottleBucket.countAttempt(db, scope, key, rate.windowSeconds);
  // A new window has just started for this key: sweep a few long-expired buckets of others.
  if (attempt.hits === 1) await ThrottleBucket.pruneExpired(db);
  if (attempt.hits > rate.limit) throw tooManyRequests(attempt.secondsLeft);
}
