// `npx knex seed:run`: imports products.json (or CATALOGUE_FILE) into the catalogue; idempotent.
// Images go to Cloudinary when CLOUDINARY_URL (or the CLOUDINARY_* trio) is set.
import 'dotenv/config';
import type { Knex } from 'knex';
import { seedCatalogue, CATALOGUE_FILE } from '../src/catalogue/seed-catalogue.js';
import { configOrExit, loadSeedConfig } from '../src/config.js';
import { createMediaStore } from '../src/services.js';

export async function seed(knex: Knex): Promise<void> {
  const config = configOrExit(() => loadSeedConfig());
  await seedCatalogue(knex, { file: config.catalogueFile ?? CATALOGUE_FILE, media: createMediaStore(config) });
}
