// The database goes away under traffic and comes back: the server answers 503 with Retry-After,
// quickly (never a 500, never a request left hanging), /healthz says the database is unreachable,
// no order is half-written, and service resumes by itself once PostgreSQL is back. The server is
// the real entry point in its own process, on a PostgreSQL server of the test's own that the test
// stops (fast shutdown: sessions ended, connections refused) and starts again.
import { expect } from 'chai';
import pg from 'pg';
import type { Client, TestResponse } from '../support/client.js';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';
import { startSourceServer, type SourceServer } from '../support/spawned-server.js';
import { ADDRESS } from '../orders/support.js';

const RESPONSE_TIMEOUT_SECONDS = 3;
const STOCK = 100_000;

interface Answer {
  what: string;
  status: number;
  retryAfter: string | null;
  started: number;
  ended: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const missing = ownPostgresUnavailable();

(missing ? describe.skip : describe)(`a database outage under traffic${missing ? ` (pending: ${missing})` : ''}`, function () {
  this.timeout(180_000);
  let postgres: OwnPostgres | undefined;
  let server: SourceServer | undefined;

  before(async () => {
    postgres = await startOwnPostgres();
    server = await startSourceServer({
      DATABASE_URL: postgres.url,
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
      RESPONSE_TIMEOUT_SECONDS: String(RESPONSE_TIMEOUT_SECONDS),
      THROTTLE_REGISTER: '1000/1h',
      // The shoppers are unverified and order over and over: the anti-hoarding limit is not under test.
      UNVERIFIED_COD_ORDERS_PER_DAY: '1000',
    });
  });

  after(async () => {
    // The PostgreSQL server goes whatever happened to the app server: it would outlive the run.
    try {
      await server?.stop();
    } finally {
      await postgres?.destroy();
    }
  });

  async function registered(index: number): Promise<Client> {
    const client = server!.client();
    const answer = await client.post('/api/auth/register/', {
      email: `outage-${index}@example.com`,
      password: 'outage-password-123',
      first_name: 'Outage',
      last_name: `Shopper${index}`,
    });
    expect(answer.status).to.equal(201);
    return client;
  }

  it('answers 503 with Retry-After within the response timeout while PostgreSQL is down, writes nothing by halves, and resumes by itself', async () => {
    const direct = new pg.Client({ connectionString: postgres!.url });
    await direct.connect();
    const hot = (
      await direct.query<{ id: number }>('UPDATE products SET stock = $1 WHERE id = (SELECT min(id) FROM products) RETURNING id', [STOCK])
    ).rows[0]!.id;
    const shoppers = await Promise.all([0, 1, 2, 3].map(registered));
    // Verified, so they may keep ordering cash on delivery (unverified accounts get two a day).
    await direct.query("UPDATE users SET email_verified = true WHERE email LIKE 'outage-%'");
    await direct.end();

    const answers: Answer[] = [];
    let running = true;
    const ask = async (what: string, request: () => Promise<TestResponse>) => {
      const started = Date.now();
      const answer = await request();
      answers.push({ what, status: answer.status, retryAfter: answer.headers.get('retry-after'), started, ended: Date.now() });
    };
    // Each shopper browses, looks at a product and orders one of the hot product, over and over.
    const traffic = shoppers.map(async (client) => {
      while (running) {
        await ask('list', () => client.get('/api/products/'));
        await ask('detail', () => client.get(`/api/products/${hot}/`));
        await ask('order', () =>
          client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: hot, quantity: 1 }], address: ADDRESS }),
        );
        await ask('me', () => client.get('/api/auth/me/'));
      }
    });

    try {
      await sleep(1500);
      await postgres!.stop();
      const down = Date.now();
      await sleep(4000);
      const health = await server!.client().get('/healthz');
      expect(health.status).to.equal(503);
      expect(health.body.code).to.equal('service_unavailable');
      expect(Number(health.headers.get('retry-after'))).to.be.greaterThan(0);
      const up = Date.now();
      await postgres!.start();

      // Service resumes by itself: no restart, nothing done to the server.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const probe = await server!.client().get('/healthz');
        if (probe.status === 200) break;
        expect(Date.now(), 'the server did not find the database again within 30 s').to.be.below(deadline);
        await sleep(250);
      }
      const resumed = Date.now();
      await sleep(1500);
      running = false;
      await Promise.all(traffic);

      // Nothing but answers the spec allows (the client refuses any other, and any 500).
      for (const answer of answers) expect([200, 201, 503], `${answer.what} answered ${answer.status}`).to.include(answer.status);
      const duringOutage = answers.filter((answer) => answer.started >= down + 200 && answer.ended <= up);
      expect(duringOutage.length, 'requests answered while the database was down').to.be.greaterThan(10);
      for (const answer of duringOutage) {
        expect(answer.status, `${answer.what} while the database was down`).to.equal(503);
        expect(Number(answer.retryAfter), `${answer.what}: Retry-After`).to.be.greaterThan(0);
        // Bounded: the response timeout is the longest any answer may take (plus a busy machine's slack).
        expect(answer.ended - answer.started, `${answer.what} took`).to.be.below(RESPONSE_TIMEOUT_SECONDS * 1000 + 2000);
      }
      const afterwards = answers.filter((answer) => answer.started >= resumed);
      expect(afterwards.length).to.be.greaterThan(0);
      for (const answer of afterwards) expect(answer.status, `${answer.what} after the database came back`).to.be.oneOf([200, 201]);
      expect(answers.filter((answer) => answer.what === 'order' && answer.status === 200).length).to.be.greaterThan(0);

      // Nothing half-written: every unit that left stock is in an order line, every order has its line,
      // and every order answered 200 is there.
      const check = new pg.Client({ connectionString: postgres!.url });
      await check.connect();
      try {
        const stock = (await check.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [hot])).rows[0]!.stock;
        const sold = Number(
          (await check.query<{ n: string }>('SELECT coalesce(sum(quantity), 0) AS n FROM order_items WHERE product_id = $1', [hot]))
            .rows[0]!.n,
        );
        expect(STOCK - stock).to.equal(sold);
        const orphans = (await check.query('SELECT id FROM orders WHERE NOT EXISTS (SELECT 1 FROM order_items WHERE order_id = orders.id)'))
          .rows;
        expect(orphans).to.deep.equal([]);
        const placed = answers.filter((answer) => answer.what === 'order' && answer.status === 200).length;
        expect(sold).to.be.at.least(placed);
      } finally {
        await check.end();
      }
    } finally {
      running = false;
      await Promise.allSettled(traffic);
    }
  });
});
