// Resolves who a request comes from: a Bearer token (non-browser clients) or the `access` cookie
// (the storefront). The token must belong to a login session that is still open and to an active
// user — checked on every request, so logout, reuse detection, password reset and deactivation
// end access at once rather than when the token expires. The HTTP layer asks once per request.
import type { AuthResult } from '../http/api.js';
import type { RequestInfo } from '../http/operation.js';
import { bearerToken } from '../http/request.js';
import type { Services, SessionUser } from '../services.js';
import { ACCESS_COOKIE } from './cookies.js';
import { verifyToken } from './tokens.js';
import { SESSION_USER_COLUMNS } from './users.js';

const USER_COLUMNS = SESSION_USER_COLUMNS.map((column) => `u.${column}`);

export async function authenticate(request: RequestInfo, services: Services): Promise<AuthResult<SessionUser>> {
  const token = bearerToken(request.header('authorization')) ?? request.cookies.get(ACCESS_COOKIE);
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
  return { user: user as SessionUser };
}
