// `npx knex seed:run`: imports products.json (or CATALOGUE_FILE) into the catalogue; idempotent.
// Images go to Cloudinary when CLOUDINARY_URL (or the CLOUDINARY_* trio) is set.
import 'dotenv/config';
import type { Knex } from 'knex';
import { seedCatalogue, CATALOGUE_FILE } from '../src/catalogue/seed-catalogue.js';
import { createMediaStore } from '../src/services.js';
import { cloudinaryConfig } from '../src/config.js';

export async function seed(knex: Knex): Promise<void> {
  const media = createMediaStore({ cloudinary: cloudinaryConfig(process.env), dataDir: process.env.DATA_DIR ?? 'data' });
  await seedCatalogue(knex, { file: process.env.CATALOGUE_FILE?.trim() || CATALOGUE_FILE, media });
}
