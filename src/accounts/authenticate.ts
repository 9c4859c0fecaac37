// Resolves who a request comes from: a Bearer token (non-browser clients) or the `access` cookie
// (the storefront). The token must belong to a login session that is still open and to an active
// user — checked on every request, so logout, reuse detection, password reset and deactivation
// end access at once rather than when the token expires. The result is memoised on the request
// because the spec lists two security schemes and openapi-backend asks each of them.
import type Koa from 'koa';
import type { Services } from '../services.js';
import { ACCESS_COOKIE } from './cookies.js';
import type { SessionUser } from './session-user.js';
import { verifyToken } from './tokens.js';
import { SESSION_USER_COLUMNS } from './users.js';

export type AuthResult = { user: SessionUser; via: 'cookie' | 'bearer'; sessionId: string } | { user: null; reason: string };

const USER_COLUMNS = SESSION_USER_COLUMNS.map((column) => `u.${column}`);

export function bearerToken(ctx: Koa.Context): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return match?.[1];
}

async function resolve(ctx: Koa.Context, services: Services): Promise<AuthResult> {
  const bearer = bearerToken(ctx);
  const cookie = ctx.cookies.get(ACCESS_COOKIE);
  const token = bearer ?? cookie;
  if (!token) return { user: null, reason: 'Authentication credentials were not provided.' };
  const claims = verifyToken(services.config.secretKey, token, 'access');
  if (!claims) return { user: null, reason: 'Given token not valid for any token type' };
  const user = await services
    .db({ s: 'login_sessions' })
    .join({ u: 'users' }, 'u.id', 's.user_id')
    .select(USER_COLUMNS)
    .where({ 's.id': claims.sid!, 'u.id': Number(claims.sub), 'u.is_active': true })
    .whereNull('s.revoked_at')
    .first();
  if (!user) return { user: null, reason: 'Session has ended or the user is inactive.' };
  return { user: user as SessionUser, via: bearer ? 'bearer' : 'cookie', sessionId: claims.sid! };
}

export function authenticate(ctx: Koa.Context, services: Services): Promise<AuthResult> {
  const state = ctx.state as { auth?: Promise<AuthResult> };
  state.auth ??= resolve(ctx, services);
  return state.auth;
}
