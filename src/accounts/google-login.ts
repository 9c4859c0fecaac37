import { badRequest, forbidden, serviceUnavailable } from '../http/errors.js';
import type { Operation } from '../services.js';
import { setSessionCookies } from './cookies.js';
import { verifyGoogleIdToken } from './google-verifier.js';
import type { SessionUser } from '../services.js';
import { openSession } from './sessions.js';
import { countAttempt } from './throttle.js';
import { toUserResponse } from './user.model.js';
import { normaliseEmail, SESSION_USER_COLUMNS } from './users.js';

export const googleLogin: Operation<'googleLogin'> = {
  async handle({ body, services, request }) {
    const { db, config } = services;
    const verification = await verifyGoogleIdToken(config, body.id_token);
    if (!verification.ok) {
      if (verification.problem === 'not_configured') throw serviceUnavailable('Google sign-in is not configured.');
      if (verification.problem === 'certificates_unavailable') throw serviceUnavailable('Google sign-in is unavailable right now.');
      throw badRequest('Invalid Google token');
    }
    const google = verification.identity;
    // Linking to an existing account by email is only safe when Google vouches for the address.
    if (!google.emailVerified) throw badRequest('Google has not verified this email address.');
    const email = normaliseEmail(google.email);
    // A first Google sign-in creates an account, so it counts against the same per-IP limit as a
    // registration; signing in to an existing account does not.
    if (!(await db('users').where({ email }).first('id'))) {
      await countAttempt(db, 'register', request.ip, config.throttle.register);
    }

    const { user, created, tokens } = await db.transaction(async (trx) => {
      const [inserted] = (await trx('users')
        .insert({ email, password: null, first_name: google.givenName, last_name: google.familyName, email_verified: true })
        .onConflict('email')
        .ignore()
        .returning([...SESSION_USER_COLUMNS])) as SessionUser[];
      let account = inserted;
      if (!account) {
        // Google has just proven the address belongs to this person, so it counts as verified.
        const [existing] = (await trx('users')
          .where({ email, is_active: true })
          .update({ email_verified: true, updated_at: trx.fn.now() })
          .returning([...SESSION_USER_COLUMNS])) as SessionUser[];
        if (!existing) throw forbidden('This account is disabled.');
        account = existing;
      }
      return { user: account, created: Boolean(inserted), tokens: await openSession(trx, config.secretKey, account.id) };
    });
    setSessionCookies(request.cookies, config, tokens);
    return { status: 200, body: { user: toUserResponse(user), created } };
  },
};
