// Resetting a forgotten password: a request mails a single-use link (emails.ts); following it
// sets the new password and ends every session of the account.
import { fieldError } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { consumeEmailToken, INVALID_EMAIL_TOKEN, sendPasswordResetEmail, sendQuietly } from './emails.js';
import { LoginSession } from './login-session.model.js';
import { hashPassword } from './passwords.js';
import { countAttempt } from './throttle.js';
import { User } from './user.model.js';

const SENT = 'If an account exists for this email, a password reset link has been sent.';

export const passwordResetOperations = {
  requestPasswordReset: {
    async handle({ body, services, log }) {
      const email = User.normaliseEmail(body.email);
      // Keyed by the address, known or not, so the limit protects a mailbox without revealing it.
      await countAttempt(services.db, 'password_reset', email, services.config.throttle.passwordReset);
      // The lookup and the mail happen after the answer, so its timing says nothing about whether
      // the account exists.
      void sendQuietly(log, 'password reset', async () => {
        const user = await User.findByEmail(services.db, email);
        if (user?.is_active) await sendPasswordResetEmail(services, user, log);
      });
      return { status: 200, body: { message: SENT } };
    },
  },

  confirmPasswordReset: {
    async handle({ body, services }) {
      const { db, config } = services;
      const password = await hashPassword(body.password);
      await db.transaction(async (trx) => {
        const userId = await consumeEmailToken(trx, config.secretKey, body.token, 'password_reset');
        const changed = userId !== null && (await User.resetPassword(trx, userId, password));
        if (!changed) throw fieldError('token', INVALID_EMAIL_TOKEN, { summary: INVALID_EMAIL_TOKEN });
        // Whoever knew the old password (or holds a stolen session) is logged out everywhere.
        await LoginSession.revokeAllOf(trx, userId, 'password_reset');
      });
      return { status: 200, body: { message: 'Password has been reset' } };
    },
  },
} satisfies Partial<OperationTable>;
