// Throttles counted in PostgreSQL, so every server process shares them, exactly even under
// parallel attempts, answering 429 with Retry-After; client addresses keyed canonically (IPv6 by /64). Small limits come from THROTTLE_* for these tests.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { OneTimeToken } from '../../src/accounts/one-time-token.model.js';
import { throttleAddress } from '../../src/accounts/throttle.js';
import { signToken } from '../../src/accounts/tokens.js';
import { unique } from '../support/factories.js';
import { TEST_SECRET, type TestServer } from '../support/server.js';
import { clientFrom, randomIp, startAccountsServer } from './support.js';

describe('accounts: throttling', () => {
  let server: TestServer;
  let other: TestServer;
  before(async () => {
    // THROTTLE_LOGIN_ACCOUNT keeps its default (10/5m): the tests below show the default at work.
    const env = {
      THROTTLE_LOGIN: '2/15m',
      THROTTLE_REGISTER: '3/1h',
      THROTTLE_PASSWORD_RESET: '2/1h',
      THROTTLE_PASSWORD_RESET_IP: '3/1h',
      THROTTLE_PASSWORD_RESET_CONFIRM: '2/15m',
    };
    server = await startAccountsServer(env);
    // A second server process-alike on the same database: the counts must be shared.
    other = await startAccountsServer(env);
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  it('answers 429 with Retry-After after the failed logins of an email+IP, shared across servers', async () => {
    const ip = randomIp();
    const email = `${unique('thr')}@example.com`;
    await clientFrom(server).post('/api/auth/register/', { email, password: 'right-password' });
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-1-pass' })).status).to.equal(400);
    expect((await clientFrom(other, ip).post('/api/auth/login/', { email, password: 'wrong-2-pass' })).status).to.equal(400);
    const throttled = await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'right-password' });
    expect(throttled.status).to.equal(429);
    expect(throttled.body.code).to.equal('throttled');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).to.be.within(895, 900);

    // Another IP, and another email from the same IP, are not affected.
    expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'right-password' })).status).to.equal(200);
    expect(
      (await clientFrom(server, ip).post('/api/auth/login/', { email: `${unique()}@example.com`, password: 'x-password' })).status,
    ).to.equal(400);
  });

  it('counts parallel guesses exactly: with a limit of 2, 10 parallel attempts get 8 × 429', async () => {
    const ip = randomIp();
    const email = `${unique('par')}@example.com`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        clientFrom(index % 2 ? server : other, ip).post('/api/auth/login/', { email, password: `guess-${index}-pass` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).to.deep.equal([400, 400, 429, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('clears the failed attempts on a successful login', async () => {
    const ip = randomIp();
    const email = `${unique('clr')}@example.com`;
    await clientFrom(server).post('/api/auth/register/', { email, password: 'right-password' });
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-password' })).status).to.equal(400);
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'right-password' })).status).to.equal(200);
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-password' })).status).to.equal(400);
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'right-password' })).status).to.equal(200);
  });

  it('starts a new window once the old one has passed', async () => {
    const ip = randomIp();
    const email = `${unique('win')}@example.com`;
    for (let attempt = 0; attempt < 3; attempt += 1)
      await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-password' });
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-password' })).status).to.equal(429);
    await server.services
      .db('throttle_buckets')
      .where({ scope: 'login', key: `${email}|${ip}` })
      .update({ window_ends: new Date(Date.now() - 1000) });
    expect((await clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-password' })).status).to.equal(400);
  });

  it('sweeps buckets whose window ended long ago', async () => {
    const stale = { scope: 'login', key: `stale|${randomIp()}`, hits: 9, window_ends: new Date(Date.now() - 2 * 3600_000) };
    await server.services.db('throttle_buckets').insert(stale);
    await clientFrom(server).post('/api/auth/login/', { email: `${unique('sweep')}@example.com`, password: 'whatever-pass' });
    expect(await server.services.db('throttle_buckets').where({ scope: stale.scope, key: stale.key }).first()).to.equal(undefined);
  });

  it('limits registrations per IP', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const answer = await clientFrom(index % 2 ? server : other, ip).post('/api/auth/register/', {
        email: `${unique('many')}@example.com`,
        password: 'register-pass',
      });
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).to.be.within(3595, 3600);
    }
    expect(statuses).to.deep.equal([201, 201, 201, 429]);
    expect(
      (await clientFrom(server).post('/api/auth/register/', { email: `${unique('fresh')}@example.com`, password: 'register-pass' })).status,
    ).to.equal(201);
  });

  it('limits failed logins per account whatever the address: 30 guesses from 30 addresses, 10 checked, 20 refused', async () => {
    const email = `${unique('acct')}@example.com`;
    await clientFrom(server).post('/api/auth/register/', { email, password: 'right-password' });
    const statuses: number[] = [];
    for (let guess = 0; guess < 30; guess += 1) {
      const answer = await clientFrom(guess % 2 ? server : other, randomIp()).post('/api/auth/login/', {
        email,
        password: `guess-${guess}-pass`,
      });
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after')), 'a short window').to.be.within(1, 300);
    }
    expect(statuses).to.deep.equal([...Array<number>(10).fill(400), ...Array<number>(20).fill(429)]);
    // Another account is not affected.
    expect(
      (await clientFrom(server).post('/api/auth/login/', { email: `${unique('other')}@example.com`, password: 'x-password' })).status,
    ).to.equal(400);
    // The owner is refused as well, for that window only; once it has passed they are in.
    const owner = await clientFrom(server).post('/api/auth/login/', { email, password: 'right-password' });
    expect(owner.status).to.equal(429);
    await server.services
      .db('throttle_buckets')
      .where({ scope: 'login_account', key: email })
      .update({ window_ends: new Date(Date.now() - 1000) });
    expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'right-password' })).status).to.equal(200);
  });

  it('lets the owner in at once after a password reset, however many guesses others made', async () => {
    const email = `${unique('reset')}@example.com`;
    const userId = (await clientFrom(server).post('/api/auth/register/', { email, password: 'right-password' })).body.user.id as number;
    for (let guess = 0; guess < 11; guess += 1) {
      await clientFrom(server).post('/api/auth/login/', { email, password: `guess-${guess}-pass` });
    }
    expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'right-password' })).status).to.equal(429);
    const jti = randomUUID();
    await OneTimeToken.record(server.services.db, { jti, userId, purpose: 'password_reset', expiresAt: new Date(Date.now() + 3600_000) });
    const token = signToken(TEST_SECRET, { sub: String(userId), typ: 'password_reset', jti }, 3600);
    expect((await clientFrom(server).post('/api/auth/password-reset/confirm/', { token, password: 'brand-new-password' })).status).to.equal(
      200,
    );
    expect((await clientFrom(server).post('/api/auth/login/', { email, password: 'brand-new-password' })).status).to.equal(200);
  });

  it('counts every spelling of an IPv6 address, and its whole /64, as one client; IPv4-mapped as IPv4', async () => {
    const network = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
    const email = `${unique('six')}@example.com`;
    const guess = (ip: string) => clientFrom(server, ip).post('/api/auth/login/', { email, password: 'wrong-password' });
    const [a, b] = network.split(':').slice(2);
    expect((await guess(`${network}::1`)).status).to.equal(400);
    expect((await guess(`2001:0DB8:${a!.padStart(4, '0')}:${b!.toUpperCase()}:0:0:0:1`)).status).to.equal(400);
    expect((await guess(`${network}:ffff:1:2:3`)).status, 'another address of the same /64').to.equal(429);
    expect((await guess(`2001:db8:ffff:${b}::1`)).status, 'another /64').to.equal(400);

    const v4 = randomIp();
    const mapped = `${unique('map')}@example.com`;
    const guessV4 = (ip: string) => clientFrom(server, ip).post('/api/auth/login/', { email: mapped, password: 'wrong-password' });
    expect((await guessV4(`::ffff:${v4}`)).status).to.equal(400);
    expect((await guessV4(v4)).status).to.equal(400);
    expect((await guessV4(`::FFFF:${v4}`)).status).to.equal(429);
  });

  it('writes throttle keys of addresses in one canonical form', () => {
    const cases: Array<[string, string]> = [
      ['2001:db8::1', '2001:db8::/64'],
      ['2001:0db8::1', '2001:db8::/64'],
      ['2001:DB8::1', '2001:db8::/64'],
      ['2001:db8:0:0:1::', '2001:db8::/64'],
      ['2001:db8:0:1:2:3:4:5', '2001:db8:0:1::/64'],
      ['2001:0:0:1::', '2001:0:0:1::/64'],
      ['fe80::1%eth0', 'fe80::/64'],
      ['::1', '::/64'],
      ['::ffff:192.0.2.7', '192.0.2.7'],
      ['::ffff:c000:0207', '192.0.2.7'],
      ['192.0.2.7', '192.0.2.7'],
      ['not-an-address', 'not-an-address'],
    ];
    for (const [address, key] of cases) expect(throttleAddress(address), address).to.equal(key);
  });

  it('limits password-reset requests per client address, whatever the emails', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      statuses.push((await clientFrom(server, ip).post('/api/auth/password-reset/', { email: `${unique('spray')}@example.com` })).status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
  });

  it('limits password-reset confirmations per client address', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const answer = await clientFrom(server, ip).post('/api/auth/password-reset/confirm/', {
        token: `made.up.${index}`,
        password: 'new-password',
      });
      statuses.push(answer.status);
    }
    expect(statuses).to.deep.equal([400, 400, 429]);
  });

  it('limits password-reset requests per email, known or not', async () => {
    const email = `${unique('rst')}@example.com`;
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1)
      statuses.push((await clientFrom(server).post('/api/auth/password-reset/', { email })).status);
    expect(statuses).to.deep.equal([200, 200, 429]);
  });
});
