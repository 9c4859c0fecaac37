import { badRequest } from '../http/errors.js';
import type { Operation } from '../services.js';
import { setSessionCookies } from './cookies.js';
import { checkPassword, hashPassword, spendPasswordCheckTime } from './passwords.js';
import { openSession } from './session-tokens.js';
import { ThrottleBucket } from './throttle-bucket.model.js';
import { countAttempt } from './throttle.js';
import { toUserResponse, User } from './user.model.js';

const INVALID = 'Invalid credentials';

export const login: Operation<'login'> = {
  async handle({ body, services, request }) {
    const { db, config } = services;
    const email = User.normaliseEmail(body.email);
    // Every attempt is counted before the password is checked (so parallel guesses cannot slip
    // past the limit); a success clears the count, leaving only failures to add up.
    const throttleKey = `${email}|${request.ip}`;
    await countAttempt(db, 'login', throttleKey, config.throttle.login);

    const user = await User.findByEmail(db, email);
    if (!user || !user.password || !user.is_active) {
      await spendPasswordCheckTime(body.password);
      throw badRequest(INVALID);
    }
    const check = await checkPassword(user.password, body.password);
    if (!check.ok) throw badRequest(INVALID);
    if (check.needsRehash) await User.rehashPassword(db, user.id, user.password, await hashPassword(body.password));
    await ThrottleBucket.forget(db, 'login', throttleKey);
    setSessionCookies(request.cookies, config, await openSession(db, config.secretKey, user.id));
    return { status: 200, body: { user: toUserResponse(user) } };
  },
};
