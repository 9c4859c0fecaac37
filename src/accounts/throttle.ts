// Throttling in PostgreSQL, so every server process shares the counts: a fixed window per
// (scope, key), counted with one INSERT ... ON CONFLICT DO UPDATE — concurrent attempts each get
// their own count, with no read-then-write.
import type { Knex } from 'knex';
import type { RateLimit } from '../config.js';
import { tooManyRequests } from '../http/errors.js';

export type ThrottleScope = 'login' | 'register' | 'verification' | 'password_reset';

/** Counts one attempt; throws 429 (with Retry-After) when it is over the limit of the window. */
export async function countAttempt(db: Knex, scope: ThrottleScope, key: string, rate: RateLimit): Promise<void> {
  const result = await db.raw<{ rows: Array<{ hits: number; retry_after: string }> }>(
    `INSERT INTO throttle_buckets AS b (scope, key, hits, window_ends)
     VALUES (?, ?, 1, now() + make_interval(secs => ?))
     ON CONFLICT (scope, key) DO UPDATE SET
       hits = CASE WHEN b.window_ends <= now() THEN 1 ELSE b.hits + 1 END,
       window_ends = CASE WHEN b.window_ends <= now() THEN excluded.window_ends ELSE b.window_ends END
     RETURNING hits, EXTRACT(EPOCH FROM (window_ends - now())) AS retry_after`,
    [scope, key, rate.windowSeconds],
  );
  const row = result.rows[0]!;
  // A new window has just started for this key: sweep a few long-expired buckets of others, so
  // the table holds roughly the keys active in the last windows rather than every IP ever seen.
  if (row.hits === 1) await pruneExpired(db);
  if (row.hits > rate.limit) throw tooManyRequests(Number(row.retry_after));
}

async function pruneExpired(db: Knex): Promise<void> {
  await db.raw(
    `DELETE FROM throttle_buckets WHERE (scope, key) IN (
       SELECT scope, key FROM throttle_buckets WHERE window_ends < now() - interval '1 hour' LIMIT 100)`,
  );
}

/** Forgets the attempts of a key (a successful login clears its failed attempts). */
export async function clearAttempts(db: Knex, scope: ThrottleScope, key: string): Promise<void> {
  await db('throttle_buckets').where({ scope, key }).delete();
}
