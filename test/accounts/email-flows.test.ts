// Email verification and password reset, through nodemailer to a real SMTP server the test
// starts; the tests follow the token of the link they receive. Each token works once, for its
// purpose and its user only.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { OneTimeToken, type EmailTokenPurpose } from '../../src/accounts/one-time-token.model.js';
import { signToken } from '../../src/accounts/tokens.js';
import { createMailer } from '../../src/mail/mailer.js';
import { loadConfig } from '../../src/config.js';
import { makeUser, unique } from '../support/factories.js';
import type { Client } from '../support/client.js';
import { TEST_SECRET, type TestServer } from '../support/server.js';
import { startMailServer, tokenFromLink, type MailServer } from '../../testing/fakes/smtp.js';
import { clientFrom, startAccountsServer } from './support.js';

describe('accounts: email verification and password reset', () => {
  let mail: MailServer;
  let server: TestServer;
  before(async () => {
    mail = await startMailServer();
    server = await startAccountsServer({
      SMTP_URL: mail.url,
      MAIL_FROM: 'Shop <shop@example.com>',
      FRONTEND_URL: 'https://shop.example.com',
    });
  });
  after(async () => {
    await server.close();
    await mail.close();
  });

  async function registered(): Promise<{ client: Client; email: string }> {
    const client = clientFrom(server);
    const email = `${unique('mail')}@example.com`;
    const answer = await client.post('/api/auth/register/', { email, password: 'first-password' }, { origin: 'https://shop.example.com' });
    expect(answer.status).to.equal(201);
    return { client, email };
  }
  const shop = { origin: 'https://shop.example.com' };

  describe('verification', () => {
    it('mails a link on registration whose token verifies the address once', async () => {
      const { client, email } = await registered();
      const received = await mail.nextMailTo(email);
      expect(received.text).to.include('From: Shop <shop@example.com>');
      expect(received.text).to.match(/https:\/\/shop\.example\.com\/verify-email\?token=/);
      const token = tokenFromLink(received, 'verify-email');

      const verified = await clientFrom(server).post('/api/auth/verify-email/', { token }, shop);
      expect(verified.status).to.equal(200);
      expect(verified.body).to.deep.equal({ message: 'Email verified' });
      expect((await client.get('/api/auth/me/')).body.email_verified).to.equal(true);

      const again = await clientFrom(server).post('/api/auth/verify-email/', { token }, shop);
      expect(again.status).to.equal(400);
      expect(again.body.error).to.equal('This link is invalid, expired or already used.');
    });

    it('lets one of two racing uses of a token win', async () => {
      const { email } = await registered();
      const token = tokenFromLink(await mail.nextMailTo(email), 'verify-email');
      const answers = await Promise.all([1, 2, 3].map(() => clientFrom(server).post('/api/auth/verify-email/', { token }, shop)));
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 400, 400]);
    });

    it('refuses tampered, expired and wrong-purpose tokens', async () => {
      const { email } = await registered();
      const token = tokenFromLink(await mail.nextMailTo(email), 'verify-email');
      const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
      expect((await clientFrom(server).post('/api/auth/verify-email/', { token: tampered }, shop)).status).to.equal(400);
      await server.services
        .db('one_time_tokens')
        .where({ purpose: 'verify_email' })
        .whereNull('used_at')
        .update({ expires_at: new Date(Date.now() - 1000) });
      expect((await clientFrom(server).post('/api/auth/verify-email/', { token }, shop)).status).to.equal(400);

      await clientFrom(server).post('/api/auth/password-reset/', { email }, shop);
      const resetToken = tokenFromLink(await mail.nextMailTo(email), 'reset-password');
      expect((await clientFrom(server).post('/api/auth/verify-email/', { token: resetToken }, shop)).status).to.equal(400);
    });

    it('refuses a signed token whose record is for another purpose or another user', async () => {
      const owner = await makeUser(server.services.db, { email_verified: false });
      const stranger = await makeUser(server.services.db, { email_verified: false });
      // Tokens signed with the server's key, so that only their record can refuse them.
      const recorded = async (purpose: EmailTokenPurpose) => {
        const jti = randomUUID();
        await OneTimeToken.record(server.services.db, { jti, purpose, userId: owner.id, expiresAt: new Date(Date.now() + 600_000) });
        return jti;
      };
      const verifyToken = (jti: string, userId: number) => signToken(TEST_SECRET, { sub: String(userId), typ: 'verify_email', jti }, 600);
      const verify = (token: string) => clientFrom(server).post('/api/auth/verify-email/', { token }, shop);

      const recordedForReset = await recorded('password_reset');
      expect((await verify(verifyToken(recordedForReset, owner.id))).status, 'recorded for another purpose').to.equal(400);
      const recordedForOwner = await recorded('verify_email');
      expect((await verify(verifyToken(recordedForOwner, stranger.id))).status, 'recorded for another user').to.equal(400);
      expect((await server.services.db('users').where({ id: stranger.id }).first()).email_verified).to.equal(false);
      expect((await verify(verifyToken(recordedForOwner, owner.id))).status, 'the same token, its own user').to.equal(200);
    });

    it('resends the mail to a logged-in unverified user, and says so when already verified', async () => {
      const { client, email } = await registered();
      await mail.nextMailTo(email);
      const resent = await client.post('/api/auth/resend-verification/', undefined, shop);
      expect(resent.body).to.deep.equal({ message: 'Verification email sent' });
      const token = tokenFromLink(await mail.nextMailTo(email), 'verify-email');
      expect((await clientFrom(server).post('/api/auth/verify-email/', { token }, shop)).status).to.equal(200);
      const done = await client.post('/api/auth/resend-verification/', undefined, shop);
      expect(done.body).to.deep.equal({ message: 'Email already verified' });
      expect((await server.client().post('/api/auth/resend-verification/')).status).to.equal(401);
    });

    it('throttles resending', async () => {
      const limited = await startAccountsServer({ SMTP_URL: mail.url, THROTTLE_VERIFICATION: '1/1h' });
      try {
        const client = clientFrom(limited);
        const email = `${unique('resend')}@example.com`;
        await client.post('/api/auth/register/', { email, password: 'first-password' });
        expect((await client.post('/api/auth/resend-verification/')).status).to.equal(200);
        const throttled = await client.post('/api/auth/resend-verification/');
        expect(throttled.status).to.equal(429);
        expect(throttled.headers.get('retry-after')).to.match(/^\d+$/);
      } finally {
        await limited.close();
      }
    });
  });

  describe('password reset', () => {
    it('answers the same 200 for known and unknown emails, mailing only the known one', async () => {
      const { email } = await registered();
      await mail.nextMailTo(email);
      const stranger = `${unique('stranger')}@example.com`;
      const known = await clientFrom(server).post('/api/auth/password-reset/', { email: email.toUpperCase() }, shop);
      const unknown = await clientFrom(server).post('/api/auth/password-reset/', { email: stranger }, shop);
      expect(known.status).to.equal(200);
      expect(unknown.body).to.deep.equal(known.body);
      const received = await mail.nextMailTo(email);
      expect(received.text).to.match(/https:\/\/shop\.example\.com\/reset-password\?token=/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mail.received.some((message) => message.to.includes(stranger))).to.equal(false);
    });

    it('sets the new password with the token once, and ends every session of the user', async () => {
      const { client, email } = await registered();
      await mail.nextMailTo(email);
      await clientFrom(server).post('/api/auth/password-reset/', { email }, shop);
      const token = tokenFromLink(await mail.nextMailTo(email), 'reset-password');

      const short = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'short' }, shop);
      expect(short.status).to.equal(400);
      expect(short.body.fields).to.have.property('password');

      const done = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'second-password' }, shop);
      expect(done.status).to.equal(200);
      expect(done.body).to.deep.equal({ message: 'Password has been reset' });
      expect((await client.get('/api/auth/me/')).status).to.equal(401);
      expect((await client.post('/api/auth/refresh/', undefined, shop)).status).to.equal(401);

      expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'first-password' }, shop)).status).to.equal(400);
      expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'second-password' }, shop)).status).to.equal(200);

      const reused = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'third-password' }, shop);
      expect(reused.status).to.equal(400);
      expect(reused.body.error).to.equal('This link is invalid, expired or already used.');
    });

    it('ends the other reset links once one of them has set a password', async () => {
      const { email } = await registered();
      await mail.nextMailTo(email);
      const links: string[] = [];
      for (let index = 0; index < 3; index += 1) {
        await clientFrom(server).post('/api/auth/password-reset/', { email }, shop);
        links.push(tokenFromLink(await mail.nextMailTo(email), 'reset-password'));
      }
      const used = await clientFrom(server).post(
        '/api/auth/password-reset/confirm/',
        { token: links[2], password: 'second-password' },
        shop,
      );
      expect(used.status).to.equal(200);
      for (const token of links.slice(0, 2)) {
        const older = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'attacker-password' }, shop);
        expect(older.status).to.equal(400);
        expect(older.body.error).to.equal('This link is invalid, expired or already used.');
      }
      expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'second-password' }, shop)).status).to.equal(200);
    });
  });

  it('refuses the reset link of a deactivated account, changing nothing', async () => {
    const { email } = await registered();
    await mail.nextMailTo(email);
    await clientFrom(server).post('/api/auth/password-reset/', { email }, shop);
    const token = tokenFromLink(await mail.nextMailTo(email), 'reset-password');
    await server.services.db('users').where({ email }).update({ is_active: false });
    const before = await server.services.db('users').where({ email }).first();

    const refused = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'second-password' }, shop);
    expect(refused.status).to.equal(400);
    expect(refused.body.fields).to.deep.equal({ token: ['This link is invalid, expired or already used.'] });
    const after = await server.services.db('users').where({ email }).first();
    expect(after.password).to.equal(before.password);
    expect(after.email_verified).to.equal(false);

    await server.services.db('users').where({ email }).update({ is_active: true });
    const control = await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'second-password' }, shop);
    expect(control.status, 'the refusal left the token unused').to.equal(200);
  });

  it('still registers when the mail server is down (the failure is logged, not answered)', async () => {
    const down = await startAccountsServer({ SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      const client = clientFrom(down);
      const answer = await client.post('/api/auth/register/', { email: `${unique('down')}@example.com`, password: 'first-password' });
      expect(answer.status).to.equal(201);
      expect((await client.post('/api/auth/resend-verification/')).status).to.equal(200);
    } finally {
      await down.close();
    }
  });

  it('writes the mail to the log when SMTP_URL is not set (local use)', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const mailer = createMailer(
      loadConfig({ SECRET_KEY: 'x'.repeat(32), DATA_DIR: server.services.config.dataDir }),
      pino({ level: 'info' }, sink),
    );
    await mailer.send({
      to: 'someone@example.com',
      subject: 'Confirm your email address',
      text: 'http://localhost:5173/verify-email?token=abc',
    });
    expect(lines).to.have.length(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry.msg).to.equal('mail not sent (SMTP_URL is not set); written to the log instead');
    expect(entry.mail).to.include({ to: 'someone@example.com', text: 'http://localhost:5173/verify-email?token=abc' });
  });
});
