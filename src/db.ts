// One place that knows how to reach the database: PostgreSQL when DATABASE_URL is set, otherwise
// the embedded PGlite (real PostgreSQL compiled to WebAssembly) so `npm start` needs nothing
// installed. Both run the same migrations and the same SQL.
import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { CODE_ROOT, PROJECT_ROOT } from './paths.js';

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; ignored with databaseUrl. */
  dataDir?: string;
  /** Embedded database in memory only (tests). */
  inMemory?: boolean;
  poolMax?: number;
}

export function isEmbedded(db: Knex): boolean {
  return (db.client as Knex.Client).config.client === ClientPgLite;
}

/**
 * The migrations beside the running code: TypeScript in migrations/ (tsx: tests, the knex CLI) or
 * JavaScript in dist/migrations/ (`npm start`). A database records each one under its `.ts` name
 * whichever ran it, so a database migrated by one is up to date for the other (knex's own file
 * source records the file name as it is, and would take the compiled files for new ones).
 */
class MigrationFiles implements Knex.MigrationSource<string> {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<string[]> {
    const files = await readdir(this.directory);
    return files.filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts')).sort();
  }

  getMigrationName(file: string): string {
    return file.replace(/\.js$/, '.ts');
  }

  async getMigration(file: string): Promise<Knex.Migration> {
    return (await import(pathToFileURL(path.join(this.directory, file)).href)) as Knex.Migration;
  }
}

export function knexConfig(options: DatabaseOptions): Knex.Config {
  const shared = {
    migrations: { migrationSource: new MigrationFiles(path.join(CODE_ROOT, 'migrations')), tableName: 'knex_migrations' },
    seeds: { directory: path.join(PROJECT_ROOT, 'seeds'), loadExtensions: ['.ts'] },
  };
  if (options.databaseUrl) {
    return {
      client: 'pg',
      connection: options.databaseUrl,
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        // PostgreSQL's default random_page_cost (4) models spinning disks; at that price the planner
        // counts a common search word with a sequential ILIKE scan (~200 ms at 100,000 products)
        // instead of the trigram indexes (~10 ms). 1.1 is the usual value for SSD and cloud storage.
        afterCreate: (
          connection: { query: (sql: string, done: (error?: Error) => void) => void },
          done: (error: Error | undefined, connection: unknown) => void,
        ) => {
          connection.query('SET random_page_cost = 1.1', (error) => done(error, connection));
        },
      },
      ...shared,
    };
  }
  let directory: string | undefined;
  if (!options.inMemory) {
    directory = path.join(options.dataDir ?? path.join(PROJECT_ROOT, 'data'), 'pglite');
    mkdirSync(directory, { recursive: true });
  }
  // The embedded database loads pg_trgm too, so both databases run the same migrations (the
  // catalogue's trigram indexes). knex-pglite may ask for the connection more than once: one
  // instance per database directory, created on first use.
  let instance: PGlite | undefined;
  const open = () => {
    const pglite = new PGlite({ ...(directory ? { dataDir: directory } : {}), extensions: { pg_trgm } });
    // The same planner cost as on PostgreSQL (see the pool above); queued before any other query.
    pglite.exec('SET random_page_cost = 1.1').catch(() => undefined);
    return pglite;
  };
  const connection = () => ({ pglite: (instance ??= open()) });
  return { client: ClientPgLite, dialect: 'postgres', connection, ...shared } as unknown as Knex.Config;
}

export function createDatabase(options: DatabaseOptions): Knex {
  return knexFactory(knexConfig(options));
}

/** PostgreSQL error codes the handlers care about. */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** The database named in the connection string does not exist. */
  invalidCatalogName: '3D000',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What to tell an operator whose DATABASE_URL names a database the server does not have. */
function missingDatabaseMessage(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const where = `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  const options = [
    url.hostname ? `-h ${url.hostname}` : '',
    url.port ? `-p ${url.port}` : '',
    url.username ? `-U ${decodeURIComponent(url.username)}` : '',
  ].filter(Boolean);
  return (
    `Configuration error: DATABASE_URL names the database "${name}", which does not exist on ${where}; ` +
    `create it with: createdb ${[...options, name].join(' ')}`
  );
}

/**
 * Connects once, before a command that needs the database, so that a database that does not
 * exist is reported with the command that creates it. Any other failure is left to the command,
 * which reports it when it connects. Nothing to check on the embedded database.
 */
export async function missingDatabaseProblem({ databaseUrl }: { databaseUrl?: string | undefined }): Promise<string | undefined> {
  if (!databaseUrl) return undefined;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return pgErrorCode(error) === PG.invalidCatalogName ? missingDatabaseMessage(databaseUrl) : undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
