// `npx knex seed:run`: imports products.json (or CATALOGUE_FILE) into the catalogue; idempotent.
// Images go to Cloudinary when CLOUDINARY_URL (or the CLOUDINARY_* trio) is set.
import 'dotenv/config';
import type { Knex } from 'knex';
import { CatalogueFileError } from '../src/catalogue/import.js';
import { seedCatalogue, CATALOGUE_FILE } from '../src/catalogue/seed-catalogue.js';
import { configOrExit, loadSeedConfig } from '../src/config.js';
import { createMediaStore } from '../src/services.js';

export async function seed(knex: Knex): Promise<void> {
  const config = configOrExit(() => loadSeedConfig());
  const file = config.catalogueFile ?? CATALOGUE_FILE;
  let failed: number;
  try {
    failed = (await seedCatalogue(knex, { file, media: createMediaStore(config) })).failed.length;
  } catch (error) {
    // Said in one line, as a configuration error is (the knex CLI would print a stack trace).
    if (!(error instanceof CatalogueFileError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  // The good items are imported; the run still fails, so a script or CI notices the bad ones.
  if (failed) {
    console.error(`${failed} item(s) of ${file} failed (listed above); the others were imported.`);
    process.exit(1);
  }
}
