// The record that makes an e-mailed token (a signed JWT: verification, password reset) usable
// once. Only the SHA-256 of its jti is stored; consuming it is one conditional UPDATE of used_at,
// so two clicks racing each other cannot both succeed.
import type { Knex } from 'knex';
import { fn, Model } from 'objection';
import { tokenDigest } from './tokens.js';

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

export interface OneTimeTokenRow {
  jti_hash: string;
  user_id: number;
  purpose: EmailTokenPurpose;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

/** Which e-mailed token: the jti, purpose and user its JWT names. */
export interface OneTimeTokenClaims {
  jti: string;
  purpose: EmailTokenPurpose;
  userId: number;
}

/** How long an expired token is kept before it is forgotten. */
const EXPIRED_TOKEN_TTL = '1 day';

// Declaration merging gives the Objection model the row's typed columns.
export interface OneTimeToken extends OneTimeTokenRow {}
/** The Objection model of one_time_tokens; its user is User's `oneTimeTokens` relation. */
export class OneTimeToken extends Model {
  static override tableName = 'one_time_tokens';
  static override idColumn = 'jti_hash';

  static async record(db: Knex, token: OneTimeTokenClaims & { expiresAt: Date }): Promise<void> {
    await OneTimeToken.query(db).insert({
      jti_hash: tokenDigest(token.jti),
      user_id: token.userId,
      purpose: token.purpose,
      expires_at: token.expiresAt,
    });
  }

  /**
   * Uses the token up when its record matches (purpose and user too), is unused and unexpired:
   * ONE conditional UPDATE, so of concurrent callers with the same token at most one gets true.
   */
  static async consume(db: Knex, token: OneTimeTokenClaims): Promise<boolean> {
    const used = await OneTimeToken.query(db)
      .patch({ used_at: fn.now() })
      .where({ jti_hash: tokenDigest(token.jti), purpose: token.purpose, user_id: token.userId })
      .whereNull('used_at')
      .where('expires_at', '>', fn.now());
    return used === 1;
  }

  /**
   * Ends every unused token of the user (of one purpose, or all): a reset link mailed before the
   * password was reset, changed or taken over must not set it again. Answers how many ended.
   */
  static async endAllOf(db: Knex, userId: number, purpose?: EmailTokenPurpose): Promise<number> {
    const query = OneTimeToken.query(db).patch({ used_at: fn.now() }).where({ user_id: userId }).whereNull('used_at');
    if (purpose) query.where({ purpose });
    return query;
  }

  /**
   * Whether the token could be consumed now (recorded for that user and purpose, unused,
   * unexpired), without using it up: the cheap check before expensive work (hashing the new
   * password); consume() still decides.
   */
  static async isUsable(db: Knex, token: OneTimeTokenClaims): Promise<boolean> {
    const row = await OneTimeToken.query(db)
      .select('jti_hash')
      .where({ jti_hash: tokenDigest(token.jti), purpose: token.purpose, user_id: token.userId })
      .whereNull('used_at')
      .where('expires_at', '>', fn.now())
      .first();
    return Boolean(row);
  }

  /** Forgets tokens expired for a day, at most 1000 per call (a housekeeping round stays short). */
  static async pruneExpired(db: Knex): Promise<number> {
    const pruned = await db.raw<{ rows: unknown[] }>(
      `DELETE FROM one_time_tokens WHERE jti_hash IN (
         SELECT jti_hash FROM one_time_tokens WHERE expires_at < now() - interval '${EXPIRED_TOKEN_TTL}' LIMIT 1000)
       RETURNING jti_hash`,
    );
    return pruned.rows.length;
  }
}
