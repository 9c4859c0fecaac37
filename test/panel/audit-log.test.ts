// The staff audit log: product writes and order status changes are recorded with who, what, when
// and the values before and after, in the transaction of the change, and staff can list them.
import { expect } from 'chai';
import { makeProduct, shopper, signedInUser } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import type { SessionUser } from '../../src/services.js';
import { placeCodOrder } from '../orders/support.js';

describe('GET /api/panel/audit-log/', () => {
  const suite = serverForSuite();
  let staff: Client;
  let staffUser: SessionUser;
  before(async () => {
    ({ client: staff, user: staffUser } = await signedInUser(suite.server, { is_staff: true }));
  });

  const entriesFor = async (targetType: string, targetId: number) =>
    (await staff.get(`/api/panel/audit-log/?target_type=${targetType}&target_id=${targetId}`)).body as Array<Record<string, any>>;

  it('records a product created, changed and deleted, with the staff user and the values before and after', async () => {
    const created = await staff.post('/api/products/create/', {
      name: 'Audit Tee',
      price: '499.00',
      category: 'men',
      description: 'A tee that is audited.',
      stock: 4,
    });
    expect(created.status).to.equal(201);
    const id = created.body.id as number;
    expect((await staff.patch(`/api/products/${id}/`, { price: '549.50' })).status).to.equal(200);
    expect((await staff.delete(`/api/products/${id}/`)).status).to.equal(204);

    const entries = await entriesFor('product', id);
    expect(entries.map((entry) => entry.action)).to.deep.equal(['product.delete', 'product.update', 'product.create']);
    for (const entry of entries) expect(entry).to.include({ actor_id: staffUser.id, actor_email: staffUser.email, target_id: String(id) });
    const [deleted, updated, creation] = entries;
    expect(creation!.before).to.equal(null);
    expect(creation!.after).to.include({ name: 'Audit Tee', price: '499.00', stock: 4 });
    expect(updated!.before).to.include({ price: '499.00' });
    expect(updated!.after).to.include({ price: '549.50' });
    expect(deleted!.before).to.include({ price: '549.50' });
    expect(deleted!.after).to.equal(null);
  });

  it('records an order status change with the status before and after', async () => {
    const tee = await makeProduct(suite.db, { stock: 5 });
    const customer = await shopper(suite.server);
    const placed = await placeCodOrder(customer, tee.id);
    const orderId = placed.body.order_id as number;
    expect((await staff.patch(`/api/orders/${orderId}/status/`, { status: 'shipped' })).status).to.equal(200);

    const [entry, ...others] = await entriesFor('order', orderId);
    expect(others).to.deep.equal([]);
    expect(entry).to.deep.include({
      action: 'order.status',
      actor_id: staffUser.id,
      before: { status: 'processing', payment_status: 'unpaid' },
      after: { status: 'shipped', payment_status: 'unpaid' },
    });
  });

  it('records one entry when staff race to change one order: only the change that happened', async () => {
    const tee = await makeProduct(suite.db, { stock: 5 });
    const customer = await shopper(suite.server);
    const placed = await placeCodOrder(customer, tee.id);
    const orderId = placed.body.order_id as number;
    const answers = await Promise.all([1, 2, 3].map(() => staff.patch(`/api/orders/${orderId}/status/`, { status: 'cancelled' })));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409, 409]);
    const entries = await entriesFor('order', orderId);
    expect(entries.map((entry) => [entry.action, entry.before.status, entry.after.status])).to.deep.equal([
      ['order.status', 'processing', 'cancelled'],
    ]);
  });

  it('records nothing for a change that was refused', async () => {
    const tee = await makeProduct(suite.db);
    expect((await staff.patch(`/api/products/${tee.id}/`, { price: '-1' })).status).to.equal(400);
    expect((await staff.delete('/api/products/2000000000/')).status).to.equal(404);
    expect(await entriesFor('product', tee.id)).to.deep.equal([]);
    expect(await entriesFor('product', 2000000000)).to.deep.equal([]);
  });

  it('pages newest first with X-Total-Count and Link, and filters by action and actor', async () => {
    const tee = await makeProduct(suite.db);
    for (const stock of [1, 2, 3]) await staff.patch(`/api/products/${tee.id}/`, { stock });
    const page = await staff.get(`/api/panel/audit-log/?target_type=product&target_id=${tee.id}&limit=2`);
    expect(page.headers.get('x-total-count')).to.equal('3');
    expect(page.headers.get('link')).to.include('rel="next"');
    expect(page.body.map((entry: any) => entry.after.stock)).to.deep.equal([3, 2]);
    const mine = await staff.get(`/api/panel/audit-log/?actor_id=${staffUser.id}&action=product.update&limit=500`);
    expect(mine.body.length).to.be.at.least(3);
    expect(mine.body.every((entry: any) => entry.action === 'product.update' && entry.actor_id === staffUser.id)).to.equal(true);
  });

  it('is for staff only: 401 for guests, 403 for customers', async () => {
    expect((await suite.server.client().get('/api/panel/audit-log/')).status).to.equal(401);
    expect((await (await shopper(suite.server)).get('/api/panel/audit-log/')).status).to.equal(403);
  });
});
