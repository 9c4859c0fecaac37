// `npx knex seed:run`: imports products.json (or CATALOGUE_FILE) into the catalogue; idempotent.
import type { Knex } from 'knex';
import { seedCatalogue, CATALOGUE_FILE } from '../src/catalogue/seed-catalogue.js';

export async function seed(knex: Knex): Promise<void> {
  await seedCatalogue(knex, process.env.CATALOGUE_FILE ?? CATALOGUE_FILE);
}
