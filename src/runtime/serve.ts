// One serving process: the API on PORT, the housekeeping chores, and a graceful stop. It is the
// whole server on the embedded database, and each worker of the cluster on PostgreSQL. What runs
// once per deployment before serving (migrations, seeding an empty catalogue) is `prepareDatabase`.
import { createServer, type Server } from 'node:http';
import type { Knex } from 'knex';
import { forgetEndedSessions } from '../accounts/housekeeping.js';
import { createApp } from '../app.js';
import { catalogueIsEmpty } from '../catalogue/import.js';
import { seedCatalogue } from '../catalogue/seed-catalogue.js';
import type { Config } from '../config.js';
import { answerMalformedRequests } from '../http/client-errors.js';
import type { Logger } from '../log.js';
import { sweepAbandonedCheckouts } from '../orders/payment-sweeper.js';
import { startHousekeeping } from '../platform/housekeeping.js';
import { createServices } from '../services.js';
import { instrumentPool } from './metrics.js';
import { drainable } from './shutdown.js';

/** Applies the migrations and loads products.json into an empty catalogue. */
export async function prepareDatabase(config: Config, db: Knex, log: Logger): Promise<void> {
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  log.info({ database: where, applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  if (await catalogueIsEmpty(db)) {
    const services = createServices(config, db, log);
    await seedCatalogue(db, { media: services.media, print: (line) => log.info(line.trim()) });
  }
}

export interface Serving {
  server: Server;
  /** Stops gracefully (see shutdown.ts) and closes the pool; false when requests had to be cut off. */
  stop(): Promise<boolean>;
}

export async function serve(config: Config, db: Knex, log: Logger): Promise<Serving> {
  const services = createServices(config, db, log);
  instrumentPool(db);
  const { koa } = await createApp(services);
  const handle = koa.callback();
  const server = createServer((request, response) => void handle(request, response));
  const draining = drainable(server);
  answerMalformedRequests(server, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.info({ port: config.port, docs: `http://localhost:${config.port}/api/docs` }, 'store backend listening');

  const stopHousekeeping = startHousekeeping(services, [
    { name: 'settle abandoned checkouts', run: sweepAbandonedCheckouts },
    { name: 'forget ended sessions', run: ({ db }) => forgetEndedSessions(db) },
  ]);

  return {
    server,
    async stop() {
      const [finished] = await Promise.all([draining.close(config.shutdownTimeoutSeconds * 1000), stopHousekeeping()]);
      await db.destroy();
      return finished;
    },
  };
}
