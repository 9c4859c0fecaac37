// Email-first users (case-insensitive, unique under races)
// and passwords (argon2id, minimum length, Django pbkdf2 hashes accepted and re-hashed).
import { pbkdf2Sync } from 'node:crypto';
import { expect } from 'chai';
import { hashPassword } from '../../src/accounts/passwords.js';
import { User } from '../../src/accounts/user.model.js';
import { makeUser, unique } from '../support/factories.js';
import { accountsServerForSuite, clientFrom, randomIp } from './support.js';

describe('accounts: registration, login and me', () => {
  const suite = accountsServerForSuite();

  it('registers, sets both cookies, and /me answers the user', async () => {
    const client = clientFrom(suite.server);
    const email = `${unique('reg')}@example.com`;
    const created = await client.post('/api/auth/register/', { email, password: 'correct-horse', first_name: 'Asha', last_name: 'Rao' });
    expect(created.status).to.equal(201);
    expect(created.body.user).to.include({ email, first_name: 'Asha', last_name: 'Rao', is_staff: false, email_verified: false });
    expect([...client.cookies.keys()].sort()).to.deep.equal(['access', 'refresh']);
    const me = await client.get('/api/auth/me/');
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.equal(created.body.user);
    const row = await suite.db('users').where({ email }).first();
    expect(row.password).to.match(/^\$argon2id\$/);
  });

  it('treats the email case-insensitively: stored lower-case, A@X.com logs in as a@x.com', async () => {
    const name = unique('MiXeD');
    const created = await clientFrom(suite.server).post('/api/auth/register/', { email: `${name}@Example.COM`, password: 'correct-horse' });
    expect(created.status).to.equal(201);
    expect(created.body.user.email).to.equal(`${name.toLowerCase()}@example.com`);
    const duplicate = await clientFrom(suite.server).post('/api/auth/register/', {
      email: `${name.toUpperCase()}@EXAMPLE.com`,
      password: 'another-pass',
    });
    expect(duplicate.status).to.equal(400);
    expect(duplicate.body.error).to.equal('A user with this email already exists.');
    expect(duplicate.body.fields.email).to.deep.equal(['A user with this email already exists.']);
    const login = await clientFrom(suite.server).post('/api/auth/login/', {
      email: `${name.toUpperCase()}@example.com`,
      password: 'correct-horse',
    });
    expect(login.status).to.equal(200);
    expect(login.body.user.id).to.equal(created.body.user.id);
  });

  it('lets the database decide a registration race: one 201, the rest 400, no 500', async () => {
    const email = `${unique('race')}@example.com`;
    const ip = randomIp();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        clientFrom(suite.server, ip).post('/api/auth/register/', {
          email: index % 2 ? email.toUpperCase() : email,
          password: 'race-password',
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).to.deep.equal([201, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    const rows = await suite.db('users').where({ email }).select('id');
    expect(rows).to.have.length(1);
    expect(answers.find((answer) => answer.status === 201)!.body.user.id).to.equal(rows[0].id);
    for (const answer of answers.filter((candidate) => candidate.status === 400)) {
      expect(answer.body.fields).to.deep.equal({ email: ['A user with this email already exists.'] });
    }
  });

  it('refuses passwords shorter than 8 characters and bad emails with 400 naming the field', async () => {
    const short = await clientFrom(suite.server).post('/api/auth/register/', { email: `${unique()}@example.com`, password: 'short12' });
    expect(short.status).to.equal(400);
    expect(short.body.fields).to.deep.equal({ password: ['Ensure this field has at least 8 characters.'] });
    const email = await clientFrom(suite.server).post('/api/auth/register/', { email: 'not-an-email', password: 'long-enough' });
    expect(email.status).to.equal(400);
    expect(email.body.fields).to.have.property('email');
  });

  it('answers wrong credentials with 400 Invalid credentials, whether or not the account exists', async () => {
    const email = `${unique('wrong')}@example.com`;
    await clientFrom(suite.server).post('/api/auth/register/', { email, password: 'right-password' });
    const wrong = await clientFrom(suite.server).post('/api/auth/login/', { email, password: 'wrong-password' });
    const unknown = await clientFrom(suite.server).post('/api/auth/login/', {
      email: `${unique('nobody')}@example.com`,
      password: 'whatever-pass',
    });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.equal({ error: 'Invalid credentials', code: 'validation_error', detail: 'Invalid credentials' });
      expect(answer.headers.getSetCookie()).to.deep.equal([]);
    }
  });

  it('refuses a Google-only account (no password) a password login', async () => {
    const user = await makeUser(suite.db, { password: null });
    const answer = await clientFrom(suite.server).post('/api/auth/login/', { email: user.email, password: 'anything-at-all' });
    expect(answer.status).to.equal(400);
  });

  it("accepts Django's pbkdf2_sha256 hash and re-hashes it to argon2id on the first login", async () => {
    const salt = 'seasalt1234';
    const digest = pbkdf2Sync('legacy-password', salt, 1000, 32, 'sha256').toString('base64');
    const user = await makeUser(suite.db, { password: `pbkdf2_sha256$1000$${salt}$${digest}` });
    const wrong = await clientFrom(suite.server).post('/api/auth/login/', { email: user.email, password: 'legacy-passwore' });
    expect(wrong.status).to.equal(400);
    expect((await suite.db('users').where({ id: user.id }).first()).password).to.match(/^pbkdf2_sha256\$/);

    const right = await clientFrom(suite.server).post('/api/auth/login/', { email: user.email, password: 'legacy-password' });
    expect(right.status).to.equal(200);
    const stored = (await suite.db('users').where({ id: user.id }).first()).password as string;
    expect(stored).to.match(/^\$argon2id\$/);
    const again = await clientFrom(suite.server).post('/api/auth/login/', { email: user.email, password: 'legacy-password' });
    expect(again.status).to.equal(200);
  });

  it('accepts argon2id hashes written by the former `argon2` package, re-hashing only those with other parameters', async () => {
    // Made by argon2@0.45 (the package this project used before @node-rs/argon2) for 'fixture-password':
    // with this project's parameters, and with that package's own defaults (64 MiB, 3 passes, 4 lanes).
    const current = '$argon2id$v=19$m=19456,p=1,t=2$txQtqLIY+FU1Tj5cMyc0Tw$NVIjiHLXZ70KOrmuYNPmJbQXnqG4ZXvvB80X3cMwUsA';
    const heavier = '$argon2id$v=19$m=65536,p=4,t=3$Noa4j1aPGlasUn90h7vIXA$aOpjiKleUC3nBKMaVKMu6Cz/qh+2yv9azgeY9MXQKgc';
    for (const stored of [current, heavier]) {
      const user = await makeUser(suite.db, { password: stored });
      const wrong = await clientFrom(suite.server).post('/api/auth/login/', { email: user.email, password: 'fixture-passwore' });
      expect(wrong.status).to.equal(400);
      const right = await clientFrom(suite.server).post('/api/auth/login/', { email: user.email, password: 'fixture-password' });
      expect(right.status, stored).to.equal(200);
      const after = (await suite.db('users').where({ id: user.id }).first()).password as string;
      if (stored === current) expect(after, 'same parameters: kept').to.equal(stored);
      else expect(after, 'other parameters: re-hashed').to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    }
  });

  it('re-hashes a password only while the stored hash is the one that was checked', async () => {
    const salt = 'seasalt5678';
    const legacy = `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync('legacy-password', salt, 1000, 32, 'sha256').toString('base64')}`;
    const user = await makeUser(suite.db, { password: legacy });
    const changedMeanwhile = await hashPassword('changed-meanwhile');
    await suite.db('users').where({ id: user.id }).update({ password: changedMeanwhile });

    expect(await User.rehashPassword(suite.db, user.id, legacy, await hashPassword('legacy-password'))).to.equal(false);
    expect((await suite.db('users').where({ id: user.id }).first()).password).to.equal(changedMeanwhile);
    const rehashed = await hashPassword('changed-meanwhile');
    expect(await User.rehashPassword(suite.db, user.id, changedMeanwhile, rehashed), 'the control: the hash that was read').to.equal(true);
    expect((await suite.db('users').where({ id: user.id }).first()).password).to.equal(rehashed);
  });

  it('accepts the access token as Authorization: Bearer, and refuses /me without one', async () => {
    const client = clientFrom(suite.server);
    await client.post('/api/auth/register/', { email: `${unique('bearer')}@example.com`, password: 'bearer-pass' });
    const bearer = suite.server.client({ authorization: `Bearer ${client.cookies.get('access')}` });
    const me = await bearer.get('/api/auth/me/');
    expect(me.status).to.equal(200);
    const anonymous = await suite.server.client().get('/api/auth/me/');
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.code).to.equal('not_authenticated');
  });

  it("ends a deactivated user's access and refresh at once, and re-activating them revives no old token", async () => {
    const client = clientFrom(suite.server);
    const email = `${unique('gone')}@example.com`;
    await client.post('/api/auth/register/', { email, password: 'soon-inactive' });
    expect((await client.get('/api/auth/me/')).status).to.equal(200);
    const oldRefresh = client.cookies.get('refresh')!;
    // Deactivated by hand in the database: the schema itself ends the sessions.
    await suite.db('users').where({ email }).update({ is_active: false });
    expect((await client.get('/api/auth/me/')).status).to.equal(401);
    const refreshed = await client.post('/api/auth/refresh/');
    expect(refreshed.status).to.equal(403);
    const login = await clientFrom(suite.server).post('/api/auth/login/', { email, password: 'soon-inactive' });
    expect(login.status).to.equal(403);

    await suite.db('users').where({ email }).update({ is_active: true });
    expect((await client.get('/api/auth/me/')).status).to.equal(401);
    client.cookies.set('refresh', oldRefresh);
    expect((await client.post('/api/auth/refresh/')).status).to.equal(401);
    expect((await clientFrom(suite.server).post('/api/auth/login/', { email, password: 'soon-inactive' })).status).to.equal(200);
  });
});
