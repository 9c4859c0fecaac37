import { badRequest } from '../http/errors.js';
import type { Operation } from '../services.js';
import { consumeEmailToken, INVALID_EMAIL_TOKEN, sendQuietly, sendVerificationEmail } from './emails.js';
import { countAttempt } from './throttle.js';
import { User } from './user.model.js';

export const verifyEmail: Operation<'verifyEmail'> = {
  async handle({ body, services }) {
    const { db, config } = services;
    await db.transaction(async (trx) => {
      const userId = await consumeEmailToken(trx, config.secretKey, body.token, 'verify_email');
      if (userId === null) throw badRequest(INVALID_EMAIL_TOKEN, { token: [INVALID_EMAIL_TOKEN] });
      await User.markEmailVerified(trx, userId);
    });
    return { status: 200, body: { message: 'Email verified' } };
  },
};

export const resendVerification: Operation<'resendVerification'> = {
  async handle({ user, services, log }) {
    if (user.email_verified) return { status: 200, body: { message: 'Email already verified' } };
    await countAttempt(services.db, 'verification', String(user.id), services.config.throttle.verification);
    await sendQuietly(log, 'verification', () => sendVerificationEmail(services, user, log));
    return { status: 200, body: { message: 'Verification email sent' } };
  },
};
