// A request the server cannot answer within RESPONSE_TIMEOUT_SECONDS (here: an order waiting on a
// product row another transaction holds locked) is answered 503 with Retry-After then, not when
// the lock goes. The order itself is not cut in half: it completes once the lock is released, and
// a retry with the same Idempotency-Key is answered with that order, taking stock once.
// PostgreSQL only: the embedded database runs one statement at a time, so nothing waits on a lock.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { makeProduct, shopper, unique } from '../support/factories.js';
import { serverForSuite, testDatabase } from '../support/server.js';
import { ADDRESS, stockOf } from '../orders/support.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

(onPostgres ? describe : describe.skip)(
  `RESPONSE_TIMEOUT_SECONDS${onPostgres ? '' : ' (pending: PostgreSQL only — set DATABASE_URL)'}`,
  function () {
    this.timeout(60_000);
    const suite = serverForSuite(() => ({ RESPONSE_TIMEOUT_SECONDS: '1' }));

    it('answers 503 with Retry-After when an order waits too long on a locked product; the retry with its key gets the order', async () => {
      const { db } = await testDatabase();
      const tee = await makeProduct(db, { stock: 5 });
      const client = await shopper(suite.server);
      const key = unique('key-');
      const body = { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS };

      const holder: Knex.Transaction = await db.transaction();
      try {
        await holder('products').where({ id: tee.id }).forUpdate().select('id');
        const late = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
        expect(late.status).to.equal(503);
        expect(late.body.code).to.equal('service_unavailable');
        expect(Number(late.headers.get('retry-after'))).to.be.greaterThan(0);
      } finally {
        await holder.rollback();
      }

      // The order goes through once the row is free: whole, not half.
      const deadline = Date.now() + 20_000;
      while ((await stockOf(db, tee.id)) !== 4) {
        expect(Date.now(), 'the order did not complete after the lock was released').to.be.below(deadline);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const retry = await client.post('/api/orders/create/', body, { headers: { 'Idempotency-Key': key } });
      expect(retry.status).to.equal(200);
      expect(await stockOf(db, tee.id)).to.equal(4);
      expect(await db('order_items').where({ product_id: tee.id })).to.have.length(1);
    });
  },
);

describe('RESPONSE_TIMEOUT_SECONDS and request bodies', function () {
  this.timeout(60_000);
  const suite = serverForSuite(() => ({ RESPONSE_TIMEOUT_SECONDS: '1' }));

  it('gives a request with a body its full time after the body has arrived', async () => {
    const client = await shopper(suite.server);
    const tee = await makeProduct(suite.db, { stock: 5 });
    // A body sent slowly, in pieces, over longer than the timeout: the clock starts at its end.
    const text = JSON.stringify({ payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS });
    const pieces = [text.slice(0, 20), text.slice(20, 60), text.slice(60)];
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const piece = pieces.shift();
        if (piece === undefined) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, 600));
        controller.enqueue(new TextEncoder().encode(piece));
      },
    });
    const response = await client.post('/api/orders/create/', undefined, {
      rawBody: stream,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).to.equal(200);
  });
});
