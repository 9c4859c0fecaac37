// Throttles counted in PostgreSQL, so every server process shares them, exactly even under
// parallel attempts, answering 429 with Retry-After. Small limits come from THROTTLE_* for these tests.
import { expect } from 'chai';
import { unique } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { clientFrom, randomIp, startAccountsServer } from './support.js';

describe('accounts: throttling', () => {
  let server: TestServer;
  let other: TestServer;
  before(async () => {
    const env = { THROTTLE_LOGIN: '2/15m', THROTTLE_REGISTER: '3/1h', THROTTLE_PASSWORD_RESET: '2/1h' };
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

  it('limits password-reset requests per email, known or not', async () => {
    const email = `${unique('rst')}@example.com`;
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1)
      statuses.push((await clientFrom(server).post('/api/auth/password-reset/', { email })).status);
    expect(statuses).to.deep.equal([200, 200, 429]);
  });
});
