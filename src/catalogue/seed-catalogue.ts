// What both `npx knex seed:run` and `npm start` (on an empty catalogue) run: the import of
// products.json with progress and a summary.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { importCatalogue, readCatalogueFile, type ImportSummary } from './import.js';

export const CATALOGUE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../products.json');

export async function seedCatalogue(db: Knex, file: string = CATALOGUE_FILE, print: (line: string) => void = console.log): Promise<ImportSummary> {
  const items = await readCatalogueFile(file);
  const interactive = process.stdout.isTTY;
  const summary = await importCatalogue(db, items, {
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
