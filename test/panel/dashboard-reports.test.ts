// The staff dashboard and reports: totals on the original's keys with paid revenue only and money
// as exact strings, revenue for today and the last 7 and 30 days, and a report over whole UTC days
// (by default the 30 ending today) as JSON or as CSV.
import { expect } from 'chai';
import { makeProduct, makeUser, shopper, staffClient } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import { makeOrder, paise } from './support.js';

const DAY = 24 * 60 * 60 * 1000;

describe('staff panel: dashboard and reports', () => {
  const suite = serverForSuite();
  let staff: Client;
  before(async () => {
    staff = await staffClient(suite.server);
  });

  describe('GET /api/panel/dashboard/', () => {
    it('adds new orders to the totals, paid revenue only, by status and by period', async () => {
      const before = (await staff.get('/api/panel/dashboard/')).body;
      const customer = await makeUser(suite.db);
      const tee = await makeProduct(suite.db);
      const line = (price: string) => [{ productId: tee.id, name: 'Tee', price, quantity: 1 }];
      const now = Date.now();
      await makeOrder(suite.db, { userId: customer.id, status: 'paid', payment_method: 'stripe', lines: line('100.01') });
      await makeOrder(suite.db, {
        userId: customer.id,
        status: 'shipped',
        payment_method: 'stripe',
        lines: line('0.02'),
        created_at: new Date(now - 3 * DAY),
      });
      await makeOrder(suite.db, { userId: customer.id, status: 'delivered', lines: line('1000.00'), created_at: new Date(now - 20 * DAY) });
      await makeOrder(suite.db, { userId: customer.id, status: 'delivered', lines: line('7.00'), created_at: new Date(now - 40 * DAY) });
      await makeOrder(suite.db, { userId: customer.id, status: 'processing', lines: line('555.55') });
      const newest = await makeOrder(suite.db, { userId: customer.id, status: 'pending', payment_method: 'stripe', lines: line('9.99') });

      const answer = await staff.get('/api/panel/dashboard/');
      expect(answer.status).to.equal(200);
      const after = answer.body;
      expect(after.total_orders - before.total_orders).to.equal(6);
      expect(after.total_users - before.total_users).to.equal(1);
      expect(after.total_products - before.total_products).to.equal(1);
      expect(paise(after.total_revenue) - paise(before.total_revenue)).to.equal(110703);
      expect(paise(after.revenue.today) - paise(before.revenue.today)).to.equal(10001);
      expect(paise(after.revenue.last_7_days) - paise(before.revenue.last_7_days)).to.equal(10003);
      expect(paise(after.revenue.last_30_days) - paise(before.revenue.last_30_days)).to.equal(110003);
      const count = (figures: any, status: string) => figures.orders_by_status.find((row: any) => row.name === status)?.count ?? 0;
      // By order_status: a paid card order not yet shipped is processing.
      for (const [status, added] of Object.entries({ shipped: 1, delivered: 2, processing: 2, pending: 1 })) {
        expect(count(after, status) - count(before, status), status).to.equal(added);
      }
      expect(after.recent_orders).to.have.length(5);
      expect(after.recent_orders[0]).to.deep.equal({
        id: newest.id,
        user: customer.id,
        total_amount: '9.99',
        payment_method: 'stripe',
        order_status: 'pending',
        payment_status: 'unpaid',
        created_at: after.recent_orders[0].created_at,
      });
    });

    it('counts products per category and lists the five with the least stock, fewest first', async () => {
      const empty = await makeProduct(suite.db, { stock: 0, category: 'women', price: '12.50' });
      const { body } = await staff.get('/api/panel/dashboard/');
      const total = body.category_data.reduce((sum: number, row: any) => sum + row.count, 0);
      expect(total).to.equal(body.total_products);
      expect(body.category_data.map((row: any) => row.name)).to.include('women');
      const stocks = body.low_stock_products.map((product: any) => product.stock);
      expect(stocks).to.have.length.at.most(5);
      expect(stocks).to.deep.equal([...stocks].sort((a, b) => a - b));
      expect(stocks[0]).to.equal(0);
      const shown = body.low_stock_products.find((product: any) => product.id === empty.id);
      if (shown) expect(shown).to.deep.equal({ id: empty.id, name: empty.name, stock: 0, price: '12.50' });
    });

    it('is for staff only: 401 for guests, 403 for customers', async () => {
      expect((await suite.server.client().get('/api/panel/dashboard/')).status).to.equal(401);
      expect((await (await shopper(suite.server)).get('/api/panel/dashboard/')).status).to.equal(403);
    });
  });

  describe('GET /api/panel/reports/', () => {
    // Days of their own, long past, so no other test's orders fall in them.
    const day = (date: string, hour = 12) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
    let teeId: number;
    before(async () => {
      const customer = await makeUser(suite.db);
      const tee = await makeProduct(suite.db, { name: 'Report Tee' });
      const cap = await makeProduct(suite.db, { name: 'Report Cap' });
      teeId = tee.id;
      const lines = (product: { id: number; name: string }, price: string, quantity = 1) => [
        { productId: product.id, name: product.name, price, quantity },
      ];
      await makeOrder(suite.db, {
        userId: customer.id,
        status: 'delivered',
        lines: lines(tee, '100.00', 2),
        created_at: day('2001-03-01', 0),
      });
      await makeOrder(suite.db, {
        userId: customer.id,
        status: 'paid',
        payment_method: 'stripe',
        lines: lines(cap, '0.01'),
        created_at: day('2001-03-01'),
      });
      await makeOrder(suite.db, {
        userId: customer.id,
        status: 'processing',
        lines: lines(tee, '999.00'),
        created_at: day('2001-03-03', 23),
      });
      await makeOrder(suite.db, { userId: customer.id, status: 'cancelled', lines: lines(cap, '5.00'), created_at: day('2001-03-03') });
      // Outside the range by a second on either side.
      await makeOrder(suite.db, {
        userId: customer.id,
        status: 'delivered',
        lines: lines(tee, '1.00'),
        created_at: new Date(day('2001-03-01', 0).getTime() - 1000),
      });
      await makeOrder(suite.db, { userId: customer.id, status: 'delivered', lines: lines(tee, '1.00'), created_at: day('2001-03-04', 0) });
    });

    it('reports the range: orders, paid revenue and its average, every day, payment and status distributions, top products', async () => {
      const answer = await staff.get('/api/panel/reports/?start_date=2001-03-01&end_date=2001-03-03');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({
        start_date: '2001-03-01',
        end_date: '2001-03-03',
        total_orders: 4,
        paid_orders: 2,
        total_revenue: '200.01',
        // 200.01 / 2 = 100.005, rounded half up.
        average_order_value: '100.01',
        revenue_timeline: [
          { name: '2001-03-01', total: '200.01' },
          { name: '2001-03-02', total: '0.00' },
          { name: '2001-03-03', total: '0.00' },
        ],
        payment_distribution: [
          { name: 'COD', count: 3 },
          { name: 'STRIPE', count: 1 },
        ],
        status_distribution: [
          { name: 'Cancelled', count: 1 },
          { name: 'Delivered', count: 1 },
          { name: 'Processing', count: 2 },
        ],
        top_products: [
          { product: teeId, product_name: 'Report Tee', quantity: 2, revenue: '200.00' },
          { product: answer.body.top_products[1].product, product_name: 'Report Cap', quantity: 1, revenue: '0.01' },
        ],
      });
    });

    it('names top products as the catalogue does now, and groups the lines of deleted products by the name they kept', async () => {
      const customer = await makeUser(suite.db);
      const renamed = await makeProduct(suite.db, { name: 'Old Name Tee' });
      const doomed = await makeProduct(suite.db, { name: 'Doomed Cap' });
      const at = day('2001-04-01');
      const paidOrder = (lines: Array<{ productId: number | null; name: string; price: string; quantity: number }>) =>
        makeOrder(suite.db, { userId: customer.id, status: 'delivered', lines, created_at: at });
      await paidOrder([{ productId: renamed.id, name: 'Old Name Tee', price: '10.00', quantity: 3 }]);
      await paidOrder([{ productId: doomed.id, name: 'Doomed Cap', price: '4.00', quantity: 2 }]);
      await paidOrder([{ productId: null, name: 'Doomed Cap', price: '4.00', quantity: 1 }]);
      await suite.db('products').where({ id: renamed.id }).update({ name: 'New Name Tee' });
      await suite.db('products').where({ id: doomed.id }).delete();

      const { body } = await staff.get('/api/panel/reports/?start_date=2001-04-01&end_date=2001-04-01');
      expect(body.top_products).to.deep.equal([
        { product: renamed.id, product_name: 'New Name Tee', quantity: 3, revenue: '30.00' },
        { product: null, product_name: 'Doomed Cap', quantity: 3, revenue: '12.00' },
      ]);
    });

    it('counts a partly refunded order less its refund, and a fully refunded one not at all', async () => {
      const customer = await makeUser(suite.db);
      const tee = await makeProduct(suite.db);
      const lines = [{ productId: tee.id, name: 'Tee', price: '100.00', quantity: 1 }];
      const at = day('2001-05-01');
      const card = { userId: customer.id, payment_method: 'stripe' as const, lines, created_at: at };
      await makeOrder(suite.db, { ...card, status: 'delivered', payment_status: 'partially_refunded', refunded_amount: '30.00' });
      await makeOrder(suite.db, { ...card, status: 'cancelled', payment_status: 'refunded', refunded_amount: '100.00' });
      const { body } = await staff.get('/api/panel/reports/?start_date=2001-05-01&end_date=2001-05-01');
      expect(body).to.include({ total_orders: 2, paid_orders: 1, total_revenue: '70.00', average_order_value: '70.00' });
    });

    it('answers the same range as CSV, one line per day and a total, for Accept: text/csv or format=csv', async () => {
      const expected = [
        'date,orders,paid_orders,revenue',
        '2001-03-01,2,2,200.01',
        '2001-03-02,0,0,0.00',
        '2001-03-03,2,0,0.00',
        'total,4,2,200.01',
        '',
      ].join('\r\n');
      const byAccept = await staff.get('/api/panel/reports/?start_date=2001-03-01&end_date=2001-03-03', {
        headers: { accept: 'text/csv' },
      });
      const byFormat = await staff.get('/api/panel/reports/?start_date=2001-03-01&end_date=2001-03-03&format=csv');
      for (const answer of [byAccept, byFormat]) {
        expect(answer.status).to.equal(200);
        expect(answer.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
        expect(answer.headers.get('content-disposition')).to.equal('attachment; filename="report-2001-03-01-2001-03-03.csv"');
        expect(answer.text).to.equal(expected);
      }
    });

    it('covers the 30 days ending today when no dates are given', async () => {
      const { body } = await staff.get('/api/panel/reports/');
      const today = new Date().toISOString().slice(0, 10);
      expect(body.end_date).to.equal(today);
      expect(body.revenue_timeline).to.have.length(30);
      expect(body.revenue_timeline.at(-1).name).to.equal(today);
      expect(body.start_date).to.equal(new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10));
    });

    it('refuses a reversed range, a range over 366 days and a date that is not one (400)', async () => {
      const reversed = await staff.get('/api/panel/reports/?start_date=2001-03-03&end_date=2001-03-01');
      expect(reversed.status).to.equal(400);
      expect(reversed.body.fields).to.have.property('start_date');
      expect((await staff.get('/api/panel/reports/?start_date=2000-01-01&end_date=2001-01-01')).status).to.equal(400);
      expect((await staff.get('/api/panel/reports/?start_date=2001-02-30')).status).to.equal(400);
    });

    it('is for staff only: 401 for guests, 403 for customers', async () => {
      expect((await suite.server.client().get('/api/panel/reports/')).status).to.equal(401);
      expect((await (await shopper(suite.server)).get('/api/panel/reports/')).status).to.equal(403);
    });
  });
});
