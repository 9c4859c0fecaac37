// What `npm start` runs (through src/main.ts): reads the configuration, migrates the database,
// seeds an empty catalogue from products.json and serves the API until SIGTERM or SIGINT, then
// stops gracefully (exit 0 when no request had to be cut off).
//
// On the embedded database (one process may open it) this process does all of it. On PostgreSQL
// it is the cluster's primary: it migrates and seeds once, then forks WEB_CONCURRENCY workers
// (one per core by default) that share the port, each running src/main.ts again as a worker.
import 'dotenv/config';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { configOrExit, loadConfig, type Config } from '../config.js';
import { createDatabase, missingDatabaseProblem } from '../db.js';
import { createLogger, type Logger } from '../log.js';
import { processMetrics, serveMetrics, startProcessMetrics } from './metrics.js';
import { prepareDatabase } from './prepare.js';

/** Serves until told to stop; then exits 0, or 1 when requests in flight had to be cut off. */
async function serveUntilStopped(config: Config, log: Logger, metricsServer?: Server): Promise<void> {
  // The application's modules are loaded where requests are served, never by the cluster's primary.
  const { serve } = await import('./serve.js');
  const db = createDatabase(config);
  if (cluster.isPrimary) await prepareDatabase(config, db, log);
  const serving = await serve(config, db, log);
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'shutting down');
    void serving.stop().then(
      (finished) => {
        if (!finished)
          log.warn({ shutdownTimeoutSeconds: config.shutdownTimeoutSeconds }, 'requests still open at SHUTDOWN_TIMEOUT were cut off');
        log.info('stopped');
        metricsServer?.close();
        process.exit(finished ? 0 : 1);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A worker whose primary is gone (killed outright) stops too rather than serving on orphaned.
  if (cluster.isWorker) process.on('disconnect', () => stop('primary process gone'));
}

export async function start(): Promise<void> {
  const config = configOrExit(() => loadConfig());
  if (cluster.isWorker) {
    startProcessMetrics(true);
    await serveUntilStopped(config, createLogger(config.logLevel).child({ worker: cluster.worker?.id }));
    return;
  }

  const missing = await missingDatabaseProblem(config);
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);

  if (!config.databaseUrl) {
    if ((config.webConcurrency ?? 1) > 1)
      log.warn({ webConcurrency: config.webConcurrency }, 'WEB_CONCURRENCY ignored: the embedded database serves one process');
    startProcessMetrics(false);
    const metricsServer = config.metrics ? await serveMetrics(config.metrics, processMetrics(), log) : undefined;
    await serveUntilStopped(config, log, metricsServer);
    return;
  }

  // Once per start, before any worker serves: concurrent starts of several machines are safe
  // too (knex's migration lock; the seed only fills an empty catalogue).
  // Migrations and the seed answer no request: the commands' timeouts, not the server's (no databaseTimeouts).
  const db = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 1 });
  try {
    await prepareDatabase(config, db, log);
  } finally {
    await db.destroy();
  }
  const { runPrimary } = await import('./cluster.js');
  await runPrimary(config, config.webConcurrency ?? availableParallelism(), log);
}
