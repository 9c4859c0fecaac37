// Password accounts and their sessions: signing up, logging in and out, refreshing the session's
// tokens, and who the signed-in user is. Browsers get the tokens as cookies (cookies.ts); clients
// that cannot keep cookies get them in the body from the token endpoints (and, with
// AUTH_TOKENS_IN_BODY, from every sign-in): the same sessions, rotation, revocation and limits.
import { badRequest, fieldError, forbidden, notAuthenticated } from '../http/errors.js';
import type { RequestInfo } from '../http/operation.js';
import { bearerToken } from '../http/request.js';
import type { Services, OperationTable, SessionUser } from '../services.js';
import { ACCESS_COOKIE, clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from './cookies.js';
import { sendQuietly, sendVerificationEmail } from './emails.js';
import { ACCOUNT_BLOCKED } from './staff-actions.js';
import { LoginSession } from './login-session.model.js';
import { checkPassword, hashPassword, passwordHashSlots, spendPasswordCheckTime } from './passwords.js';
import { openSession, rotateSession, tokensForBody } from './session-tokens.js';
import { ThrottleBucket } from './throttle-bucket.model.js';
import { countAttempt, throttleAddress } from './throttle.js';
import { verifyToken, type TokenType } from './tokens.js';
import { toUserResponse, User } from './user.model.js';

const DUPLICATE_EMAIL = 'A user with this email already exists.';
const INVALID_CREDENTIALS = 'Invalid credentials';
const REFRESHED = 'Token refreshed';

/**
 * Checks an email and password (login and the token endpoint alike); answers the user or throws
 * 400 Invalid credentials, 429 over a limit, 503 when too many hashes are waiting.
 *
 * Two limits count every attempt before the password is checked (so parallel guesses cannot slip
 * past them), and a success clears both: per email + client address (THROTTLE_LOGIN), and per
 * email whatever the address (THROTTLE_LOGIN_ACCOUNT), which a botnet or the many addresses of an
 * IPv6 network cannot spread out. The second is a short window on purpose: its refusals hit the
 * owner too, so an attacker can keep them out for at most one window at a time, and a password
 * reset (which proves the mailbox) or Google sign-in lets them in at once.
 */
async function checkCredentials(services: Services, request: RequestInfo, body: { email: string; password: string }): Promise<SessionUser> {
  const { db, config } = services;
  const email = User.normaliseEmail(body.email);
  const addressKey = `${email}|${throttleAddress(request.ip)}`;
  await countAttempt(db, 'login', addressKey, config.throttle.login);
  await countAttempt(db, 'login_account', email, config.throttle.loginAccount);

  const user = await User.findByEmail(db, email);
  const ok = await passwordHashSlots(config).run(async () => {
    if (!user || !user.password) {
      await spendPasswordCheckTime(body.password);
      return false;
    }
    const check = await checkPassword(user.password, body.password);
    if (check.ok && check.needsRehash) await User.rehashPassword(db, user.id, user.password, await hashPassword(body.password));
    return check.ok;
  });
  if (!ok || !user) throw badRequest(INVALID_CREDENTIALS);
  // Said only to whoever knows the password: a blocked account learns why it cannot sign in.
  if (!user.is_active) throw forbidden(ACCOUNT_BLOCKED);
  await ThrottleBucket.forget(db, 'login', addressKey);
  await ThrottleBucket.forget(db, 'login_account', email);
  return user;
}

export const sessionOperations = {
  register: {
    async handle({ body, services, request, log }) {
      const { db, config } = services;
      await countAttempt(db, 'register', throttleAddress(request.ip), config.throttle.register);
      const passwordHash = await passwordHashSlots(config).run(() => hashPassword(body.password));
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
      return { status: 201, body: { user: toUserResponse(user), ...tokensForBody(config, tokens) } };
    },
  },

  login: {
    async handle({ body, services, request }) {
      const { db, config } = services;
      const user = await checkCredentials(services, request, body);
      const tokens = await openSession(db, config.secretKey, user.id);
      setSessionCookies(request.cookies, config, tokens);
      return { status: 200, body: { user: toUserResponse(user), ...tokensForBody(config, tokens) } };
    },
  },

  obtainTokens: {
    async handle({ body, services, request }) {
      const { db, config } = services;
      const user = await checkCredentials(services, request, body);
      const { access, refresh } = await openSession(db, config.secretKey, user.id);
      return { status: 200, body: { access, refresh } };
    },
  },

  refreshSession: {
    async handle({ body, services, request }) {
      const { db, config } = services;
      // A refresh token in the body is a client that keeps its tokens itself (the later
      // storefront, apps): it gets the new pair in the body and no cookies.
      const fromBody = body?.refresh;
      const token = fromBody ?? request.cookies.get(REFRESH_COOKIE);
      if (!token) throw notAuthenticated('No refresh cookie');
      const result = await rotateSession(db, config.secretKey, token, config.refreshReuseGraceSeconds);
      if (!result.ok) {
        // The browser should stop sending cookies that can no longer work.
        if (fromBody === undefined) clearSessionCookies(request.cookies, config);
        if (result.blocked) throw forbidden(ACCOUNT_BLOCKED);
        throw notAuthenticated(result.reason);
      }
      const { access, refresh } = result.tokens;
      if (fromBody !== undefined) return { status: 200, body: { message: REFRESHED, access, refresh } };
      setSessionCookies(request.cookies, config, result.tokens);
      return { status: 200, body: { message: REFRESHED, ...tokensForBody(config, result.tokens) } };
    },
  },

  refreshTokens: {
    async handle({ body, services }) {
      const { db, config } = services;
      const result = await rotateSession(db, config.secretKey, body.refresh, config.refreshReuseGraceSeconds);
      if (!result.ok) throw result.blocked ? forbidden(ACCOUNT_BLOCKED) : notAuthenticated(result.reason);
      return { status: 200, body: { access: result.tokens.access, refresh: result.tokens.refresh } };
    },
  },

  logout: {
    async handle({ body, services, request }) {
      const { db, config } = services;
      // Whichever valid session token came with the request names the session to end; revoking it
      // ends its refresh token and its access tokens (cookie or Bearer) together.
      const presented: Array<[string | undefined, TokenType]> = [
        [request.cookies.get(REFRESH_COOKIE), 'refresh'],
        [request.cookies.get(ACCESS_COOKIE), 'access'],
        [bearerToken(request.header('authorization')), 'access'],
        [body?.refresh, 'refresh'],
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
