// Ended login sessions and expired e-mail tokens are forgotten by a housekeeping chore, so those
// tables hold what people can still use rather than every login and every link ever made.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { forgetEndedSessions } from '../../src/accounts/housekeeping.js';
import { LoginSession } from '../../src/accounts/login-session.model.js';
import { OneTimeToken } from '../../src/accounts/one-time-token.model.js';
import { openSession } from '../../src/accounts/session-tokens.js';
import { tokenDigest } from '../../src/accounts/tokens.js';
import { startHousekeeping } from '../../src/platform/housekeeping.js';
import { makeUser } from '../support/factories.js';
import { serverForSuite, TEST_SECRET } from '../support/server.js';

describe('accounts: forgetting ended sessions', () => {
  const suite = serverForSuite();

  it('forgets sessions revoked or expired more than a day ago, and keeps the others', async () => {
    const { db } = suite.server.services;
    const user = await makeUser(db);
    const open = async () => (await openSession(db, TEST_SECRET, user.id)).sessionId;
    const live = await open();
    const justRevoked = await open();
    await LoginSession.revoke(db, justRevoked, 'logout');
    const revokedLongAgo = await open();
    await LoginSession.revoke(db, revokedLongAgo, 'logout');
    await db('login_sessions')
      .where({ id: revokedLongAgo })
      .update({ revoked_at: db.raw("now() - interval '2 days'") });
    const expiredLongAgo = await open();
    await db('login_sessions')
      .where({ id: expiredLongAgo })
      .update({ created_at: db.raw("now() - interval '9 days'") });
    await db('refresh_tokens')
      .where({ session_id: expiredLongAgo })
      .update({ expires_at: db.raw("now() - interval '2 days'") });

    expect(await forgetEndedSessions(db)).to.be.at.least(2);
    const left = await db('login_sessions').whereIn('id', [live, justRevoked, revokedLongAgo, expiredLongAgo]).pluck('id');
    expect(left.sort()).to.deep.equal([live, justRevoked].sort());
    expect(await db('refresh_tokens').whereIn('session_id', [revokedLongAgo, expiredLongAgo]).first()).to.equal(undefined);
  });

  it('forgets e-mail tokens expired more than a day ago, and keeps the others', async () => {
    const { db } = suite.server.services;
    const user = await makeUser(db);
    const record = async (expiresAt: Date) => {
      const jti = randomUUID();
      await OneTimeToken.record(db, { jti, purpose: 'verify_email', userId: user.id, expiresAt });
      return tokenDigest(jti);
    };
    const live = await record(new Date(Date.now() + 3600_000));
    const justExpired = await record(new Date(Date.now() - 3600_000));
    const expiredLongAgo = await record(new Date(Date.now() - 2 * 86400_000));

    await forgetEndedSessions(db);
    const left = await db('one_time_tokens').whereIn('jti_hash', [live, justExpired, expiredLongAgo]).pluck('jti_hash');
    expect(left.sort()).to.deep.equal([live, justExpired].sort());
  });

  it('keeps running the other chores when one fails', async () => {
    const ran: string[] = [];
    const stop = startHousekeeping(
      suite.server.services,
      [
        { name: 'broken', run: async () => Promise.reject(new Error('boom')) },
        { name: 'working', run: async () => ran.push('working') },
      ],
      0.02,
    );
    try {
      for (let wait = 0; wait < 100 && ran.length < 2; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await stop();
    }
    expect(ran.length).to.be.at.least(2);
  });
});
