// Tokens in the body, for clients that cannot keep cookies (apps, server-side rendering, scripts,
// the original's later storefront): the token endpoints, a refresh token posted in the body, and
// AUTH_TOKENS_IN_BODY for the sign-in answers. Same sessions as the cookies: same rotation and
// reuse detection, same throttling, ended by logout. Bearer requests need no Origin.
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { tokenDigest } from '../../src/accounts/tokens.js';
import { unique } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { GOOGLE_CLIENT_ID, startGoogleCerts, type GoogleCerts } from '../../testing/fakes/google-certs.js';
import { accountsServerForSuite, clientFrom, randomIp, startAccountsServer } from './support.js';

const noOrigin = { origin: null };
const bearer = (access: string) => ({ origin: null, headers: { authorization: `Bearer ${access}` } });

async function account(server: TestServer): Promise<{ email: string; password: string }> {
  const email = `${unique('tok')}@example.com`;
  expect((await clientFrom(server).post('/api/auth/register/', { email, password: 'token-password' })).status).to.equal(201);
  return { email, password: 'token-password' };
}

describe('accounts: tokens in the body', () => {
  const suite = accountsServerForSuite();

  it('POST /api/auth/token/ answers the pair in the body, sets no cookie, and the access token works as Bearer without an Origin', async () => {
    const credentials = await account(suite.server);
    const answer = await clientFrom(suite.server).post('/api/auth/token/', credentials, noOrigin);
    expect(answer.status).to.equal(200);
    expect(Object.keys(answer.body).sort()).to.deep.equal(['access', 'refresh']);
    expect(answer.headers.getSetCookie()).to.deep.equal([]);
    const me = await suite.server.client().get('/api/auth/me/', bearer(answer.body.access));
    expect(me.status).to.equal(200);
    expect(me.body.email).to.equal(credentials.email);
    const write = await suite.server.client().post('/api/auth/resend-verification/', undefined, bearer(answer.body.access));
    expect(write.status, 'a Bearer write needs no Origin').to.equal(200);
  });

  it('refuses wrong credentials as login does, and shares its throttle', async () => {
    const credentials = await account(suite.server);
    const ip = randomIp();
    const wrong = { email: credentials.email, password: 'wrong-password' };
    const refused = await clientFrom(suite.server, ip).post('/api/auth/token/', wrong, noOrigin);
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.equal('Invalid credentials');
    for (let attempt = 0; attempt < 4; attempt += 1) await clientFrom(suite.server, ip).post('/api/auth/login/', wrong);
    const throttled = await clientFrom(suite.server, ip).post('/api/auth/token/', credentials, noOrigin);
    expect(throttled.status).to.equal(429);
    expect(Number(throttled.headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('POST /api/auth/token/refresh/ rotates: a new pair of the same session; the old token replayed after the grace ends it', async () => {
    const credentials = await account(suite.server);
    const first = (await clientFrom(suite.server).post('/api/auth/token/', credentials, noOrigin)).body;
    const renewed = await suite.server.client().post('/api/auth/token/refresh/', { refresh: first.refresh }, noOrigin);
    expect(renewed.status).to.equal(200);
    expect(renewed.body.refresh).to.not.equal(first.refresh);
    const sid = (token: string) => (jwt.decode(token) as { sid: string }).sid;
    expect(sid(renewed.body.refresh)).to.equal(sid(first.refresh));
    expect((await suite.server.client().get('/api/auth/me/', bearer(renewed.body.access))).status).to.equal(200);

    const { jti } = jwt.decode(first.refresh) as { jti: string };
    await suite
      .db('refresh_tokens')
      .where({ jti_hash: tokenDigest(jti) })
      .update({ rotated_at: new Date(Date.now() - 60_000) });
    const replay = await suite.server.client().post('/api/auth/token/refresh/', { refresh: first.refresh }, noOrigin);
    expect(replay.status).to.equal(401);
    expect((await suite.server.client().get('/api/auth/me/', bearer(renewed.body.access))).status, 'the session ended').to.equal(401);
    expect((await suite.server.client().post('/api/auth/token/refresh/', { refresh: renewed.body.refresh }, noOrigin)).status).to.equal(
      401,
    );
  });

  it("answers the later storefront's refresh: {refresh} posted to /api/auth/refresh/ gets {access} (and the new refresh) in the body", async () => {
    const credentials = await account(suite.server);
    const { refresh } = (await clientFrom(suite.server).post('/api/auth/token/', credentials, noOrigin)).body;
    const answer = await suite.server.client().post('/api/auth/refresh/', { refresh }, noOrigin);
    expect(answer.status).to.equal(200);
    expect(answer.body.message).to.equal('Token refreshed');
    expect(answer.body.access).to.be.a('string');
    expect(answer.body.refresh).to.be.a('string').and.not.equal(refresh);
    expect(answer.headers.getSetCookie(), 'no cookies for a body client').to.deep.equal([]);
    expect((await suite.server.client().get('/api/auth/me/', bearer(answer.body.access))).status).to.equal(200);
    const garbage = await suite.server.client().post('/api/auth/refresh/', { refresh: 'not.a.token' }, noOrigin);
    expect(garbage.status).to.equal(401);
  });

  it('logout with the refresh token in the body ends the session', async () => {
    const credentials = await account(suite.server);
    const { access, refresh } = (await clientFrom(suite.server).post('/api/auth/token/', credentials, noOrigin)).body;
    expect((await suite.server.client().post('/api/auth/logout/', { refresh }, noOrigin)).status).to.equal(200);
    expect((await suite.server.client().get('/api/auth/me/', bearer(access))).status).to.equal(401);
    expect((await suite.server.client().post('/api/auth/token/refresh/', { refresh }, noOrigin)).status).to.equal(401);
  });

  it('keeps tokens out of the sign-in bodies by default: cookies only', async () => {
    const credentials = await account(suite.server);
    const login = await clientFrom(suite.server).post('/api/auth/login/', credentials);
    expect(login.status).to.equal(200);
    expect(Object.keys(login.body)).to.deep.equal(['user']);
    const client = clientFrom(suite.server);
    await client.post('/api/auth/login/', credentials);
    const refreshed = await client.post('/api/auth/refresh/');
    expect(refreshed.body).to.deep.equal({ message: 'Token refreshed' });
  });

  describe('with AUTH_TOKENS_IN_BODY=True', () => {
    let google: GoogleCerts;
    let server: TestServer;
    before(async () => {
      google = await startGoogleCerts();
      server = await startAccountsServer({ AUTH_TOKENS_IN_BODY: 'True', GOOGLE_CLIENT_ID, GOOGLE_CERTS_URL: google.url });
    });
    after(async () => {
      await server.close();
      await google.close();
    });

    it('login, registration and Google sign-in answer access and refresh in the body too, besides the cookies', async () => {
      const email = `${unique('body')}@example.com`;
      const client = clientFrom(server);
      const answers = {
        register: await client.post('/api/auth/register/', { email, password: 'token-password' }),
        login: await clientFrom(server).post('/api/auth/login/', { email, password: 'token-password' }),
        google: await clientFrom(server).post('/api/auth/google/', {
          id_token: google.idToken({ email: `${unique('g')}@gmail.com`, email_verified: true }),
        }),
      };
      for (const [name, answer] of Object.entries(answers)) {
        expect(answer.body.access, name).to.be.a('string');
        expect(answer.body.refresh, name).to.be.a('string');
        expect(answer.headers.getSetCookie().length, `${name} still sets the cookies`).to.equal(2);
        expect((await server.client().get('/api/auth/me/', bearer(answer.body.access as string))).status, name).to.equal(200);
      }
      const refreshed = await client.post('/api/auth/refresh/');
      expect(refreshed.status).to.equal(200);
      expect(refreshed.body.access).to.be.a('string');
      expect(client.cookies.get('refresh')).to.equal(refreshed.body.refresh);
    });
  });
});
