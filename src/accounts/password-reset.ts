// Resetting a forgotten password: a request mails a single-use link (emails.ts); following it
// sets the new password and ends every session of the account and every other link it was mailed.
import { fieldError } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { consumeEmailToken, INVALID_EMAIL_TOKEN, sendPasswordResetEmail, sendQuietly, usableEmailToken } from './emails.js';
import { LoginSession } from './login-session.model.js';
import { OneTimeToken } from './one-time-token.model.js';
import { hashPassword, passwordHashSlots } from './passwords.js';
import { ThrottleBucket } from './throttle-bucket.model.js';
import { countAttempt, throttleAddress } from './throttle.js';
import { User } from './user.model.js';

const SENT = 'If an account exists for this email, a password reset link has been sent.';
const invalidToken = () => fieldError('token', INVALID_EMAIL_TOKEN, { summary: INVALID_EMAIL_TOKEN });

export const passwordResetOperations = {
  requestPasswordReset: {
    async handle({ body, services, request, log }) {
      const { db, config } = services;
      const email = User.normaliseEmail(body.email);
      // Per client address, so mails cannot be sprayed across many mailboxes; and per address
      // asked for, known or not, so the limit protects a mailbox without revealing it.
      await countAttempt(db, 'password_reset_ip', throttleAddress(request.ip), config.throttle.passwordResetIp);
      await countAttempt(db, 'password_reset', email, config.throttle.passwordReset);
      // The lookup and the mail happen after the answer, so its timing says nothing about whether
      // the account exists.
      void sendQuietly(log, 'password reset', async () => {
        const user = await User.findByEmail(db, email);
        if (user?.is_active) await sendPasswordResetEmail(services, user, log);
      });
      return { status: 200, body: { message: SENT } };
    },
  },

  confirmPasswordReset: {
    async handle({ body, services, request }) {
      const { db, config } = services;
      await countAttempt(db, 'password_reset_confirm', throttleAddress(request.ip), config.throttle.passwordResetConfirm);
      // The token is checked before any hashing: a made-up token costs a signature check and at
      // most one indexed read, never a password hash. consumeEmailToken below still decides.
      if (!(await usableEmailToken(db, config.secretKey, body.token, 'password_reset'))) throw invalidToken();
      const password = await passwordHashSlots(config).run(() => hashPassword(body.password));
      await db.transaction(async (trx) => {
        const userId = await consumeEmailToken(trx, config.secretKey, body.token, 'password_reset');
        const email = userId === null ? undefined : await User.resetPassword(trx, userId, password);
        if (userId === null || email === undefined) throw invalidToken();
        // Whoever knew the old password (or holds a stolen session) is logged out everywhere, and
        // the other reset links mailed before this one no longer set a password.
        await LoginSession.revokeAllOf(trx, userId, 'password_reset');
        await OneTimeToken.endAllOf(trx, userId, 'password_reset');
        // The owner has just proven the mailbox: failed guesses by others no longer lock them out.
        await ThrottleBucket.forget(trx, 'login_account', email);
      });
      return { status: 200, body: { message: 'Password has been reset' } };
    },
  },
} satisfies Partial<OperationTable>;
