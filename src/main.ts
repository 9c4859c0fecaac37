// `npm start`: reads the configuration, migrates the database, seeds an empty catalogue from
// products.json and serves the API.
import 'dotenv/config';
import type { Server } from 'node:http';
import { forgetEndedSessions } from './accounts/housekeeping.js';
import { createApp } from './app.js';
import { catalogueIsEmpty } from './catalogue/import.js';
import { seedCatalogue } from './catalogue/seed-catalogue.js';
import { configOrExit, loadConfig } from './config.js';
import { createDatabase, missingDatabaseProblem } from './db.js';
import { answerMalformedRequests } from './http/client-errors.js';
import { createHttpServer } from './http/server-timeouts.js';
import { createLogger } from './log.js';
import { sweepAbandonedCheckouts } from './orders/payment-sweeper.js';
import { startHousekeeping } from './platform/housekeeping.js';
import { createServices } from './services.js';

async function main(): Promise<void> {
  const config = configOrExit(() => loadConfig());
  const missing = await missingDatabaseProblem(config);
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const db = createDatabase(config);
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;

  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  log.info({ database: where, applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  const services = createServices(config, db, log);
  if (await catalogueIsEmpty(db)) {
    await seedCatalogue(db, { media: services.media, print: (line) => log.info(line.trim()) });
  }

  const { koa } = await createApp(services);
  const server: Server = createHttpServer(koa, config.http).listen(config.port, () => {
    log.info({ port: config.port, docs: `http://localhost:${config.port}/api/docs` }, 'store backend listening');
  });
  answerMalformedRequests(server, log);

  const stopHousekeeping = startHousekeeping(services, [
    { name: 'settle abandoned checkouts', run: sweepAbandonedCheckouts },
    { name: 'forget ended sessions', run: ({ db }) => forgetEndedSessions(db) },
  ]);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stopHousekeeping();
    server.close(() => {
      void db.destroy().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Start-up failed: ${error.message}` : error);
  process.exit(1);
});
