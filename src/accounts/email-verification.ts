// Verifying the email address: the link mailed at registration (or on request) carries a
// single-use token (emails.ts); following it marks the address verified.
import { fieldError } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { consumeEmailToken, INVALID_EMAIL_TOKEN, sendQuietly, sendVerificationEmail } from './emails.js';
import { countAttempt } from './throttle.js';
import { User } from './user.model.js';

export const emailVerificationOperations = {
  verifyEmail: {
    async handle({ body, services }) {
      const { db, config } = services;
      await db.transaction(async (trx) => {
        const userId = await consumeEmailToken(trx, config.secretKey, body.token, 'verify_email');
        if (userId === null) throw fieldError('token', INVALID_EMAIL_TOKEN, { summary: INVALID_EMAIL_TOKEN });
        await User.markEmailVerified(trx, userId);
      });
      return { status: 200, body: { message: 'Email verified' } };
    },
  },

  resendVerification: {
    async handle({ user, services, log }) {
      if (user.email_verified) return { status: 200, body: { message: 'Email already verified' } };
      await countAttempt(services.db, 'verification', String(user.id), services.config.throttle.verification);
      await sendQuietly(log, 'verification', () => sendVerificationEmail(services, user, log));
      return { status: 200, body: { message: 'Verification email sent' } };
    },
  },
} satisfies Partial<OperationTable>;
