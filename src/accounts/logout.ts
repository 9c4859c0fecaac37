import type { Operation } from '../services.js';
import { bearerToken } from '../http/request.js';
import { ACCESS_COOKIE, clearSessionCookies, REFRESH_COOKIE } from './cookies.js';
import { LoginSession } from './login-session.model.js';
import { verifyToken, type TokenType } from './tokens.js';

export const logout: Operation<'logout'> = {
  async handle({ services, request }) {
    const { db, config } = services;
    // Whichever valid session token came with the request names the session to end; revoking it
    // ends its refresh token and its access tokens (cookie or Bearer) together.
    const presented: Array<[string | undefined, TokenType]> = [
      [request.cookies.get(REFRESH_COOKIE), 'refresh'],
      [request.cookies.get(ACCESS_COOKIE), 'access'],
      [bearerToken(request.header('authorization')), 'access'],
    ];
    const sessions = new Set<string>();
    for (const [token, type] of presented) {
      const claims = token ? verifyToken(config.secretKey, token, type) : null;
      if (claims?.sid) sessions.add(claims.sid);
    }
    for (const sessionId of sessions) await LoginSession.revoke(db, sessionId, 'logout');
    clearSessionCookies(request.cookies, config);
    return { status: 200, body: { message: 'Logged out' } };
  },
};
