import { notAuthenticated } from '../http/errors.js';
import type { Operation } from '../services.js';
import { clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from './cookies.js';
import { rotateSession } from './session-tokens.js';

export const refreshSession: Operation<'refreshSession'> = {
  async handle({ services, request }) {
    const { db, config } = services;
    const token = request.cookies.get(REFRESH_COOKIE);
    if (!token) throw notAuthenticated('No refresh cookie');
    const result = await rotateSession(db, config.secretKey, token);
    if (!result.ok) {
      // The browser should stop sending cookies that can no longer work.
      clearSessionCookies(request.cookies, config);
      throw notAuthenticated(result.reason);
    }
    setSessionCookies(request.cookies, config, result.tokens);
    return { status: 200, body: { message: 'Token refreshed' } };
  },
};
