// What the staff panel needs of the schema:
// - a closed (anonymised) account is marked, so it is neither listed nor re-opened;
// - deactivating a user (blocking or closing the account, or an UPDATE by hand) ends every open
//   session of the user in the same statement, so re-activating the user later revives no old
//   token.
// (The panel's indexes need the orders' payment columns: 20261127006900_panel_indexes.ts.)
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.timestamp('closed_at', { useTz: true }).nullable();
  });
  // A closed account is always inactive.
  await knex.raw('ALTER TABLE users ADD CONSTRAINT users_closed_inactive CHECK (closed_at IS NULL OR NOT is_active)');

  await knex.raw(`
    CREATE FUNCTION end_sessions_of_deactivated_user() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE login_sessions SET revoked_at = now(), revoked_reason = 'deactivated'
       WHERE user_id = NEW.id AND revoked_at IS NULL;
      RETURN NULL;
    END;
    $$`);
  await knex.raw(`
    CREATE TRIGGER users_deactivation_ends_sessions
      AFTER UPDATE OF is_active ON users
      FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
      EXECUTE FUNCTION end_sessions_of_deactivated_user()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS users_deactivation_ends_sessions ON users');
  await knex.raw('DROP FUNCTION IF EXISTS end_sessions_of_deactivated_user()');
  await knex.raw('ALTER TABLE users DROP CONSTRAINT IF EXISTS users_closed_inactive');
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('closed_at');
  });
}
