// One place that knows how to reach the database: PostgreSQL when DATABASE_URL is set, otherwise
// the embedded PGlite (real PostgreSQL compiled to WebAssembly) so `npm start` needs nothing
// installed. Both run the same migrations and the same SQL.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { Model } from 'objection';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; ignored with databaseUrl. */
  dataDir?: string;
  /** Embedded database in memory only (tests). */
  inMemory?: boolean;
  poolMax?: number;
}

export function isEmbedded(db: Knex): boolean {
  return db.client.config.client === ClientPgLite;
}

export function knexConfig(options: DatabaseOptions): Knex.Config {
  const shared = {
    migrations: { directory: path.join(root, 'migrations'), loadExtensions: ['.ts'], tableName: 'knex_migrations' },
    seeds: { directory: path.join(root, 'seeds'), loadExtensions: ['.ts'] },
  };
  if (options.databaseUrl) {
    return {
      client: 'pg',
      connection: options.databaseUrl,
      pool: { min: 0, max: options.poolMax ?? 10 },
      ...shared,
    };
  }
  let connection: { filename?: string } = {};
  if (!options.inMemory) {
    const directory = path.join(options.dataDir ?? path.join(root, 'data'), 'pglite');
    mkdirSync(directory, { recursive: true });
    connection = { filename: directory };
  }
  return { client: ClientPgLite, dialect: 'postgres', connection, ...shared } as Knex.Config;
}

export function createDatabase(options: DatabaseOptions): Knex {
  const db = knexFactory(knexConfig(options));
  Model.knex(db);
  return db;
}
