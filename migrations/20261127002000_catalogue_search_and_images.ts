// The catalogue at scale: trigram GIN indexes serve `ILIKE '%text%'` searches of name and
// description (a b-tree cannot), b-tree indexes serve the category/price filters with the
// newest-first order, and `image_source` remembers which source image the stored `image` was
// uploaded from, so a re-run of the seed does not upload it again.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await knex.raw('CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops)');
  await knex.raw('CREATE INDEX products_description_trgm ON products USING gin (description gin_trgm_ops)');
  await knex.raw('CREATE INDEX products_category_newest_first ON products (category, created_at DESC, id DESC)');
  await knex.raw('CREATE INDEX products_price ON products (price)');
  await knex.schema.alterTable('products', (table) => {
    table.text('image_source').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('products', (table) => {
    table.dropColumn('image_source');
  });
  for (const index of ['products_price', 'products_category_newest_first', 'products_description_trgm', 'products_name_trgm']) {
    await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  }
}
