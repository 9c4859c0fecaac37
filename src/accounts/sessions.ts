// Login sessions: each login (password, registration, Google) opens a session row; its refresh
// tokens are recorded by digest so a refresh rotates them, a second use of a rotated one is
// recognised as theft (the whole session is revoked), and logout revokes the session — which also
// ends its access tokens, since authenticate() refuses a revoked `sid`.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS, signToken, tokenDigest, verifyToken } from './tokens.js';

export interface SessionTokens {
  sessionId: string;
  access: string;
  refresh: string;
}

export type RevokeReason = 'logout' | 'refresh_reuse' | 'password_reset' | 'deactivated';

async function issueTokens(db: Knex, secret: string, userId: number, sessionId: string): Promise<SessionTokens> {
  const refreshJti = randomUUID();
  await db('refresh_tokens').insert({
    jti_hash: tokenDigest(refreshJti),
    session_id: sessionId,
    expires_at: new Date(Date.now() + REFRESH_TOKEN_SECONDS * 1000),
  });
  const sub = String(userId);
  return {
    sessionId,
    access: signToken(secret, { sub, typ: 'access', sid: sessionId, jti: randomUUID() }, ACCESS_TOKEN_SECONDS),
    refresh: signToken(secret, { sub, typ: 'refresh', sid: sessionId, jti: refreshJti }, REFRESH_TOKEN_SECONDS),
  };
}

/** Opens a new login session for the user and returns its first access and refresh tokens. */
export async function openSession(db: Knex, secret: string, userId: number): Promise<SessionTokens> {
  return db.transaction(async (trx) => {
    const sessionId = randomUUID();
    await trx('login_sessions').insert({ id: sessionId, user_id: userId });
    return issueTokens(trx, secret, userId, sessionId);
  });
}

export type RotateResult = { ok: true; tokens: SessionTokens } | { ok: false; reason: string };

/**
 * Exchanges a refresh token for a new pair. The conditional UPDATE is the decision: exactly one
 * caller can mark a given refresh token rotated. A token that was already rotated is a replay
 * (someone kept a copy), so its whole session is revoked.
 */
export async function rotateSession(db: Knex, secret: string, refreshToken: string): Promise<RotateResult> {
  const claims = verifyToken(secret, refreshToken, 'refresh');
  if (!claims) return { ok: false, reason: 'Token is invalid or expired' };
  const digest = tokenDigest(claims.jti!);
  return db.transaction(async (trx) => {
    const rotated = await trx.raw<{ rows: Array<{ user_id: number }> }>(
      `UPDATE refresh_tokens AS rt SET rotated_at = now()
         FROM login_sessions AS s JOIN users AS u ON u.id = s.user_id
        WHERE rt.jti_hash = ? AND rt.session_id = ? AND s.id = rt.session_id AND u.id = ?
          AND rt.rotated_at IS NULL AND rt.expires_at > now() AND s.revoked_at IS NULL AND u.is_active
      RETURNING s.user_id`,
      [digest, claims.sid!, Number(claims.sub)],
    );
    if (rotated.rows.length === 1) {
      // Rotated tokens are kept until they expire (to recognise a replay); after that they can go.
      await trx('refresh_tokens').where({ session_id: claims.sid! }).where('expires_at', '<', trx.fn.now()).delete();
      return { ok: true as const, tokens: await issueTokens(trx, secret, rotated.rows[0]!.user_id, claims.sid!) };
    }
    const known = await trx('refresh_tokens').select('rotated_at').where({ jti_hash: digest, session_id: claims.sid! }).first();
    if (known?.rotated_at) {
      await revokeSession(trx, claims.sid!, 'refresh_reuse');
      return { ok: false as const, reason: 'Refresh token was already used; the session has been ended' };
    }
    return { ok: false as const, reason: 'Session has ended' };
  });
}

/** Marks a session revoked (idempotent: the first reason recorded wins). */
export async function revokeSession(db: Knex, sessionId: string, reason: RevokeReason): Promise<void> {
  await db('login_sessions').where({ id: sessionId }).whereNull('revoked_at').update({ revoked_at: db.fn.now(), revoked_reason: reason });
}

/** Ends every session of the user (password reset, deactivation). */
export async function revokeAllSessions(db: Knex, userId: number, reason: RevokeReason): Promise<number> {
  return db('login_sessions')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now(), revoked_reason: reason });
}

/** How long an ended session (revoked, or its last refresh token expired) is kept before it is forgotten. */
const ENDED_SESSION_TTL = '1 day';

/**
 * Forgets login sessions that can no longer be used: revoked ones, and ones whose refresh tokens
 * have all expired (their access tokens, an hour long, expired long before). Their refresh-token
 * digests go with them (ON DELETE CASCADE); so do expired e-mail tokens. Small batches, so a chore
 * run never holds locks for long.
 */
export async function pruneEndedSessions(db: Knex): Promise<number> {
  const pruned = await db.raw<{ rows: Array<{ id: string }> }>(
    `DELETE FROM login_sessions WHERE id IN (
       SELECT s.id FROM login_sessions s
       WHERE s.revoked_at < now() - interval '${ENDED_SESSION_TTL}'
          OR (s.created_at < now() - interval '${ENDED_SESSION_TTL}'
              AND NOT EXISTS (SELECT 1 FROM refresh_tokens r
                              WHERE r.session_id = s.id AND r.expires_at > now() - interval '${ENDED_SESSION_TTL}'))
       LIMIT 1000)
     RETURNING id`,
  );
  await db.raw(
    `DELETE FROM one_time_tokens WHERE jti_hash IN (
       SELECT jti_hash FROM one_time_tokens WHERE expires_at < now() - interval '${ENDED_SESSION_TTL}' LIMIT 1000)`,
  );
  return pruned.rows.length;
}
