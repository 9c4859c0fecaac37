// The last units of a product under a rush: twenty buyers at once for five units. Stock is taken
// with conditional updates inside one transaction per order, so exactly five orders succeed and
// stock never goes below zero (run against PostgreSQL with DATABASE_URL for real parallelism).
import { expect } from 'chai';
import { makeProduct, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { ADDRESS, stockOf } from './support.js';

describe('checkout under concurrency', () => {
  const suite = serverForSuite();

  it('sells the last five units to exactly five of twenty concurrent buyers', async () => {
    const tee = await makeProduct(suite.db, { name: 'Last Five Tee', stock: 5 });
    const buyers = await Promise.all(Array.from({ length: 20 }, async () => shopper(suite.server)));
    const answers = await Promise.all(
      buyers.map((client) =>
        client.post('/api/orders/create/', { payment_method: 'cod', cart: [{ id: tee.id, quantity: 1 }], address: ADDRESS }),
      ),
    );
    const placed = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 400);
    expect(placed).to.have.length(5);
    expect(refused).to.have.length(15);
    for (const answer of refused) {
      expect(answer.body.code).to.equal('insufficient_stock');
      expect(answer.body.error).to.equal('Insufficient stock for Last Five Tee. Only 0 available.');
    }
    expect(await stockOf(suite.db, tee.id)).to.equal(0);
    const sold = await suite.db('order_items').where({ product_id: tee.id }).sum({ quantity: 'quantity' }).first();
    expect(Number(sold!.quantity)).to.equal(5);
  });

  it('never deadlocks or oversells when concurrent orders take the same products in different orders', async () => {
    const a = await makeProduct(suite.db, { stock: 6 });
    const b = await makeProduct(suite.db, { stock: 6 });
    const buyers = await Promise.all(Array.from({ length: 10 }, async () => shopper(suite.server)));
    const answers = await Promise.all(
      buyers.map((client, index) =>
        client.post('/api/orders/create/', {
          payment_method: 'cod',
          cart:
            index % 2
              ? [
                  { id: a.id, quantity: 2 },
                  { id: b.id, quantity: 1 },
                ]
              : [
                  { id: b.id, quantity: 2 },
                  { id: a.id, quantity: 1 },
                ],
          address: ADDRESS,
        }),
      ),
    );
    expect(answers.every((answer) => answer.status === 200 || answer.status === 400)).to.equal(true);
    const placed = answers.filter((answer) => answer.status === 200).length;
    const stockA = await stockOf(suite.db, a.id);
    const stockB = await stockOf(suite.db, b.id);
    expect(stockA).to.be.at.least(0);
    expect(stockB).to.be.at.least(0);
    // Every unit that left stock is in an order: 3 units of the pair per order.
    expect(6 - stockA + (6 - stockB)).to.equal(placed * 3);
    // Which orders win depends on arrival; either way at most the stock is sold.
    expect(placed).to.be.within(3, 4);
  });
});
