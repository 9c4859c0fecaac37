// A login session: one row per login (password, registration, Google), a "refresh token family".
// Access and refresh tokens carry its id as `sid`, so revoking the session ends them all at once.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fn, Model, type RelationMappings } from 'objection';
import { RefreshToken } from './refresh-token.model.js';

export type RevokeReason = 'logout' | 'refresh_reuse' | 'password_reset' | 'deactivated' | 'google_takeover';

export interface LoginSessionRow {
  id: string;
  user_id: number;
  created_at: Date;
  revoked_at: Date | null;
  revoked_reason: RevokeReason | null;
}

/** How long an ended session (revoked, or its last refresh token expired) is kept before it is forgotten. */
const ENDED_SESSION_TTL = '1 day';

// Declaration merging gives the Objection model the row's typed columns.
export interface LoginSession extends LoginSessionRow {}
/**
 * The Objection model of login_sessions. Relations run from owner to owned (a user's `sessions`,
 * a session's `refreshTokens`), so the model files import each other one way only.
 */
export class LoginSession extends Model {
  static override tableName = 'login_sessions';

  refreshTokens?: RefreshToken[];

  static override relationMappings: RelationMappings = {
    refreshTokens: {
      relation: Model.HasManyRelation,
      modelClass: RefreshToken,
      join: { from: 'login_sessions.id', to: 'refresh_tokens.session_id' },
    },
  };

  /** Opens a session for the user; answers its id. */
  static async open(db: Knex, userId: number): Promise<string> {
    const id = randomUUID();
    await LoginSession.query(db).insert({ id, user_id: userId });
    return id;
  }

  /** Marks the session revoked. Idempotent: the first reason recorded wins. */
  static async revoke(db: Knex, sessionId: string, reason: RevokeReason): Promise<void> {
    await LoginSession.query(db).patch({ revoked_at: fn.now(), revoked_reason: reason }).findById(sessionId).whereNull('revoked_at');
  }

  /** Revokes every open session of the user (password reset, Google takeover, deactivation); answers how many. */
  static async revokeAllOf(db: Knex, userId: number, reason: RevokeReason): Promise<number> {
    return LoginSession.query(db)
      .patch({ revoked_at: fn.now(), revoked_reason: reason })
      .where({ user_id: userId })
      .whereNull('revoked_at');
  }

  /**
   * Forgets sessions that can no longer be used: revoked ones, and ones whose refresh tokens have
   * all expired (their access tokens, an hour long, expired long before), once they have been so
   * for ENDED_SESSION_TTL. Their refresh-token digests go with them (ON DELETE CASCADE). At most
   * 1000 per call, so a housekeeping round never holds locks for long. Answers how many went.
   */
  static async pruneEnded(db: Knex): Promise<number> {
    const pruned = await db.raw<{ rows: unknown[] }>(
      `DELETE FROM login_sessions WHERE id IN (
         SELECT s.id FROM login_sessions s
         WHERE s.revoked_at < now() - interval '${ENDED_SESSION_TTL}'
            OR (s.created_at < now() - interval '${ENDED_SESSION_TTL}'
                AND NOT EXISTS (SELECT 1 FROM refresh_tokens r
                                WHERE r.session_id = s.id AND r.expires_at > now() - interval '${ENDED_SESSION_TTL}'))
         LIMIT 1000)
       RETURNING id`,
    );
    return pruned.rows.length;
  }
}
