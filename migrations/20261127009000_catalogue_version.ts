// A number the catalogue's product set changes with, so a server process may keep the list's
// X-Total-Count per filter and count again only when it moved (a count(*) per request is ~13 ms at
// 100,000 products). A statement-level trigger bumps it on every statement that can change which
// products a filter matches: inserts, deletes, truncation, and updates of the filtered columns
// (name, description, category, price). Stock changes (every order) leave it alone. The bump is
// an ordinary UPDATE inside the writer's transaction, so a reader sees the new version exactly
// when it sees the write (a sequence would move before the commit, and a count taken in between
// would be kept under the new number).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE catalogue_version (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      version bigint NOT NULL DEFAULT 0
    )`);
  await knex.raw('INSERT INTO catalogue_version DEFAULT VALUES');
  await knex.raw(`
    CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE catalogue_version SET version = version + 1;
      RETURN NULL;
    END
    $$`);
  await knex.raw(`
    CREATE TRIGGER products_catalogue_version
    AFTER INSERT OR DELETE OR UPDATE OF name, description, category, price ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version()`);
  await knex.raw(`
    CREATE TRIGGER products_catalogue_version_truncate
    AFTER TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS products_catalogue_version_truncate ON products');
  await knex.raw('DROP TRIGGER IF EXISTS products_catalogue_version ON products');
  await knex.raw('DROP FUNCTION IF EXISTS bump_catalogue_version()');
  await knex.raw('DROP TABLE IF EXISTS catalogue_version');
}
