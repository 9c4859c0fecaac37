// What the benchmark scripts share: the real app on an ephemeral loopback port, and percentiles.
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db.js';
import { createLogger } from '../src/log.js';
import { createServices } from '../src/services.js';

export interface BenchServer {
  base: string;
  db: Knex;
  close(): Promise<void>;
}

/**
 * Starts the app with the environment plus `env`, on DATABASE_URL's database, or else on the
 * embedded one in DATA_DIR (`inMemory` for a throwaway embedded database).
 */
export async function startBenchServer(env: Record<string, string> = {}, options: { inMemory?: boolean } = {}): Promise<BenchServer> {
  const config = loadConfig({
    ...process.env,
    SECRET_KEY: process.env.SECRET_KEY ?? 'benchmark-only-secret-key-0123456789',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = createDatabase(
    config.databaseUrl || !options.inMemory ? { databaseUrl: config.databaseUrl, dataDir: config.dataDir } : { inMemory: true },
  );
  await db.migrate.latest();
  const { koa } = await createApp(createServices(config, db, createLogger('silent')));
  const server = koa.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    close: async () => {
      server.close();
      await db.destroy();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs a script's main, printing a failure and exiting non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
