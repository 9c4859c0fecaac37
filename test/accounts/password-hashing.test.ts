// Password hashing is bounded per server process: PASSWORD_HASH_CONCURRENCY hashes at once,
// PASSWORD_HASH_QUEUE more waiting, and anyone beyond is answered 503 with Retry-After at once —
// login, registration, the token endpoint and the reset confirmation alike. The tests hold the
// only slot themselves (the server's own PasswordHashSlots), so what is refused does not depend on
// timing.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { OneTimeToken } from '../../src/accounts/one-time-token.model.js';
import { hashPassword, PasswordHashSlots, passwordHashSlots } from '../../src/accounts/passwords.js';
import { signToken } from '../../src/accounts/tokens.js';
import { HttpError } from '../../src/http/errors.js';
import { makeUser, unique } from '../support/factories.js';
import { TEST_SECRET } from '../support/server.js';
import { accountsServerForSuite, clientFrom } from './support.js';

describe('accounts: bounded password hashing', () => {
  const suite = accountsServerForSuite(() => ({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0' }));

  async function resetLinkFor(userId: number): Promise<string> {
    const jti = randomUUID();
    await OneTimeToken.record(suite.db, { jti, userId, purpose: 'password_reset', expiresAt: new Date(Date.now() + 3600_000) });
    return signToken(TEST_SECRET, { sub: String(userId), typ: 'password_reset', jti }, 3600);
  }

  it('answers 503 with Retry-After to every hashing operation while the slots are taken, and serves them once free', async () => {
    const user = await makeUser(suite.db, { password: await hashPassword('right-password') });
    const resetLink = await resetLinkFor(user.id);
    const credentials = { email: user.email, password: 'right-password' };

    let release!: () => void;
    const held = passwordHashSlots(suite.server.services.config).run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const answers = await Promise.all([
        clientFrom(suite.server).post('/api/auth/login/', credentials),
        clientFrom(suite.server).post('/api/auth/token/', credentials),
        clientFrom(suite.server).post('/api/auth/register/', { email: `${unique('busy')}@example.com`, password: 'some-password' }),
        clientFrom(suite.server).post('/api/auth/password-reset/confirm/', { token: resetLink, password: 'new-password' }),
      ]);
      for (const answer of answers) {
        expect(answer.status).to.equal(503);
        expect(answer.body.code).to.equal('service_unavailable');
        expect(answer.headers.get('retry-after')).to.equal('1');
      }
      // A made-up reset token is refused without waiting for a hash: the token is checked first.
      const bogus = await clientFrom(suite.server).post('/api/auth/password-reset/confirm/', {
        token: 'made.up.token',
        password: 'new-password',
      });
      expect(bogus.status).to.equal(400);
    } finally {
      release();
      await held;
    }

    expect((await clientFrom(suite.server).post('/api/auth/login/', credentials)).status).to.equal(200);
    const reset = await clientFrom(suite.server).post('/api/auth/password-reset/confirm/', { token: resetLink, password: 'new-password' });
    expect(reset.status, 'the refused attempt left the link unused').to.equal(200);
  });

  it('lets up to the queue wait their turn in order, and refuses the next at once', async () => {
    const slots = new PasswordHashSlots(1, 1);
    const order: string[] = [];
    let release!: () => void;
    const first = slots.run(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first');
    });
    const second = slots.run(async () => {
      order.push('second');
    });
    let refused: unknown;
    await slots.run(async () => order.push('third')).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(HttpError);
    expect((refused as HttpError).status).to.equal(503);
    expect((refused as HttpError).headers).to.deep.equal({ 'Retry-After': '1' });
    expect(order, 'the second waits for the first').to.deep.equal([]);
    release();
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first', 'second']);
    expect(await slots.run(async () => 'free again')).to.equal('free again');
  });
});
