// Resolves who a request comes from: a Bearer token (non-browser clients) or the `access` cookie
// (the storefront). The token must belong to a login session that is still open and to an active
// user (User.signedInThrough), checked on every request. The HTTP layer asks once per request.
import type { AuthResult } from '../http/api.js';
import type { RequestInfo } from '../http/operation.js';
import { bearerToken } from '../http/request.js';
import type { Services, SessionUser } from '../services.js';
import { ACCESS_COOKIE } from './cookies.js';
import { verifyToken } from './tokens.js';
import { User } from './user.model.js';

export async function authenticate(request: RequestInfo, services: Services): Promise<AuthResult<SessionUser>> {
  const token = bearerToken(request.header('authorization')) ?? request.cookies.get(ACCESS_COOKIE);
  if (!token) return { user: null, reason: 'Authentication credentials were not provided.' };
  const claims = verifyToken(services.config.secretKey, token, 'access');
  if (!claims) return { user: null, reason: 'Given token not valid for any token type' };
  const user = await User.signedInThrough(services.db, { sessionId: claims.sid!, userId: Number(claims.sub) });
  if (!user) return { user: null, reason: 'Session has ended or the user is inactive.' };
  return { user };
}
