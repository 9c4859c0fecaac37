// Ended login sessions are forgotten by a housekeeping chore, so the sessions table holds the
// sessions people can still use rather than every login ever made.
import { expect } from 'chai';
import { forgetEndedSessions } from '../../src/accounts/housekeeping.js';
import { LoginSession } from '../../src/accounts/login-session.model.js';
import { openSession } from '../../src/accounts/session-tokens.js';
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
      stop();
    }
    expect(ran.length).to.be.at.least(2);
  });
});
