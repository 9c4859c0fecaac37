// Several server processes on one PostgreSQL, as behind a load balancer: what must hold across
// them is decided in the database, never in a process's memory. Two real server processes (the
// entry point, each with its own pool) share the run's database; requests are spread across both.
// PostgreSQL only: the embedded database belongs to one process.
import { expect } from 'chai';
import { openSession } from '../../src/accounts/session-tokens.js';
import { checkoutEvent, FakeStripe, stripeEnv } from '../../testing/fakes/stripe.js';
import type { Client } from '../support/client.js';
import { makeProduct, makeUser, unique } from '../support/factories.js';
import { startSourceServer, type SourceServer } from '../support/spawned-server.js';
import { TEST_SECRET, testDatabase } from '../support/server.js';
import { deliver } from '../support/stripe.js';
import { randomIp } from '../accounts/support.js';
import { ADDRESS, orderRow, stockOf } from '../orders/support.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

(onPostgres ? describe : describe.skip)(
  `two server processes on one PostgreSQL${onPostgres ? '' : ' (pending: PostgreSQL only — set DATABASE_URL)'}`,
  function () {
    this.timeout(180_000);
    let processes: SourceServer[] = [];
    let stripe: FakeStripe | undefined;

    before(async () => {
      const { url } = await testDatabase();
      stripe = await FakeStripe.start();
      const env = {
        DATABASE_URL: url!,
        TRUST_PROXY: 'true',
        THROTTLE_LOGIN: '3/15m',
        THROTTLE_REGISTER: '1000/1h',
        // Reuse of a rotated refresh token is refused at once: what is tested is that both processes see the rotation.
        REFRESH_REUSE_GRACE_SECONDS: '0',
        ...stripeEnv(stripe),
      };
      // One after the other: the first may load the catalogue into an empty database.
      processes.push(await startSourceServer(env));
      processes.push(await startSourceServer(env));
    });

    after(async () => {
      await Promise.all(processes.map((server) => server.stop()));
      processes = [];
      await stripe?.close();
    });

    const db = async () => (await testDatabase()).db;

    /** One browser whose requests go to either process: one cookie jar for a client of each. */
    function browser(headers: Record<string, string> = {}): [Client, Client] {
      const [a, b] = processes.map((server) => server.client(headers)) as [Client, Client];
      (b as { cookies: Map<string, string> }).cookies = a.cookies;
      return [a, b];
    }

    /** A browser signed in as a new user (a real login session, as the API opens it). */
    async function shopper(): Promise<[Client, Client]> {
      const user = await makeUser(await db());
      const pair = browser();
      pair[0].cookies.set('access', (await openSession(await db(), TEST_SECRET, user.id)).access);
      return pair;
    }

    it('sells the last five units to exactly five of twenty buyers spread over both processes', async () => {
      const tee = await makeProduct(await db(), { name: `Last Five ${unique()}`, stock: 5 });
      const buyers = await Promise.all(Array.from({ length: 20 }, () => shopper()));
      const answers = await Promise.all(
        buyers.map((pair, index) =>
          pair[index % 2]!.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS }),
        ),
      );
      expect(answers.filter((answer) => answer.status === 200)).to.have.length(5);
      const refused = answers.filter((answer) => answer.status === 400);
      expect(refused).to.have.length(15);
      for (const answer of refused) expect(answer.body.code).to.equal('insufficient_stock');
      expect(await stockOf(await db(), tee.id)).to.equal(0);
      const sold = await (await db())('order_items').where({ product_id: tee.id }).sum({ quantity: 'quantity' }).first();
      expect(Number(sold!.quantity)).to.equal(5);
    });

    it('applies a webhook event delivered to both processes at once exactly once', async () => {
      const tee = await makeProduct(await db(), { price: '499.00', stock: 10 });
      const [client] = await shopper();
      const placed = await client.post('/api/orders/create/', {
        payment_method: 'stripe',
        cart: [{ id: tee.id, quantity: 2 }],
        address: ADDRESS,
      });
      expect(placed.status).to.equal(200);
      const order = await orderRow(await db(), placed.body.order_id);
      expect(await stockOf(await db(), tee.id)).to.equal(8);

      // Expiry gives the stock back: applied twice, it would give it back twice.
      const event = checkoutEvent('checkout.session.expired', stripe!.expireNow(order.stripe_session_id!));
      const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => deliver(processes[index % 2]!.client(), event)));
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(8).fill(200));
      expect(answers.filter((answer) => answer.body.status === 'success')).to.have.length(1);
      expect((await orderRow(await db(), order.id)).status).to.equal('cancelled');
      expect(await stockOf(await db(), tee.id)).to.equal(10);
      expect(await (await db())('stripe_events').where({ id: event.id })).to.have.length(1);
    });

    it('counts failed logins of an email+IP across both processes', async () => {
      const ip = randomIp();
      const email = `${unique('spread')}@example.com`;
      const [a, b] = browser({ 'x-forwarded-for': ip });
      expect((await a.post('/api/auth/register/', { email, password: 'right-password-1' })).status).to.equal(201);
      const wrong = [a, b, a].map((client, index) => client.post('/api/auth/login/', { email, password: `wrong-password-${index}` }));
      for (const answer of await Promise.all(wrong)) expect(answer.status).to.equal(400);
      const throttled = await b.post('/api/auth/login/', { email, password: 'right-password-1' });
      expect(throttled.status).to.equal(429);
      expect(Number(throttled.headers.get('retry-after'))).to.be.greaterThan(0);
      const alsoThrottled = await a.post('/api/auth/login/', { email, password: 'right-password-1' });
      expect(alsoThrottled.status).to.equal(429);
    });

    it('revokes a session on either process when a rotated refresh token is replayed on the other (no reuse grace)', async () => {
      const ip = randomIp();
      const [a, b] = browser({ 'x-forwarded-for': ip });
      expect(
        (await a.post('/api/auth/register/', { email: `${unique('rot')}@example.com`, password: 'right-password-1' })).status,
      ).to.equal(201);
      const stolen = a.cookies.get('refresh')!;
      expect((await b.post('/api/auth/refresh/')).status).to.equal(200);

      const [attacker] = browser({ 'x-forwarded-for': randomIp() });
      attacker.cookies.set('refresh', stolen);
      const replay = await attacker.post('/api/auth/refresh/');
      expect(replay.status).to.equal(401);
      // The holder's newer tokens are dead on both processes.
      expect((await b.get('/api/auth/me/')).status).to.equal(401);
      expect((await a.get('/api/auth/me/')).status).to.equal(401);
      expect((await b.post('/api/auth/refresh/')).status).to.equal(401);
    });

    it('lets exactly one of two refreshes of one token, sent to both processes at once, win (no reuse grace)', async () => {
      const [a] = browser({ 'x-forwarded-for': randomIp() });
      expect(
        (await a.post('/api/auth/register/', { email: `${unique('tabs')}@example.com`, password: 'right-password-1' })).status,
      ).to.equal(201);
      const token = a.cookies.get('refresh')!;
      const tabs = processes.map((server) => server.client());
      tabs.forEach((tab) => tab.cookies.set('refresh', token));
      const answers = await Promise.all(tabs.map((tab) => tab.post('/api/auth/refresh/')));
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 401]);
    });

    it('makes one order of an Idempotency-Key sent to both processes at once, with the same answer everywhere', async () => {
      const tee = await makeProduct(await db(), { stock: 50 });
      const pair = await shopper();
      const key = unique('key-');
      const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          pair[index % 2]!.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } }),
        ),
      );
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(10).fill(200));
      expect(new Set(answers.map((answer) => answer.body.order_id)).size).to.equal(1);
      expect(await stockOf(await db(), tee.id)).to.equal(49);
    });
  },
);
