import { badRequest } from '../http/errors.js';
import type { Operation } from '../services.js';
import { setSessionCookies } from './cookies.js';
import { sendQuietly, sendVerificationEmail } from './emails.js';
import { hashPassword } from './passwords.js';
import { openSession } from './session-tokens.js';
import { countAttempt } from './throttle.js';
import { toUserResponse, User } from './user.model.js';

export const DUPLICATE_EMAIL = 'A user with this email already exists.';

export const register: Operation<'register'> = {
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
      if (!created) throw badRequest(DUPLICATE_EMAIL, { email: [DUPLICATE_EMAIL] });
      return { user: created, tokens: await openSession(trx, config.secretKey, created.id) };
    });
    // Sent after the answer: the account exists either way, and a slow mail server must not slow sign-up.
    void sendQuietly(log, 'verification', () => sendVerificationEmail(services, user, log));
    setSessionCookies(request.cookies, config, tokens);
    return { status: 201, body: { user: toUserResponse(user) } };
  },
};
