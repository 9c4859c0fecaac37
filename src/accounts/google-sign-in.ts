// Signing in with Google (One-Tap): the ID token is verified by google-verifier.ts; the person gets
// a new account, or enters the account that already has their Google-verified email — taking it
// over when that email was never verified (see User.enterWithGoogle).
import { badRequest, forbidden, serviceUnavailable } from '../http/errors.js';
import type { OperationTable } from '../services.js';
import { setSessionCookies } from './cookies.js';
import { verifyGoogleIdToken } from './google-verifier.js';
import { LoginSession } from './login-session.model.js';
import { OneTimeToken } from './one-time-token.model.js';
import { openSession, tokensForBody } from './session-tokens.js';
import { ACCOUNT_BLOCKED } from './staff-actions.js';
import { countAttempt, throttleAddress } from './throttle.js';
import { toUserResponse, User } from './user.model.js';

export const googleSignInOperations = {
  googleLogin: {
    async handle({ body, services, request, log }) {
      const { db, config } = services;
      const verification = await verifyGoogleIdToken(config, body.id_token);
      if (!verification.ok) {
        if (verification.problem === 'not_configured') throw serviceUnavailable('Google sign-in is not configured.');
        if (verification.problem === 'certificates_unavailable') throw serviceUnavailable('Google sign-in is unavailable right now.');
        throw badRequest('Invalid Google token');
      }
      const google = verification.identity;
      // Entering an existing account by email is only safe when Google vouches for the address.
      if (!google.emailVerified) throw badRequest('Google has not verified this email address.');
      // A first Google sign-in creates an account, so it counts against the same per-IP limit as a
      // registration; signing in to an existing account does not.
      if (!(await User.existsWithEmail(db, google.email))) {
        await countAttempt(db, 'register', throttleAddress(request.ip), config.throttle.register);
      }

      const { user, created, tokens } = await db.transaction(async (trx) => {
        const entered = await User.enterWithGoogle(trx, google);
        if (!entered) throw forbidden(ACCOUNT_BLOCKED);
        if (entered.takenOver) {
          // Whoever registered the address before its owner keeps nothing: their sessions end, and
          // so does any reset or verification link still outstanding.
          const sessions = await LoginSession.revokeAllOf(trx, entered.user.id, 'google_takeover');
          const links = await OneTimeToken.endAllOf(trx, entered.user.id);
          log.warn(
            { userId: entered.user.id, endedSessions: sessions, endedLinks: links },
            'Google sign-in took over an account whose email was never verified: its password was cleared and its sessions and links ended',
          );
        }
        return { ...entered, tokens: await openSession(trx, config.secretKey, entered.user.id) };
      });
      setSessionCookies(request.cookies, config, tokens);
      return { status: 200, body: { user: toUserResponse(user), created, ...tokensForBody(config, tokens) } };
    },
  },
} satisfies Partial<OperationTable>;
