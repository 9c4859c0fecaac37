// The staff panel's users: the list and one user on the original's keys (with order figures that
// count paid orders only), blocking that ends every session at once and is told to login, refresh
// and Google sign-in, closing an account that keeps its orders for the books, and the rules that
// keep the shop administrable.
import { expect } from 'chai';
import { makeProduct, makeUser, shopper, signedInUser, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import type { Client } from '../support/client.js';
import type { SessionUser } from '../../src/services.js';
import { ADDRESS, saveAddress } from '../orders/support.js';
import { makeOrder } from './support.js';

describe('staff panel: users', () => {
  const suite = serverForSuite();
  let staff: Client;
  let staffUser: SessionUser;
  before(async () => {
    ({ client: staff, user: staffUser } = await signedInUser(suite.server, { is_staff: true }));
  });

  /** A customer who registered with a password, signed in through the API (so they hold a refresh cookie). */
  async function registeredCustomer(password = 'customer-pass') {
    const client = suite.server.client();
    const email = `${unique('cust')}@example.com`;
    const registered = await client.post('/api/auth/register/', { email, password, first_name: 'Asha', last_name: 'Rao' });
    expect(registered.status).to.equal(201);
    return { client, email, password, id: registered.body.user.id as number };
  }

  const panelUser = async (id: number) => (await staff.get(`/api/panel/users/${id}/`)).body;

  describe('GET /api/panel/users/ and /{id}/', () => {
    it('shows each user with the original keys, the order count and what they paid in all', async () => {
      const customer = await makeUser(suite.db, { email: `${unique('figures')}@example.com` });
      const tee = await makeProduct(suite.db);
      const line = (price: string, quantity = 1) => [{ productId: tee.id, name: 'Tee', price, quantity }];
      await makeOrder(suite.db, { userId: customer.id, status: 'delivered', lines: line('100.10', 2) });
      await makeOrder(suite.db, { userId: customer.id, status: 'paid', payment_method: 'stripe', lines: line('0.05') });
      await makeOrder(suite.db, { userId: customer.id, status: 'processing', lines: line('999.00') });
      await makeOrder(suite.db, { userId: customer.id, status: 'failed', payment_method: 'stripe', lines: line('50.00') });

      const listed = await staff.get(`/api/panel/users/?search=${encodeURIComponent(customer.email)}`);
      expect(listed.status).to.equal(200);
      expect(listed.headers.get('x-total-count')).to.equal('1');
      expect(listed.body).to.have.length(1);
      const [shown] = listed.body;
      expect(shown).to.deep.include({
        id: customer.id,
        email: customer.email,
        name: 'Test User',
        picture: null,
        role: 'user',
        isBlock: false,
      });
      expect(shown).to.include({ orders_count: 4, total_spent: '200.25' });

      const detail = await panelUser(customer.id);
      expect(detail).to.include({ id: customer.id, orders_count: 4, total_spent: '200.25' });
      expect(detail.orders.map((order: any) => [order.order_status, order.payment_status])).to.deep.equal([
        ['failed', 'unpaid'],
        ['processing', 'unpaid'],
        ['processing', 'paid'],
        ['delivered', 'paid'],
      ]);
      const delivered = detail.orders[3];
      expect(delivered).to.deep.include({ total_amount: '200.20', payment_method: 'cod', address: { ...ADDRESS } });
      expect(delivered.items).to.have.length(1);
      expect(delivered.items[0]).to.include({ product: tee.id, product_name: 'Tee', image: null, quantity: 2, price: '100.10' });
    });

    it('names a user without a name by the part of the email before @, and staff as admin', async () => {
      const email = `${unique('noname')}@example.com`;
      const [row] = await suite.db('users').insert({ email, is_staff: true }).returning('id');
      const shown = await panelUser(row.id);
      expect(shown).to.include({ name: email.split('@')[0], role: 'admin', orders_count: 0, total_spent: '0.00' });
      expect(shown.orders).to.deep.equal([]);
    });

    it('searches email and name in any case (% and _ taken literally), filters by role and blocked, pages newest first', async () => {
      const tag = unique('srch');
      const first = await makeUser(suite.db, { email: `${tag}-a@example.com` });
      const second = await makeUser(suite.db, { email: `${tag}-b@example.com`, is_staff: true });
      await suite
        .db('users')
        .where({ id: second.id })
        .update({ first_name: 'Zebediah', last_name: `Q${tag}` });
      await suite.db('users').where({ id: first.id }).update({ is_active: false });

      const all = await staff.get(`/api/panel/users/?search=${tag.toUpperCase()}`);
      expect(all.body.map((user: any) => user.id)).to.deep.equal([second.id, first.id]);
      const byName = await staff.get(`/api/panel/users/?search=${encodeURIComponent(`zebediah q${tag}`)}`);
      expect(byName.body.map((user: any) => user.id)).to.deep.equal([second.id]);
      expect((await staff.get(`/api/panel/users/?search=${tag}%25`)).body).to.deep.equal([]);
      const admins = await staff.get(`/api/panel/users/?search=${tag}&role=admin`);
      expect(admins.body.map((user: any) => user.id)).to.deep.equal([second.id]);
      const blocked = await staff.get(`/api/panel/users/?search=${tag}&blocked=true`);
      expect(blocked.body.map((user: any) => [user.id, user.isBlock])).to.deep.equal([[first.id, true]]);
      const page = await staff.get(`/api/panel/users/?search=${tag}&limit=1&offset=1`);
      expect(page.body.map((user: any) => user.id)).to.deep.equal([first.id]);
      expect(page.headers.get('x-total-count')).to.equal('2');
      expect(page.headers.get('link')).to.include('rel="prev"');
    });

    it('is for staff only (401 guests, 403 customers) and answers 404 for an unknown user', async () => {
      const customer = await shopper(suite.server);
      for (const path of ['/api/panel/users/', `/api/panel/users/${staffUser.id}/`]) {
        expect((await suite.server.client().get(path)).status).to.equal(401);
        expect((await customer.get(path)).status).to.equal(403);
      }
      expect((await customer.post(`/api/panel/users/${staffUser.id}/toggle-block/`)).status).to.equal(403);
      expect((await customer.delete(`/api/panel/users/${staffUser.id}/delete/`)).status).to.equal(403);
      expect((await staff.get('/api/panel/users/2000000000/')).status).to.equal(404);
      expect((await staff.post('/api/panel/users/2000000000/toggle-block/')).status).to.equal(404);
    });
  });

  describe('POST /api/panel/users/{id}/toggle-block/', () => {
    it('blocks a user: every session ends at once, and login and refresh answer 403 saying why', async () => {
      const customer = await registeredCustomer();
      const otherDevice = suite.server.client();
      expect((await otherDevice.post('/api/auth/login/', { email: customer.email, password: customer.password })).status).to.equal(200);

      const blocked = await staff.post(`/api/panel/users/${customer.id}/toggle-block/`);
      expect(blocked.status).to.equal(200);
      expect(blocked.body).to.deep.equal({ status: 'success', isBlock: true });

      for (const device of [customer.client, otherDevice]) {
        expect((await device.get('/api/auth/me/')).status).to.equal(401);
        const refreshed = await device.post('/api/auth/refresh/');
        expect(refreshed.status).to.equal(403);
        expect(refreshed.body.error).to.equal('This account has been blocked. Please contact the shop.');
      }
      const login = await suite.server.client().post('/api/auth/login/', { email: customer.email, password: customer.password });
      expect(login.status).to.equal(403);
      expect(login.body.error).to.equal('This account has been blocked. Please contact the shop.');
      // A wrong password learns nothing about the account.
      const guess = await suite.server.client().post('/api/auth/login/', { email: customer.email, password: 'wrong-password' });
      expect(guess.status).to.equal(400);
      expect((await panelUser(customer.id)).isBlock).to.equal(true);
    });

    it('unblocking lets the user sign in again but revives no old session', async () => {
      const customer = await registeredCustomer();
      const oldAccess = customer.client.cookies.get('access')!;
      const oldRefresh = customer.client.cookies.get('refresh')!;
      await staff.post(`/api/panel/users/${customer.id}/toggle-block/`);
      const unblocked = await staff.post(`/api/panel/users/${customer.id}/toggle-block/`);
      expect(unblocked.body).to.deep.equal({ status: 'success', isBlock: false });

      const stale = suite.server.client();
      stale.cookies.set('access', oldAccess);
      stale.cookies.set('refresh', oldRefresh);
      expect((await stale.get('/api/auth/me/')).status).to.equal(401);
      expect((await stale.post('/api/auth/refresh/')).status).to.equal(401);
      const login = await suite.server.client().post('/api/auth/login/', { email: customer.email, password: customer.password });
      expect(login.status).to.equal(200);
    });

    it('is recorded in the audit log with the state before and after', async () => {
      const customer = await makeUser(suite.db);
      await staff.post(`/api/panel/users/${customer.id}/toggle-block/`);
      await staff.post(`/api/panel/users/${customer.id}/toggle-block/`);
      const log = await staff.get(`/api/panel/audit-log/?target_type=user&target_id=${customer.id}`);
      expect(log.body.map((entry: any) => [entry.action, entry.actor_id, entry.before.isBlock, entry.after.isBlock])).to.deep.equal([
        ['user.unblock', staffUser.id, true, false],
        ['user.block', staffUser.id, false, true],
      ]);
    });

    it('refuses to block yourself (409)', async () => {
      const answer = await staff.post(`/api/panel/users/${staffUser.id}/toggle-block/`);
      expect(answer.status).to.equal(409);
      expect(answer.body.error).to.equal('You cannot block your own account.');
      expect((await staff.get('/api/auth/me/')).status).to.equal(200);
    });

    it('keeps one active staff account when the last two block each other at the same moment', async () => {
      const first = await signedInUser(suite.server, { is_staff: true });
      const second = await signedInUser(suite.server, { is_staff: true });
      // Only these two may be active staff for this test; the others are put back afterwards.
      const others = (await suite
        .db('users')
        .where({ is_staff: true, is_active: true })
        .whereNotIn('id', [first.user.id, second.user.id])
        .pluck('id')) as number[];
      await suite.db('users').whereIn('id', others).update({ is_staff: false });
      try {
        const answers = await Promise.all([
          first.client.post(`/api/panel/users/${second.user.id}/toggle-block/`),
          second.client.post(`/api/panel/users/${first.user.id}/toggle-block/`),
        ]);
        const statuses = answers.map((answer) => answer.status);
        expect(statuses.filter((status) => status === 200)).to.have.length(1);
        // The loser either waited for the winner's lock and was refused, or was already signed out.
        expect(statuses.find((status) => status !== 200)).to.be.oneOf([401, 409]);
        const active = await suite.db('users').whereIn('id', [first.user.id, second.user.id]).where({ is_active: true }).pluck('id');
        expect(active).to.have.length(1);
      } finally {
        await suite.db('users').whereIn('id', others).update({ is_staff: true });
      }
    });
  });

  describe('DELETE /api/panel/users/{id}/delete/', () => {
    it('anonymises and closes the account, ends its sessions, removes its address book and cart, and keeps its orders', async () => {
      const customer = await registeredCustomer();
      const tee = await makeProduct(suite.db);
      await saveAddress(suite.db, customer.id);
      expect((await customer.client.post('/api/cart/add/', { product_id: tee.id, quantity: 1 })).status).to.be.oneOf([200, 201]);
      const order = await makeOrder(suite.db, {
        userId: customer.id,
        status: 'delivered',
        lines: [{ productId: tee.id, name: 'Tee', price: '300.00', quantity: 1 }],
      });

      const deleted = await staff.delete(`/api/panel/users/${customer.id}/delete/`);
      expect(deleted.status).to.equal(200);
      expect(deleted.body).to.deep.equal({ status: 'deleted' });

      expect((await customer.client.get('/api/auth/me/')).status).to.equal(401);
      expect((await customer.client.post('/api/auth/refresh/')).status).to.equal(401);
      const login = await suite.server.client().post('/api/auth/login/', { email: customer.email, password: customer.password });
      expect(login.status).to.equal(400);
      expect((await staff.get(`/api/panel/users/${customer.id}/`)).status).to.equal(404);
      expect((await staff.get(`/api/panel/users/?search=${encodeURIComponent(customer.email)}`)).body).to.deep.equal([]);
      expect((await staff.post(`/api/panel/users/${customer.id}/toggle-block/`)).status).to.equal(404);
      expect((await staff.delete(`/api/panel/users/${customer.id}/delete/`)).status).to.equal(404);

      const row = await suite.db('users').where({ id: customer.id }).first();
      expect(row).to.include({ first_name: '', last_name: '', password: null, is_active: false });
      expect(row.email).to.match(/^closed-\d+-[0-9a-f]+@closed\.invalid$/);
      expect(row.closed_at).to.not.equal(null);
      expect(await suite.db('addresses').where({ user_id: customer.id }).pluck('id')).to.deep.equal([]);
      expect(await suite.db('carts').where({ user_id: customer.id }).pluck('id')).to.deep.equal([]);
      const kept = await suite.db('orders').where({ id: order.id }).first();
      expect(kept).to.include({ user_id: customer.id, total_amount: '300.00', ship_full_name: ADDRESS.full_name });

      const [entry] = (await staff.get(`/api/panel/audit-log/?target_type=user&target_id=${customer.id}`)).body;
      expect(entry).to.deep.include({
        action: 'user.delete',
        actor_id: staffUser.id,
        before: { role: 'user', isBlock: false },
        after: { closed: true },
      });
      expect(JSON.stringify(entry)).not.to.include(customer.email);
    });

    it('refuses to delete yourself (409)', async () => {
      const answer = await staff.delete(`/api/panel/users/${staffUser.id}/delete/`);
      expect(answer.status).to.equal(409);
      expect(answer.body.error).to.equal('You cannot delete your own account.');
    });
  });
});
