import { badRequest } from '../http/errors.js';
import type { Operation } from '../services.js';
import { setSessionCookies } from './cookies.js';
import { sendQuietly, sendVerificationEmail } from './emails.js';
import { hashPassword } from './passwords.js';
import type { SessionUser } from '../services.js';
import { openSession } from './sessions.js';
import { countAttempt } from './throttle.js';
import { toUserResponse } from './user.model.js';
import { normaliseEmail, SESSION_USER_COLUMNS } from './users.js';

export const DUPLICATE_EMAIL = 'A user with this email already exists.';

export const register: Operation<'register'> = {
  async handle({ body, services, request, log }) {
    const { db, config } = services;
    await countAttempt(db, 'register', request.ip, config.throttle.register);
    const password = await hashPassword(body.password);
    const { user, tokens } = await db.transaction(async (trx) => {
      // The unique index decides between racing registrations of one email: the loser inserts
      // nothing and gets the 400, never a 500.
      const [created] = (await trx('users')
        .insert({
          email: normaliseEmail(body.email),
          password,
          first_name: body.first_name ?? '',
          last_name: body.last_name ?? '',
        })
        .onConflict('email')
        .ignore()
        .returning([...SESSION_USER_COLUMNS])) as SessionUser[];
      if (!created) throw badRequest(DUPLICATE_EMAIL, { email: [DUPLICATE_EMAIL] });
      return { user: created, tokens: await openSession(trx, config.secretKey, created.id) };
    });
    // Sent after the answer: the account exists either way, and a slow mail server must not slow sign-up.
    void sendQuietly(log, 'verification', () => sendVerificationEmail(services, user, log));
    setSessionCookies(request.cookies, config, tokens);
    return { status: 201, body: { user: toUserResponse(user) } };
  },
};
