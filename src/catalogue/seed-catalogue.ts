// What both `npx knex seed:run` and `npm start` (on an empty catalogue) run: the import of
// products.json (or CATALOGUE_FILE) with progress and a summary, images through the media store.
import path from 'node:path';
import type { Knex } from 'knex';
import { PROJECT_ROOT } from '../paths.js';
import { importCatalogue, readCatalogueFile, type ImportSummary } from './import.js';
import type { MediaStore } from '../media/media-store.js';

export const CATALOGUE_FILE = path.join(PROJECT_ROOT, 'products.json');

export interface SeedOptions {
  file?: string | undefined;
  media?: MediaStore | undefined;
  print?: (line: string) => void;
  /** Rewrite one progress line in place (a terminal) instead of printing every 25 items. */
  interactive?: boolean;
}

export async function seedCatalogue(db: Knex, options: SeedOptions = {}): Promise<ImportSummary> {
  const file = options.file ?? CATALOGUE_FILE;
  const print = options.print ?? console.log;
  const interactive = options.interactive ?? (options.print === undefined && process.stdout.isTTY);
  // An unmigrated database is not 48 bad items: say what to do instead of failing every item.
  if (!(await db.schema.hasTable('products'))) {
    throw new Error('The database has no products table: run "npx knex migrate:latest" first.');
  }
  const items = await readCatalogueFile(file);
  const where = options.media?.kind === 'cloudinary' ? 'images uploaded to Cloudinary' : 'image URLs kept as given';
  print(`Importing ${items.length} products from ${path.basename(file)} (${where})`);
  const summary = await importCatalogue(db, items, {
    media: options.media,
    onProgress: (done, total, item) => {
      if (interactive) process.stdout.write(`\r  importing ${done}/${total} (${item.id}: ${item.outcome})\x1b[K`);
      else if (done % 25 === 0 || done === total) print(`  imported ${done}/${total}`);
    },
  });
  if (interactive) process.stdout.write('\n');
  print(
    `Catalogue import from ${path.basename(file)}: ${summary.created} created, ${summary.updated} updated, ` +
      `${summary.unchanged} unchanged, ${summary.failed.length} failed`,
  );
  for (const failure of summary.failed) print(`  failed ${failure.id}: ${failure.reason}`);
  return summary;
}
