// The migration that stores payment_status beside status: existing orders are filled in from their
// status, and the database keeps the two consistent from then on.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createDatabase } from '../../src/db.js';
import { SHIPPED_TO } from './support.js';

const MIGRATION = '20261127006000_order_payment_lifecycle.ts';

describe('migration: payment_status from status', () => {
  let db: Knex;
  before(async () => {
    // A database of its own, migrated up to just before this migration.
    db = createDatabase({ inMemory: true });
    for (;;) {
      // Pending migrations are file names with the app's migration source, { file } with Knex's own.
      const [, pending] = (await db.migrate.list()) as [unknown, Array<string | { file: string }>];
      const next = pending[0];
      if (next === undefined || (typeof next === 'string' ? next : next.file) === MIGRATION) break;
      await db.migrate.up();
    }
  });
  after(() => db.destroy());

  it('fills in paid for card orders that were paid and cash orders delivered, unpaid for the rest, and keeps them consistent', async () => {
    const [user] = (await db('users').insert({ email: 'old@example.com', first_name: 'O', last_name: 'Ld' }).returning('id')) as Array<{
      id: number;
    }>;
    const order = (payment_method: string, status: string) => ({
      user_id: user!.id,
      status,
      payment_method,
      total_amount: '100.00',
      currency: 'inr',
      ...SHIPPED_TO,
    });
    const cases: Array<[string, string, string]> = [
      ['stripe', 'pending', 'unpaid'],
      ['stripe', 'paid', 'paid'],
      ['stripe', 'shipped', 'paid'],
      ['stripe', 'delivered', 'paid'],
      ['stripe', 'failed', 'unpaid'],
      ['stripe', 'cancelled', 'unpaid'],
      ['cod', 'processing', 'unpaid'],
      ['cod', 'shipped', 'unpaid'],
      ['cod', 'delivered', 'paid'],
      ['cod', 'cancelled', 'unpaid'],
    ];
    const ids: number[] = [];
    for (const [method, status] of cases) {
      const [row] = (await db('orders').insert(order(method, status)).returning('id')) as Array<{ id: number }>;
      ids.push(row!.id);
    }

    await db.migrate.up();

    const rows = (await db('orders').whereIn('id', ids).orderBy('id').select('payment_status', 'refunded_amount')) as Array<{
      payment_status: string;
      refunded_amount: string;
    }>;
    expect(rows.map((row) => row.payment_status)).to.deep.equal(cases.map(([, , expected]) => expected));
    expect(rows.every((row) => row.refunded_amount === '0.00')).to.equal(true);

    const refused = async (change: () => Promise<unknown>) => {
      try {
        await change();
      } catch (error) {
        return String(error);
      }
      return 'accepted';
    };
    // A paid card order cannot be unpaid; a pending checkout cannot be paid; no refund beyond the total.
    expect(await refused(() => db('orders').where({ id: ids[1] }).update({ payment_status: 'unpaid' }))).to.include(
      'orders_payment_status_consistent',
    );
    expect(await refused(() => db('orders').where({ id: ids[0] }).update({ payment_status: 'paid' }))).to.include(
      'orders_payment_status_consistent',
    );
    expect(await refused(() => db('orders').where({ id: ids[1] }).update({ refunded_amount: '100.01' }))).to.include(
      'orders_refund_within_total',
    );
    expect(await refused(() => db('orders').where({ id: ids[1] }).update({ payment_status: 'lost' }))).to.include('orders_payment_status');

    // And it can be rolled back.
    await db.migrate.down();
    expect(await db.schema.hasColumn('orders', 'payment_status')).to.equal(false);
    expect(await db.schema.hasTable('order_refunds')).to.equal(false);
  });
});
