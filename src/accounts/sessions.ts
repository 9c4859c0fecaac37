// Password accounts and their sessions: signing up, logging in and out, refreshing the session's
// tokens (all set as cookies, see cookies.ts), and who the signed-in user is.
import { badRequest, fieldError, forbidden, notAuthenticated } from '../http/errors.js';
import { bearerToken } from '../http/request.js';
import type { OperationTable } from '../services.js';
import { ACCESS_COOKIE, clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from './cookies.js';
import { sendQuietly, sendVerificationEmail } from './emails.js';
import { ACCOUNT_BLOCKED } from './staff-actions.js';
import { LoginSession } from './login-session.model.js';
import { checkPassword, hashPassword, spendPasswordCheckTime } from './passwords.js';
import { openSession, rotateSession } from './session-tokens.js';
import { ThrottleBucket } from './throttle-bucket.model.js';
import { countAttempt } from './throttle.js';
import { verifyToken, type TokenType } from './tokens.js';
import { toUserResponse, User } from './user.model.js';

const DUPLICATE_EMAIL = 'A user with this email already exists.';
const INVALID_CREDENTIALS = 'Invalid credentials';

export const sessionOperations = {
  register: {
    async handle({ body, services, request, log }) {
      const { db, config } = services;
      await countAttempt(db, 'register', request.ip, config.throttle.register);
      const passwordHash = await hashPassword(body.password);
      const { user, tokens } = await db.transaction(async (trx) => {
        // Of racing registrations of one email, the losers create nothing and get the 400, never a 500.
        const created = await User.register(trx, {
          email: body.email,
          passwordHash,
          firstName: body.first_name ?? '',
          lastName: body.last_name ?? '',
        });
        if (!created) throw fieldError('email', DUPLICATE_EMAIL, { summary: DUPLICATE_EMAIL });
        return { user: created, tokens: await openSession(trx, config.secretKey, created.id) };
      });
      // Sent after the answer: the account exists either way, and a slow mail server must not slow sign-up.
      void sendQuietly(log, 'verification', () => sendVerificationEmail(services, user, log));
      setSessionCookies(request.cookies, config, tokens);
      return { status: 201, body: { user: toUserResponse(user) } };
    },
  },

  login: {
    async handle({ body, services, request }) {
      const { db, config } = services;
      const email = User.normaliseEmail(body.email);
      // Every attempt is counted before the password is checked (so parallel guesses cannot slip
      // past the limit); a success clears the count, leaving only failures to add up.
      const throttleKey = `${email}|${request.ip}`;
      await countAttempt(db, 'login', throttleKey, config.throttle.login);

      const user = await User.findByEmail(db, email);
      if (!user || !user.password) {
        await spendPasswordCheckTime(body.password);
        throw badRequest(INVALID_CREDENTIALS);
      }
      const check = await checkPassword(user.password, body.password);
      if (!check.ok) throw badRequest(INVALID_CREDENTIALS);
      // Said only to whoever knows the password: a blocked account learns why it cannot sign in.
      if (!user.is_active) throw forbidden(ACCOUNT_BLOCKED);
      if (check.needsRehash) await User.rehashPassword(db, user.id, user.password, await hashPassword(body.password));
      await ThrottleBucket.forget(db, 'login', throttleKey);
      setSessionCookies(request.cookies, config, await openSession(db, config.secretKey, user.id));
      return { status: 200, body: { user: toUserResponse(user) } };
    },
  },

  refreshSession: {
    async handle({ services, request }) {
      const { db, config } = services;
      const token = request.cookies.get(REFRESH_COOKIE);
      if (!token) throw notAuthenticated('No refresh cookie');
      const result = await rotateSession(db, config.secretKey, token);
      if (!result.ok) {
        // The browser should stop sending cookies that can no longer work.
        clearSessionCookies(request.cookies, config);
        if (result.blocked) throw forbidden(ACCOUNT_BLOCKED);
        throw notAuthenticated(result.reason);
      }
      setSessionCookies(request.cookies, config, result.tokens);
      return { status: 200, body: { message: 'Token refreshed' } };
    },
  },

  logout: {
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
  },

  getMe: {
    async handle({ user }) {
      return { status: 200, body: toUserResponse(user) };
    },
  },
} satisfies Partial<OperationTable>;
