// A refresh token of a login session, recorded by the SHA-256 of its jti (a database leak yields
// nothing usable). Rotated tokens are kept until they expire, so a second use is recognised.
import type { Knex } from 'knex';
import { fn, Model } from 'objection';
import { tokenDigest } from './tokens.js';

export interface RefreshTokenRow {
  jti_hash: string;
  session_id: string;
  created_at: Date;
  expires_at: Date;
  rotated_at: Date | null;
}

/** Which refresh token: the jti and session its JWT names, and the user it was issued to. */
export interface RefreshTokenClaims {
  jti: string;
  sessionId: string;
  userId: number;
}

// Declaration merging gives the Objection model the row's typed columns.
export interface RefreshToken extends RefreshTokenRow {}
/** The Objection model of refresh_tokens; its session is LoginSession's `refreshTokens` relation. */
export class RefreshToken extends Model {
  static override tableName = 'refresh_tokens';
  static override idColumn = 'jti_hash';

  static async record(db: Knex, token: { jti: string; sessionId: string; expiresAt: Date }): Promise<void> {
    await RefreshToken.query(db).insert({ jti_hash: tokenDigest(token.jti), session_id: token.sessionId, expires_at: token.expiresAt });
  }

  /**
   * Marks the token rotated when it may still be used: not rotated yet — or rotated less than
   * `graceSeconds` ago (two tabs refreshing with the same cookie at once: the later ones get a
   * pair too, rather than being taken for a thief) — not expired, its session open, its user the
   * one it names and active. ONE conditional UPDATE; the first rotation time is kept, so the grace
   * never stretches. It is measured on the clock (clock_timestamp), not the transaction's start
   * (now()), so a grace of 0 admits exactly one caller even among concurrent transactions.
   */
  static async rotate(db: Knex, token: RefreshTokenClaims, graceSeconds: number): Promise<boolean> {
    const rotated = await db.raw<{ rows: unknown[] }>(
      `UPDATE refresh_tokens AS rt SET rotated_at = COALESCE(rt.rotated_at, now())
         FROM login_sessions AS s JOIN users AS u ON u.id = s.user_id
        WHERE rt.jti_hash = ? AND rt.session_id = ? AND s.id = rt.session_id AND u.id = ?
          AND (rt.rotated_at IS NULL OR rt.rotated_at > clock_timestamp() - make_interval(secs => ?))
          AND rt.expires_at > now() AND s.revoked_at IS NULL AND u.is_active
      RETURNING rt.jti_hash`,
      [tokenDigest(token.jti), token.sessionId, token.userId, graceSeconds],
    );
    return rotated.rows.length === 1;
  }

  /** Whether the session recorded this token and it has been rotated already (a replay when presented again). */
  static async wasRotated(db: Knex, token: Pick<RefreshTokenClaims, 'jti' | 'sessionId'>): Promise<boolean> {
    const row = await RefreshToken.query(db)
      .select('rotated_at')
      .findOne({ jti_hash: tokenDigest(token.jti), session_id: token.sessionId });
    return Boolean(row?.rotated_at);
  }

  /** Forgets the session's expired tokens: past their expiry a replay is refused by the JWT itself. */
  static async dropExpired(db: Knex, sessionId: string): Promise<void> {
    await RefreshToken.query(db).delete().where({ session_id: sessionId }).where('expires_at', '<', fn.now());
  }
}
