// Session tokens: HS256 with explicit algorithms, issuer, audience and type, valid only while their
// session is open and their user active; the cookies' attributes; refresh rotation (concurrent
// refreshes within a short grace all win, reuse after it ends the session); logout and password reset revoking sessions.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { LoginSession } from '../../src/accounts/login-session.model.js';
import { openSession } from '../../src/accounts/session-tokens.js';
import { AUDIENCE, ISSUER, signToken, tokenDigest } from '../../src/accounts/tokens.js';
import { clientAs, makeUser, unique } from '../support/factories.js';
import type { Client } from '../support/client.js';
import { TEST_SECRET, type TestServer } from '../support/server.js';
import { accountsServerForSuite, clientFrom, cookieLine, startAccountsServer } from './support.js';

async function registered(server: TestServer): Promise<{ client: Client; email: string; id: number }> {
  const client = clientFrom(server);
  const email = `${unique('sess')}@example.com`;
  const answer = await client.post('/api/auth/register/', { email, password: 'session-pass' });
  expect(answer.status).to.equal(201);
  return { client, email, id: answer.body.user.id };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('accounts: tokens and sessions', () => {
  const suite = accountsServerForSuite();

  describe('refused tokens', () => {
    let user: { id: number; sid: string };
    let otherUserId: number;
    before(async () => {
      const { client, id } = await registered(suite.server);
      const claims = jwt.decode(client.cookies.get('access')!) as { sid: string };
      user = { id, sid: claims.sid };
      otherUserId = (await makeUser(suite.db)).id;
    });
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({
      sub: String(user.id),
      typ: 'access',
      sid: user.sid,
      jti: randomUUID(),
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 600,
    });
    const meWith = (token: string) => suite.server.client({ authorization: `Bearer ${token}` }).get('/api/auth/me/');

    it('accepts a well-formed access token (the control case)', async () => {
      expect((await meWith(jwt.sign(claims(), TEST_SECRET, { algorithm: 'HS256' }))).status).to.equal(200);
    });

    it('refuses alg=none, other algorithms, wrong issuer, audience, type, key, and expired tokens', async () => {
      const { privateKey } = await import('node:crypto').then((crypto) => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }));
      const cases: Record<string, string> = {
        'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`,
        HS512: jwt.sign(claims(), TEST_SECRET, { algorithm: 'HS512' }),
        RS256: jwt.sign(claims(), privateKey, { algorithm: 'RS256' }),
        'wrong issuer': jwt.sign({ ...claims(), iss: 'someone-else' }, TEST_SECRET, { algorithm: 'HS256' }),
        'wrong audience': jwt.sign({ ...claims(), aud: 'other-api' }, TEST_SECRET, { algorithm: 'HS256' }),
        'refresh as access': jwt.sign({ ...claims(), typ: 'refresh' }, TEST_SECRET, { algorithm: 'HS256' }),
        'mail token as access': jwt.sign({ ...claims(), typ: 'password_reset' }, TEST_SECRET, { algorithm: 'HS256' }),
        'no session id': jwt.sign({ ...claims(), sid: undefined }, TEST_SECRET, { algorithm: 'HS256' }),
        'unknown session': jwt.sign({ ...claims(), sid: randomUUID() }, TEST_SECRET, { algorithm: 'HS256' }),
        'session of another user': jwt.sign({ ...claims(), sub: String(otherUserId) }, TEST_SECRET, { algorithm: 'HS256' }),
        'other key': jwt.sign(claims(), 'another-secret-key-0123456789', { algorithm: 'HS256' }),
        expired: jwt.sign({ ...claims(), iat: now() - 7200, exp: now() - 60 }, TEST_SECRET, { algorithm: 'HS256' }),
      };
      for (const [name, token] of Object.entries(cases)) {
        const answer = await meWith(token);
        expect(answer.status, name).to.equal(401);
        expect(answer.body.code, name).to.equal('not_authenticated');
      }
    });

    it('refuses an access token presented as the refresh cookie', async () => {
      const client = suite.server.client();
      client.cookies.set('refresh', jwt.sign(claims(), TEST_SECRET, { algorithm: 'HS256' }));
      const answer = await client.post('/api/auth/refresh/');
      expect(answer.status).to.equal(401);
    });

    it('answers 401 No refresh cookie without one', async () => {
      const answer = await suite.server.client().post('/api/auth/refresh/');
      expect(answer.status).to.equal(401);
      expect(answer.body.error).to.equal('No refresh cookie');
    });
  });

  describe('cookies', () => {
    it('outside DEBUG: HttpOnly, Path=/, Secure, SameSite=None, 1 hour and 7 days — even over plain http', async () => {
      const { client } = await registered(suite.server);
      const response = await client.post('/api/auth/login/', {
        email: (await client.get('/api/auth/me/')).body.email,
        password: 'session-pass',
      });
      const access = cookieLine(response.headers, 'access')!;
      const refresh = cookieLine(response.headers, 'refresh')!;
      for (const line of [access, refresh]) {
        expect(line).to.match(/; path=\/(;|$)/);
        expect(line).to.match(/; httponly(;|$)/);
        expect(line).to.match(/; secure(;|$)/);
        expect(line).to.match(/; samesite=none(;|$)/);
      }
      const expires = (line: string) => Date.parse(/; expires=([^;]+)/.exec(line)![1]!) - Date.now();
      expect(expires(access)).to.be.within(3595_000, 3601_000);
      expect(expires(refresh)).to.be.within(7 * 86400_000 - 5000, 7 * 86400_000 + 1000);
    });

    it('in DEBUG: SameSite=Lax and no Secure', async () => {
      const debug = await startAccountsServer({ DEBUG: 'True' });
      try {
        const client = clientFrom(debug);
        const response = await client.post('/api/auth/register/', { email: `${unique('dbg')}@example.com`, password: 'debug-pass' });
        for (const name of ['access', 'refresh']) {
          const line = cookieLine(response.headers, name)!;
          expect(line).to.match(/; samesite=lax(;|$)/);
          expect(line).to.match(/; httponly(;|$)/);
          expect(line).not.to.match(/; secure/);
        }
      } finally {
        await debug.close();
      }
    });
  });

  describe('refresh and logout', () => {
    it('rotates the refresh token; the new pair works', async () => {
      const { client } = await registered(suite.server);
      const firstRefresh = client.cookies.get('refresh');
      const firstAccess = client.cookies.get('access');
      const answer = await client.post('/api/auth/refresh/');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ message: 'Token refreshed' });
      expect(client.cookies.get('refresh')).to.be.a('string').and.not.equal(firstRefresh);
      expect(client.cookies.get('access')).to.be.a('string').and.not.equal(firstAccess);
      expect((await client.get('/api/auth/me/')).status).to.equal(200);
      expect((await client.post('/api/auth/refresh/')).status).to.equal(200);
    });

    /** Moves the rotation of a refresh token back in time, past the reuse grace. */
    const rotatedLongAgo = (refresh: string) => {
      const { jti } = jwt.decode(refresh) as { jti: string };
      return suite
        .db('refresh_tokens')
        .where({ jti_hash: tokenDigest(jti) })
        .update({ rotated_at: new Date(Date.now() - 60_000) });
    };

    it('revokes the whole session when a rotated refresh token is presented again after the grace', async () => {
      const { client } = await registered(suite.server);
      const stolen = client.cookies.get('refresh')!;
      expect((await client.post('/api/auth/refresh/')).status).to.equal(200);
      await rotatedLongAgo(stolen);

      const attacker = suite.server.client();
      attacker.cookies.set('refresh', stolen);
      const replay = await attacker.post('/api/auth/refresh/');
      expect(replay.status).to.equal(401);
      expect(replay.body.error).to.match(/already used/);
      expect(attacker.cookies.size, 'a refused refresh clears the cookies').to.equal(0);

      // The legitimate holder's tokens of that session are dead too: access and the newer refresh.
      expect((await client.get('/api/auth/me/')).status).to.equal(401);
      expect((await client.post('/api/auth/refresh/')).status).to.equal(401);
    });

    it('lets five tabs refresh with one token at once: each gets a working pair of the same session', async () => {
      const { client } = await registered(suite.server);
      const token = client.cookies.get('refresh')!;
      const { sid } = jwt.decode(token) as { sid: string };
      const tabs = Array.from({ length: 5 }, () => suite.server.client());
      tabs.forEach((tab) => tab.cookies.set('refresh', token));
      const answers = await Promise.all(tabs.map((tab) => tab.post('/api/auth/refresh/')));
      expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200, 200]);
      for (const tab of tabs) {
        expect((jwt.decode(tab.cookies.get('refresh')!) as { sid: string }).sid, 'the same rotation family').to.equal(sid);
        expect((await tab.get('/api/auth/me/')).status).to.equal(200);
        expect((await tab.post('/api/auth/refresh/')).status, 'the new refresh token works too').to.equal(200);
      }
    });

    it('still ends the session when a token of that grace is presented again after it', async () => {
      const { client } = await registered(suite.server);
      const token = client.cookies.get('refresh')!;
      const tab = suite.server.client();
      tab.cookies.set('refresh', token);
      expect((await client.post('/api/auth/refresh/')).status).to.equal(200);
      expect((await tab.post('/api/auth/refresh/')).status, 'within the grace').to.equal(200);
      await rotatedLongAgo(token);
      const late = suite.server.client();
      late.cookies.set('refresh', token);
      expect((await late.post('/api/auth/refresh/')).status).to.equal(401);
      expect((await client.get('/api/auth/me/')).status, 'the session has ended').to.equal(401);
      expect((await tab.get('/api/auth/me/')).status).to.equal(401);
    });

    it('lets exactly one of two parallel refreshes with the same token win when the grace is 0', async () => {
      const strict = await startAccountsServer({ REFRESH_REUSE_GRACE_SECONDS: '0' });
      try {
        const { client } = await registered(strict);
        const token = client.cookies.get('refresh')!;
        const tabs = [strict.client(), strict.client()];
        tabs.forEach((tab) => tab.cookies.set('refresh', token));
        const answers = await Promise.all(tabs.map((tab) => tab.post('/api/auth/refresh/')));
        expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 401]);
      } finally {
        await strict.close();
      }
    });

    it('logout revokes the session: the old access and refresh tokens stop working', async () => {
      const { client } = await registered(suite.server);
      const copy = suite.server.client();
      for (const [name, value] of client.cookies) copy.cookies.set(name, value);
      const bye = await client.post('/api/auth/logout/');
      expect(bye.status).to.equal(200);
      expect(bye.body).to.deep.equal({ message: 'Logged out' });
      expect(client.cookies.size).to.equal(0);
      expect((await copy.get('/api/auth/me/')).status).to.equal(401);
      expect((await copy.post('/api/auth/refresh/')).status).to.equal(401);
    });

    it('logout with only a Bearer token revokes that session; logout without anything still answers 200', async () => {
      const { client } = await registered(suite.server);
      const access = client.cookies.get('access')!;
      const bearer = suite.server.client({ authorization: `Bearer ${access}` });
      expect((await bearer.post('/api/auth/logout/')).status).to.equal(200);
      expect((await bearer.get('/api/auth/me/')).status).to.equal(401);
      expect((await suite.server.client().post('/api/auth/logout/')).status).to.equal(200);
    });

    it('keeps other sessions of the user alive when one logs out', async () => {
      const user = await makeUser(suite.db);
      const phone = await clientAs(suite.server, user);
      const laptop = await clientAs(suite.server, user);
      expect((await phone.post('/api/auth/logout/')).status).to.equal(200);
      expect((await phone.get('/api/auth/me/')).status).to.equal(401);
      expect((await laptop.get('/api/auth/me/')).status).to.equal(200);
    });

    it('drops the expired refresh tokens of a session when it rotates', async () => {
      const { client, id } = await registered(suite.server);
      const { sid } = jwt.decode(client.cookies.get('refresh')!) as { sid: string };
      const { sessionId: otherSession } = await openSession(suite.db, TEST_SECRET, id);
      const expired = { expires_at: new Date(Date.now() - 1000), rotated_at: new Date() };
      await suite.db('refresh_tokens').insert([
        { jti_hash: 'f'.repeat(64), session_id: sid, ...expired },
        { jti_hash: tokenDigest(randomUUID()), session_id: otherSession, ...expired },
      ]);
      expect((await client.post('/api/auth/refresh/')).status).to.equal(200);
      const left = await suite.db('refresh_tokens').where({ session_id: sid }).select('jti_hash', 'rotated_at');
      expect(left).to.have.length(2);
      expect(left.map((row) => row.jti_hash)).not.to.include('f'.repeat(64));
      const otherLeft = await suite.db('refresh_tokens').where({ session_id: otherSession }).pluck('jti_hash');
      expect(otherLeft, "another session's tokens are that session's business").to.have.length(2);
    });

    it('refuses an expired refresh token', async () => {
      const { client, id } = await registered(suite.server);
      const { sid } = jwt.decode(client.cookies.get('refresh')!) as { sid: string };
      // Tokens whose ids the session has recorded, so that only the expiry can refuse one.
      const recorded = async (lifetimeSeconds: number) => {
        const jti = randomUUID();
        await suite
          .db('refresh_tokens')
          .insert({ jti_hash: tokenDigest(jti), session_id: sid, expires_at: new Date(Date.now() + 3600_000) });
        return signToken(TEST_SECRET, { sub: String(id), typ: 'refresh', sid, jti }, lifetimeSeconds);
      };
      const stale = suite.server.client();
      stale.cookies.set('refresh', await recorded(-10));
      expect((await stale.post('/api/auth/refresh/')).status).to.equal(401);
      const fresh = suite.server.client();
      fresh.cookies.set('refresh', await recorded(60));
      expect((await fresh.post('/api/auth/refresh/')).status, 'the control: the same kind of token, not expired').to.equal(200);
    });

    describe('what a refresh token must match besides its signature', () => {
      // Tokens signed with the server's key, so that only the record of the session decides.
      function signed(claims: { sub: number; sid: string; jti: string }) {
        const client = suite.server.client();
        client.cookies.set(
          'refresh',
          signToken(TEST_SECRET, { sub: String(claims.sub), typ: 'refresh', sid: claims.sid, jti: claims.jti }, 600),
        );
        return client;
      }
      async function recorded(sid: string, expiresAt: Date) {
        const jti = randomUUID();
        await suite.db('refresh_tokens').insert({ jti_hash: tokenDigest(jti), session_id: sid, expires_at: expiresAt });
        return jti;
      }

      it('refuses a token whose record has expired, though its JWT has not', async () => {
        const { client, id } = await registered(suite.server);
        const { sid } = jwt.decode(client.cookies.get('refresh')!) as { sid: string };
        const lapsed = await recorded(sid, new Date(Date.now() - 1000));
        const refused = await signed({ sub: id, sid, jti: lapsed }).post('/api/auth/refresh/');
        expect(refused.status).to.equal(401);
        expect(refused.body.error).to.equal('Session has ended');
        const live = await recorded(sid, new Date(Date.now() + 600_000));
        expect((await signed({ sub: id, sid, jti: live }).post('/api/auth/refresh/')).status, 'the control').to.equal(200);
      });

      it("refuses a token naming another user than its session's, without using it up", async () => {
        const { client, id } = await registered(suite.server);
        const { sid } = jwt.decode(client.cookies.get('refresh')!) as { sid: string };
        const other = await makeUser(suite.db);
        const jti = await recorded(sid, new Date(Date.now() + 600_000));
        expect((await signed({ sub: other.id, sid, jti }).post('/api/auth/refresh/')).status).to.equal(401);
        expect((await signed({ sub: id, sid, jti }).post('/api/auth/refresh/')).status, 'the same token, its own user').to.equal(200);
      });

      it("refuses a token presented with another session's id", async () => {
        const { client, id } = await registered(suite.server);
        const { sid } = jwt.decode(client.cookies.get('refresh')!) as { sid: string };
        const { sessionId: otherSession } = await openSession(suite.db, TEST_SECRET, id);
        const jti = await recorded(sid, new Date(Date.now() + 600_000));
        expect((await signed({ sub: id, sid: otherSession, jti }).post('/api/auth/refresh/')).status).to.equal(401);
        expect((await signed({ sub: id, sid, jti }).post('/api/auth/refresh/')).status, 'the same token, its own session').to.equal(200);
      });
    });
  });

  describe('revoking sessions', () => {
    const reasonOf = async (sessionId: string) =>
      (await suite.db('login_sessions').where({ id: sessionId }).first()).revoked_reason as string;

    it('keeps the first reason a session was revoked for', async () => {
      const user = await makeUser(suite.db);
      const { sessionId } = await openSession(suite.db, TEST_SECRET, user.id);
      await LoginSession.revoke(suite.db, sessionId, 'refresh_reuse');
      await LoginSession.revoke(suite.db, sessionId, 'logout');
      expect(await reasonOf(sessionId)).to.equal('refresh_reuse');
    });

    it("revokes every open session of the user and no one else's, keeping earlier reasons", async () => {
      const user = await makeUser(suite.db);
      const bystander = await makeUser(suite.db);
      const [first, second, loggedOut] = await Promise.all([1, 2, 3].map(() => openSession(suite.db, TEST_SECRET, user.id)));
      const theirs = await openSession(suite.db, TEST_SECRET, bystander.id);
      await LoginSession.revoke(suite.db, loggedOut!.sessionId, 'logout');

      expect(await LoginSession.revokeAllOf(suite.db, user.id, 'password_reset')).to.equal(2);
      expect(await reasonOf(first!.sessionId)).to.equal('password_reset');
      expect(await reasonOf(second!.sessionId)).to.equal('password_reset');
      expect(await reasonOf(loggedOut!.sessionId)).to.equal('logout');
      expect(await reasonOf(theirs.sessionId)).to.equal(null);
      const me = (access: string) => suite.server.client({ authorization: `Bearer ${access}` }).get('/api/auth/me/');
      expect((await me(first!.access)).status).to.equal(401);
      expect((await me(theirs.access)).status).to.equal(200);
    });
  });
});
