import { notAuthenticated } from '../http/errors.js';
import { operation } from '../http/operation.js';
import { clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from './cookies.js';
import { rotateSession } from './sessions.js';

export const refreshSession = operation<'refreshSession'>({
  async handle({ services, ctx }) {
    const { db, config } = services;
    const token = ctx.cookies.get(REFRESH_COOKIE);
    if (!token) throw notAuthenticated('No refresh cookie');
    const result = await rotateSession(db, config.secretKey, token);
    if (!result.ok) {
      // The browser should stop sending cookies that can no longer work.
      clearSessionCookies(ctx, config);
      throw notAuthenticated(result.reason);
    }
    setSessionCookies(ctx, config, result.tokens);
    return { status: 200, body: { message: 'Token refreshed' } };
  },
});
