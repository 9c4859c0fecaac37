// A fixed-window attempt counter per (scope, key), kept in PostgreSQL so every server process
// shares the counts. A bucket names no other row (its key is an IP, an email or a user id), so the
// model has no relations.
import type { Knex } from 'knex';
import { Model } from 'objection';

export type ThrottleScope =
  'login' | 'login_account' | 'register' | 'verification' | 'password_reset' | 'password_reset_ip' | 'password_reset_confirm';

export interface ThrottleBucketRow {
  scope: ThrottleScope;
  key: string;
  hits: number;
  window_ends: Date;
}

/** The state of a bucket right after an attempt was counted in it. */
export interface CountedAttempt {
  /** Attempts in the current window, this one included (1: this attempt opened a new window). */
  hits: number;
  /** Seconds until the window ends. */
  secondsLeft: number;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface ThrottleBucket extends ThrottleBucketRow {}
/** The Objection model of throttle_buckets. */
export class ThrottleBucket extends Model {
  static override tableName = 'throttle_buckets';
  static override idColumn = ['scope', 'key'];

  /**
   * Counts one attempt: ONE INSERT ... ON CONFLICT DO UPDATE that opens a window of
   * `windowSeconds` or adds to the open one, so concurrent attempts each get their own count.
   */
  static async countAttempt(db: Knex, scope: ThrottleScope, key: string, windowSeconds: number): Promise<CountedAttempt> {
    const result = await db.raw<{ rows: Array<{ hits: number; seconds_left: string }> }>(
      `INSERT INTO throttle_buckets AS b (scope, key, hits, window_ends)
       VALUES (?, ?, 1, now() + make_interval(secs => ?))
       ON CONFLICT (scope, key) DO UPDATE SET
         hits = CASE WHEN b.window_ends <= now() THEN 1 ELSE b.hits + 1 END,
         window_ends = CASE WHEN b.window_ends <= now() THEN excluded.window_ends ELSE b.window_ends END
       RETURNING hits, EXTRACT(EPOCH FROM (window_ends - now())) AS seconds_left`,
      [scope, key, windowSeconds],
    );
    const row = result.rows[0]!;
    return { hits: row.hits, secondsLeft: Number(row.seconds_left) };
  }

  /** Forgets the attempts of a key. */
  static async forget(db: Knex, scope: ThrottleScope, key: string): Promise<void> {
    await ThrottleBucket.query(db).delete().where({ scope, key });
  }

  /**
   * Sweeps up to 100 buckets whose window ended over an hour ago, so the table holds roughly the
   * keys active in the last windows rather than every IP ever seen.
   */
  static async pruneExpired(db: Knex): Promise<void> {
    await db.raw(
      `DELETE FROM throttle_buckets WHERE (scope, key) IN (
         SELECT scope, key FROM throttle_buckets WHERE window_ends < now() - interval '1 hour' LIMIT 100)`,
    );
  }
}
