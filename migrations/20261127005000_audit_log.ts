// The staff audit log: who did what to which record, when, with the values before and after. A
// row is written in the same transaction as the change it describes, so the log never claims a
// change that was rolled back and never misses one that was committed.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (table) => {
    table.increments('id');
    // Accounts are anonymised, never deleted, so the actor stays known; SET NULL only guards a
    // row removed by hand in the database.
    table.integer('actor_id').nullable().references('users.id').onDelete('SET NULL');
    // `<target>.<verb>`: user.block, order.status, product.update, order.refund ...
    table.string('action', 50).notNullable();
    table.string('target_type', 30).notNullable();
    table.string('target_id', 64).notNullable();
    table.jsonb('before').nullable();
    table.jsonb('after').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The list is read newest first, whole or for one record.
    table.index(['created_at', 'id'], 'audit_log_newest_first');
    table.index(['target_type', 'target_id', 'created_at'], 'audit_log_by_target');
    table.index(['actor_id', 'created_at'], 'audit_log_by_actor');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
}
