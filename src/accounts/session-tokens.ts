// The tokens of a login session: each login (password, registration, Google) opens a session and
// gets an access token and a refresh token naming it. A refresh rotates the refresh token; a second
// use of a rotated one (after a few seconds' grace for concurrent callers) is recognised as theft
// and ends the whole session. Logout revokes the
// session, which ends its access tokens too, since authenticate() refuses a revoked `sid`.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { LoginSession } from './login-session.model.js';
import { RefreshToken } from './refresh-token.model.js';
import { User } from './user.model.js';
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS, signToken, verifyToken } from './tokens.js';

export interface SessionTokens {
  sessionId: string;
  access: string;
  refresh: string;
}

async function issueTokens(db: Knex, secret: string, userId: number, sessionId: string): Promise<SessionTokens> {
  const refreshJti = randomUUID();
  await RefreshToken.record(db, { jti: refreshJti, sessionId, expiresAt: new Date(Date.now() + REFRESH_TOKEN_SECONDS * 1000) });
  const sub = String(userId);
  return {
    sessionId,
    access: signToken(secret, { sub, typ: 'access', sid: sessionId, jti: randomUUID() }, ACCESS_TOKEN_SECONDS),
    refresh: signToken(secret, { sub, typ: 'refresh', sid: sessionId, jti: refreshJti }, REFRESH_TOKEN_SECONDS),
  };
}

/** Opens a new login session for the user and returns its first access and refresh tokens. */
export async function openSession(db: Knex, secret: string, userId: number): Promise<SessionTokens> {
  return db.transaction(async (trx) => issueTokens(trx, secret, userId, await LoginSession.open(trx, userId)));
}

/** `blocked`: the token's user is blocked (its sessions ended when it was), which the caller says so. */
export type RotateResult = { ok: true; tokens: SessionTokens } | { ok: false; reason: string; blocked?: boolean };

/**
 * Exchanges a refresh token for a new pair of the same session. RefreshToken.rotate is the
 * decision: one caller rotates a given token, and for `graceSeconds` after that concurrent callers
 * with the same token (two tabs) get pairs too. A token rotated longer ago is a replay (someone
 * kept a copy), so its whole session is revoked.
 */
export async function rotateSession(db: Knex, secret: string, refreshToken: string, graceSeconds: number): Promise<RotateResult> {
  const claims = verifyToken(secret, refreshToken, 'refresh');
  if (!claims) return { ok: false, reason: 'Token is invalid or expired' };
  const token = { jti: claims.jti!, sessionId: claims.sid!, userId: Number(claims.sub) };
  return db.transaction(async (trx) => {
    if (await RefreshToken.rotate(trx, token, graceSeconds)) {
      // Rotated tokens are kept until they expire (to recognise a replay); after that they can go.
      await RefreshToken.dropExpired(trx, token.sessionId);
      return { ok: true as const, tokens: await issueTokens(trx, secret, token.userId, token.sessionId) };
    }
    if (await RefreshToken.wasRotated(trx, token)) {
      await LoginSession.revoke(trx, token.sessionId, 'refresh_reuse');
      return { ok: false as const, reason: 'Refresh token was already used; the session has been ended' };
    }
    if (await User.isBlocked(trx, token.userId)) return { ok: false as const, reason: 'The account is blocked', blocked: true };
    return { ok: false as const, reason: 'Session has ended' };
  });
}

/**
 * The tokens as sign-in answers carry them when AUTH_TOKENS_IN_BODY is on (nothing otherwise):
 * tokens readable by the page's JavaScript are exposed to any XSS on it, which the HttpOnly
 * cookies are not, so this is the operator's choice.
 */
export function tokensForBody(config: { tokensInBody: boolean }, tokens: SessionTokens): { access?: string; refresh?: string } {
  return config.tokensInBody ? { access: tokens.access, refresh: tokens.refresh } : {};
}
