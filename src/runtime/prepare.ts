// What runs once per start before any process serves: the migrations, and the catalogue import
// into an empty catalogue. The cluster's primary runs it without loading the application (the
// seed's modules only when there is something to seed), so the workers start sooner.
import type { Knex } from 'knex';
import { catalogueIsEmpty } from '../catalogue/import.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/** Applies the migrations and loads products.json into an empty catalogue. */
export async function prepareDatabase(config: Config, db: Knex, log: Logger): Promise<void> {
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  log.info({ database: where, applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  if (await catalogueIsEmpty(db)) {
    const [{ seedCatalogue }, { createServices }] = await Promise.all([import('../catalogue/seed-catalogue.js'), import('../services.js')]);
    const services = createServices(config, db, log);
    await seedCatalogue(db, { media: services.media, print: (line) => log.info(line.trim()) });
  }
}
