// Google sign-in (One-Tap) through the real google-auth-library, its
// certificate fetch pointed (GOOGLE_CERTS_URL) at a local server publishing a key these tests
// sign real RS256 ID tokens with.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { OneTimeToken } from '../../src/accounts/one-time-token.model.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { createApp } from '../../src/app.js';
import { createServices } from '../../src/services.js';
import { Client } from '../support/client.js';
import { signToken } from '../../src/accounts/tokens.js';
import { makeUser, unique } from '../support/factories.js';
import { TEST_SECRET, type TestServer } from '../support/server.js';
import { GOOGLE_CLIENT_ID, startGoogleCerts, type GoogleCerts } from '../../testing/fakes/google-certs.js';
import { clientFrom, randomIp, startAccountsServer } from './support.js';

describe('accounts: Google sign-in', () => {
  let google: GoogleCerts;
  let server: TestServer;
  before(async () => {
    google = await startGoogleCerts();
    server = await startAccountsServer({ GOOGLE_CLIENT_ID, GOOGLE_CERTS_URL: google.url });
  });
  after(async () => {
    await server.close();
    await google.close();
  });

  const signIn = (idToken: string) => clientFrom(server).post('/api/auth/google/', { id_token: idToken });

  it('creates the account on first sight (names from the token), then signs the same account in', async () => {
    const email = `${unique('g')}@gmail.com`;
    const first = await signIn(google.idToken({ email, email_verified: true, given_name: 'Asha', family_name: 'Rao' }));
    expect(first.status).to.equal(200);
    expect(first.body.created).to.equal(true);
    expect(first.body.user).to.include({ email, first_name: 'Asha', last_name: 'Rao', email_verified: true, is_staff: false });
    expect(
      first.headers
        .getSetCookie()
        .map((line) => line.split('=')[0])
        .sort(),
    ).to.deep.equal(['access', 'refresh']);
    const row = await server.services.db('users').where({ email }).first();
    expect(row.password).to.equal(null);

    const again = await signIn(google.idToken({ email: email.toUpperCase(), email_verified: true }));
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.include({ created: false });
    expect(again.body.user.id).to.equal(first.body.user.id);
  });

  it('links to an existing verified account, keeping its password and sessions', async () => {
    const email = `${unique('owner')}@gmail.com`;
    const owner = clientFrom(server);
    expect((await owner.post('/api/auth/register/', { email, password: 'owner-password' })).status).to.equal(201);
    await server.services.db('users').where({ email }).update({ email_verified: true });
    const answer = await signIn(google.idToken({ email, email_verified: true, given_name: 'Asha' }));
    expect(answer.status).to.equal(200);
    expect(answer.body.created).to.equal(false);
    expect(answer.body.user).to.include({ email, email_verified: true, first_name: '' });
    expect((await owner.get('/api/auth/me/')).status, 'the password session goes on').to.equal(200);
    expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'owner-password' })).status).to.equal(200);
  });

  it('takes over an account whose email was never verified: password and names cleared, its sessions and links ended', async () => {
    // Someone registers the owner's address with a password of their own, before the owner ever
    // signs in (account pre-hijacking), and keeps a session and a reset link of it.
    const email = `${unique('victim')}@gmail.com`;
    const squatter = clientFrom(server);
    const registered = await squatter.post('/api/auth/register/', {
      email,
      password: 'squatter-password',
      first_name: 'Not',
      last_name: 'Owner',
    });
    expect(registered.status).to.equal(201);
    const userId = registered.body.user.id as number;
    const jti = randomUUID();
    await OneTimeToken.record(server.services.db, { jti, userId, purpose: 'password_reset', expiresAt: new Date(Date.now() + 3600_000) });
    const resetLink = signToken(TEST_SECRET, { sub: String(userId), typ: 'password_reset', jti }, 3600);

    const owner = clientFrom(server);
    const answer = await owner.post('/api/auth/google/', {
      id_token: google.idToken({ email, email_verified: true, given_name: 'Asha', family_name: 'Rao' }),
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.created).to.equal(false);
    expect(answer.body.user).to.include({ id: userId, email_verified: true, first_name: 'Asha', last_name: 'Rao' });
    expect((await owner.get('/api/auth/me/')).status, "the owner's session works").to.equal(200);

    expect((await squatter.get('/api/auth/me/')).status, "the squatter's session has ended").to.equal(401);
    expect((await squatter.post('/api/auth/refresh/')).status).to.equal(401);
    const login = await clientFrom(server).post('/api/auth/login/', { email, password: 'squatter-password' });
    expect(login.status, "the squatter's password no longer works").to.equal(400);
    expect((await server.services.db('users').where({ id: userId }).first()).password).to.equal(null);
    const reset = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token: resetLink, password: 'squatter-again' });
    expect(reset.status, 'the outstanding reset link has ended').to.equal(400);

    // Signing in again only links: the owner's own sessions stay.
    expect((await signIn(google.idToken({ email, email_verified: true }))).status).to.equal(200);
    expect((await owner.get('/api/auth/me/')).status).to.equal(200);
  });

  it('says so in the log when it takes an account over', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino(
      { level: 'info', base: undefined },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const { koa } = await createApp(createServices(server.services.config, server.services.db, log));
    const listening: Server = await new Promise((resolve) => {
      const started = koa.listen(0, '127.0.0.1', () => resolve(started));
    });
    try {
      const email = `${unique('logged')}@gmail.com`;
      const squatter = await makeUser(server.services.db, {
        email,
        email_verified: false,
        password: await hashPassword('squatter-password'),
      });
      const client = new Client(`http://127.0.0.1:${(listening.address() as AddressInfo).port}`, { 'x-forwarded-for': randomIp() });
      expect((await client.post('/api/auth/google/', { id_token: google.idToken({ email, email_verified: true }) })).status).to.equal(200);
      const warning = lines.find((line) => typeof line.msg === 'string' && line.msg.startsWith('Google sign-in took over an account'));
      expect(warning, JSON.stringify(lines)).to.deep.include({ level: 40, userId: squatter.id });
    } finally {
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
    }
  });

  it('gives a working session', async () => {
    const client = clientFrom(server);
    await client.post('/api/auth/google/', { id_token: google.idToken({ email: `${unique('g')}@gmail.com`, email_verified: true }) });
    expect((await client.get('/api/auth/me/')).status).to.equal(200);
  });

  it('refuses a token for another audience, an expired one, a bad signature, a wrong issuer, garbage', async () => {
    const email = `${unique('g')}@gmail.com`;
    const now = Math.floor(Date.now() / 1000);
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: Record<string, string> = {
      'wrong audience': google.idToken({ email, email_verified: true, aud: 'someone-else.apps.googleusercontent.com' }),
      expired: google.idToken({ email, email_verified: true, iat: now - 7200, exp: now - 3600 }),
      'bad signature': google.idToken({ email, email_verified: true }, { key: otherKey }),
      'unknown key id': google.idToken({ email, email_verified: true }, { kid: 'not-a-published-kid' }),
      'wrong issuer': google.idToken({ email, email_verified: true, iss: 'https://evil.example.com' }),
      garbage: 'not.a.token',
    };
    for (const [name, token] of Object.entries(cases)) {
      const answer = await signIn(token);
      expect(answer.status, name).to.equal(400);
      expect(answer.body, name).to.deep.equal({ error: 'Invalid Google token', code: 'validation_error', detail: 'Invalid Google token' });
    }
    expect(await server.services.db('users').where({ email }).first()).to.equal(undefined);
  });

  it('requires email_verified', async () => {
    const email = `${unique('g')}@gmail.com`;
    const answer = await signIn(google.idToken({ email, email_verified: false }));
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.equal('Google has not verified this email address.');
    expect(await server.services.db('users').where({ email }).first()).to.equal(undefined);
  });

  it('answers 400 Missing id_token without one', async () => {
    const answer = await clientFrom(server).post('/api/auth/google/', {});
    expect(answer.status).to.equal(400);
    expect(answer.body.fields).to.deep.equal({ id_token: ['Missing id_token'] });
    expect(answer.body.error).to.contain('Missing id_token');
  });

  it('refuses a deactivated account with 403', async () => {
    const user = await makeUser(server.services.db);
    await server.services.db('users').where({ id: user.id }).update({ is_active: false });
    const answer = await signIn(google.idToken({ email: user.email, email_verified: true }));
    expect(answer.status).to.equal(403);
  });

  it('caches the certificates between sign-ins (Cache-Control max-age)', async () => {
    const token = () => google.idToken({ email: `${unique('g')}@gmail.com`, email_verified: true });
    expect((await signIn(token())).status).to.equal(200);
    const fetched = google.requests;
    expect(fetched, 'the certificates were fetched for the first sign-in').to.be.at.least(1);
    // Each sign-in must succeed: a refused token would not fetch anything either.
    expect((await signIn(token())).status).to.equal(200);
    expect((await signIn(token())).status).to.equal(200);
    expect(google.requests, 'no fetch after the first').to.equal(fetched);
  });

  it('answers 503 when GOOGLE_CLIENT_ID is not configured', async () => {
    const unconfigured = await startAccountsServer();
    try {
      const answer = await clientFrom(unconfigured).post('/api/auth/google/', {
        id_token: google.idToken({ email: 'a@example.com', email_verified: true }),
      });
      expect(answer.status).to.equal(503);
      expect(answer.body).to.deep.equal({
        error: 'Google sign-in is not configured.',
        code: 'service_unavailable',
        detail: 'Google sign-in is not configured.',
      });
    } finally {
      await unconfigured.close();
    }
  });

  it('counts account creations through Google against the registration limit of the IP, not sign-ins', async () => {
    const limited = await startAccountsServer({ GOOGLE_CLIENT_ID, GOOGLE_CERTS_URL: google.url, THROTTLE_REGISTER: '1/1h' });
    try {
      const ip = randomIp();
      const first = `${unique('g')}@gmail.com`;
      const created = await clientFrom(limited, ip).post('/api/auth/google/', {
        id_token: google.idToken({ email: first, email_verified: true }),
      });
      expect(created.status).to.equal(200);
      expect(created.body.created).to.equal(true);
      const second = `${unique('g')}@gmail.com`;
      const refused = await clientFrom(limited, ip).post('/api/auth/google/', {
        id_token: google.idToken({ email: second, email_verified: true }),
      });
      expect(refused.status).to.equal(429);
      expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
      expect(await limited.services.db('users').where({ email: second }).first()).to.equal(undefined);
      const again = await clientFrom(limited, ip).post('/api/auth/google/', {
        id_token: google.idToken({ email: first, email_verified: true }),
      });
      expect(again.status, 'signing in to the existing account is not throttled').to.equal(200);
    } finally {
      await limited.close();
    }
  });

  it('keys that limit on the connection address when X-Forwarded-For is not an IP (as registration does)', async () => {
    const limited = await startAccountsServer({ GOOGLE_CLIENT_ID, GOOGLE_CERTS_URL: google.url, THROTTLE_REGISTER: '1/1h' });
    try {
      // Text that is not an address says nothing about the client: both requests come from 127.0.0.1.
      await limited.services.db('throttle_buckets').where({ scope: 'register', key: '127.0.0.1' }).delete();
      const signUp = (forwardedFor: string) =>
        clientFrom(limited, forwardedFor).post('/api/auth/google/', {
          id_token: google.idToken({ email: `${unique('g')}@gmail.com`, email_verified: true }),
        });
      expect((await signUp(unique('not-an-ip-'))).status).to.equal(200);
      expect((await signUp(unique('not-an-ip-'))).status).to.equal(429);
    } finally {
      await limited.services.db('throttle_buckets').where({ scope: 'register', key: '127.0.0.1' }).delete();
      await limited.close();
    }
  });
});
