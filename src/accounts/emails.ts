// The e-mails of accounts — verification and password reset — and their single-use tokens: a
// signed JWT (purpose in `typ`, expiry in `exp`) whose record (OneTimeToken) makes it usable once.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../log.js';
import type { Services } from '../services.js';
import { OneTimeToken, type EmailTokenPurpose } from './one-time-token.model.js';
import { PASSWORD_RESET_TOKEN_SECONDS, signToken, VERIFY_EMAIL_TOKEN_SECONDS, verifyToken } from './tokens.js';

const LIFETIME: Record<EmailTokenPurpose, number> = {
  verify_email: VERIFY_EMAIL_TOKEN_SECONDS,
  password_reset: PASSWORD_RESET_TOKEN_SECONDS,
};

async function issueEmailToken(db: Knex, secret: string, userId: number, purpose: EmailTokenPurpose): Promise<string> {
  const jti = randomUUID();
  const seconds = LIFETIME[purpose];
  await OneTimeToken.record(db, { jti, userId, purpose, expiresAt: new Date(Date.now() + seconds * 1000) });
  return signToken(secret, { sub: String(userId), typ: purpose, jti }, seconds);
}

/** What both e-mail links answer when consumeEmailToken refuses the token. */
export const INVALID_EMAIL_TOKEN = 'This link is invalid, expired or already used.';

/** Uses the token up; returns its user id, or null when it is invalid, expired or already used. */
export async function consumeEmailToken(db: Knex, secret: string, token: string, purpose: EmailTokenPurpose): Promise<number | null> {
  const claims = verifyToken(secret, token, purpose);
  if (!claims) return null;
  const userId = Number(claims.sub);
  return (await OneTimeToken.consume(db, { jti: claims.jti!, purpose, userId })) ? userId : null;
}

/** Whether the token would be consumed now (see OneTimeToken.isUsable), without using it up. */
export async function usableEmailToken(db: Knex, secret: string, token: string, purpose: EmailTokenPurpose): Promise<boolean> {
  const claims = verifyToken(secret, token, purpose);
  return claims !== null && (await OneTimeToken.isUsable(db, { jti: claims.jti!, purpose, userId: Number(claims.sub) }));
}

function link(services: Services, page: string, token: string): string {
  return `${services.config.frontendUrl}/${page}?token=${encodeURIComponent(token)}`;
}

export async function sendVerificationEmail(services: Services, user: { id: number; email: string }, log: Logger): Promise<void> {
  const token = await issueEmailToken(services.db, services.config.secretKey, user.id, 'verify_email');
  await services.mailer.send(
    {
      to: user.email,
      subject: 'Confirm your email address',
      text: `Welcome! Confirm your email address by opening this link (valid for 24 hours):\n\n${link(services, 'verify-email', token)}\n`,
    },
    log,
  );
}

export async function sendPasswordResetEmail(services: Services, user: { id: number; email: string }, log: Logger): Promise<void> {
  const token = await issueEmailToken(services.db, services.config.secretKey, user.id, 'password_reset');
  await services.mailer.send(
    {
      to: user.email,
      subject: 'Reset your password',
      text:
        `Someone asked to reset the password of this account. If it was you, open this link (valid for one hour):\n\n` +
        `${link(services, 'reset-password', token)}\n\nIf it was not you, ignore this message; your password stays as it is.\n`,
    },
    log,
  );
}

/**
 * Mail failures must not fail the request that caused them (the account exists either way). `log`
 * is the request's logger: the failure is logged with the request id even after the answer went out.
 */
export async function sendQuietly(log: Logger, what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    log.error({ err: error }, `could not send the ${what} email`);
  }
}
