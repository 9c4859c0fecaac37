// One place that knows how to reach the database: PostgreSQL when DATABASE_URL is set, otherwise
// the embedded PGlite (real PostgreSQL compiled to WebAssembly) so `npm start` needs nothing
// installed. Both run the same migrations and the same SQL.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import type { DatabaseTimeouts } from './config.js';
import { CODE_ROOT, PROJECT_ROOT } from './paths.js';

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; ignored with databaseUrl. */
  dataDir?: string;
  /** Embedded database in memory only (tests). */
  inMemory?: boolean;
  poolMax?: number;
  /**
   * PostgreSQL only: how long to wait for a connection, a free one of the pool, a statement.
   * Without them (a database that does not answer would otherwise hold a request for as long as
   * the operating system takes to give up on a TCP connection, minutes), commands' generous ones.
   */
  databaseTimeouts?: DatabaseTimeouts;
  /**
   * PostgreSQL only: whether runStatement's statements are prepared under a name (default) or sent
   * unnamed like every other query (behind a transaction-mode pooler that cannot track named ones).
   */
  preparedStatements?: boolean;
}

/**
 * Commands (the knex CLI, createsuperuser, the catalogue generator) give none: a migration or an
 * import may take long, and there is no request to answer in time. The server gives the settings.
 */
const COMMAND_TIMEOUTS: DatabaseTimeouts = { connectMs: 10_000, acquireMs: 60_000, statementMs: 0 };

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
    const timeouts = options.databaseTimeouts ?? COMMAND_TIMEOUTS;
    return {
      client: 'pg',
      connection: {
        connectionString: options.databaseUrl,
        connectionTimeoutMillis: timeouts.connectMs,
        // Sent as a startup parameter: no extra round trip per connection. 0 leaves the server's own.
        ...(timeouts.statementMs ? { statement_timeout: timeouts.statementMs } : {}),
        // A peer that vanished (a failed-over database host) is noticed by TCP keep-alive instead
        // of after the operating system's retransmission timeout.
        keepAlive: true,
      },
      acquireConnectionTimeout: timeouts.acquireMs,
      log: {
        // While the database is down Knex would print a stack per failed connection attempt on
        // stderr; the request that failed is logged (as JSON, with its id) where it is answered 503.
        warn: (message: string) => {
          if (!message.startsWith('Acquire connection error')) console.warn(message);
        },
      },
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

/**
 * The databases made with DATABASE_PREPARED_STATEMENTS=false, by their client's configuration:
 * the one object a Knex and each of its transactions share.
 */
const preparingOff = new WeakSet<object>();

export function createDatabase(options: DatabaseOptions): Knex {
  const db = knexFactory(knexConfig(options));
  if (options.preparedStatements === false) preparingOff.add((db.client as Knex.Client).config);
  return db;
}

/** Whether runStatement names statements on `db`, a PostgreSQL database or one of its transactions. */
function prepares(db: Knex): boolean {
  return !preparingOff.has((db.client as Knex.Client).config);
}

/** What node-postgres is given for one of runStatement's texts: its `$n` form, and its name. */
interface HotStatement {
  text: string;
  name: string;
}

/** Per text, worked out once (the texts are a small fixed set, see runStatement). */
const hotStatements = new Map<string, HotStatement>();

function hotStatement(client: Knex.Client, sql: string): HotStatement {
  let statement = hotStatements.get(sql);
  if (statement === undefined) {
    // The name derives from the text, so every process and connection gives one text the same name.
    statement = {
      text: client.positionBindings(sql) as string,
      name: `store_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`,
    };
    hotStatements.set(sql, statement);
  }
  return statement;
}

/** The connection of knex's pool, as much of it as runStatement uses: node-postgres's client. */
interface PgConnection {
  query(
    config: { text: string; values: readonly unknown[]; name?: string },
    done: (error: Error | null, result: { rows: unknown[] }) => void,
  ): void;
}

/**
 * Runs a statement of a hot path (the public catalogue's reads: every request of the product list
 * and of a product). `sql` uses knex's `?` placeholders.
 *
 * On PostgreSQL it goes straight to the connection knex's client hands out: one of its pool (so
 * the pool's limits, acquire timeout and metrics hold), or in a transaction the transaction's own
 * (knex's transaction client gives its connection). knex's query runner and raw builder cost ~10%
 * of the list's CPU (README, Performance), for a text that never changes. A listener of knex's
 * `query` event still hears of it. On the embedded database knex runs it.
 *
 * With `prepare`, the statement is prepared under a name: its first run on a connection parses
 * and plans it, later runs there only bind and execute. Parsing and planning the list's statement
 * was more than half of PostgreSQL's time per request (see the README's Performance). Only for a
 * small, fixed set of texts (values go in `bindings`: each text stays prepared on every connection
 * that ran it) whose best plan does not depend on the values: after five runs PostgreSQL may keep
 * one generic plan for all of them.
 */
export async function runStatement<Row>(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
  options: { prepare: boolean },
): Promise<Row[]> {
  // PGlite plans in-process, one connection for all: a name or a connection of its own would buy it nothing.
  if (isEmbedded(db)) return ((await db.raw(sql, bindings as Knex.RawBinding[])) as { rows: Row[] }).rows;
  const client = db.client as Knex.Client;
  const named = options.prepare && prepares(db);
  const { text, name } = hotStatement(client, sql);
  const config = named ? { name, text, values: bindings } : { text, values: bindings };
  if (db.listenerCount('query') > 0) db.emit('query', { sql, bindings, method: 'raw', options: named ? { name } : {} });
  const connection = (await client.acquireConnection()) as PgConnection;
  try {
    // With a callback, as knex calls it. node-postgres's promise form (no callback) made the
    // list's requests fill the old generation: 24 -> 99 MB used after 10 s under load, the
    // worker's RSS 172 -> 280 MB (measured; with the callback the old generation stays at 24 MB).
    return await new Promise<Row[]>((resolve, reject) => {
      connection.query(config, (error, result) => (error ? reject(error) : resolve(result.rows as Row[])));
    });
  } finally {
    await client.releaseConnection(connection);
  }
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

/**
 * SQLSTATEs meaning the database cannot serve now, though the request itself was fine: class 08
 * (connection exceptions) is matched by prefix; the server shutting down or restarting
 * (57P01–57P03), too many connections (53300), a statement cancelled by statement_timeout (57014).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '57014']);
/** Socket errors of a connection to a database that is down, unreachable or gone mid-query. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/**
 * What node-postgres and Knex say, without a code, when a connection could not be had or was lost:
 * the connect timeout, a connection ended mid-query, a client that already failed, the pool's
 * acquire timeout (KnexTimeoutError).
 */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|Connection is closed|Timeout acquiring a connection/i;

/**
 * Whether a failure means the database is unreachable or overloaded (answered 503 with
 * Retry-After) rather than a bug (500). Looks through the wrappers: Objection's DBError
 * (nativeError), Error.cause, and AggregateError (a host name with several addresses).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, name, message, nativeError, cause, errors } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    nativeError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) {
    return true;
  }
  if (name === 'KnexTimeoutError') return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  const inner = [nativeError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return inner.some((wrapped) => wrapped !== error && isDatabaseUnavailable(wrapped, depth + 1));
}

/**
 * The text with LIKE's wildcards (`%`, `_`) and its escape character (a backslash, PostgreSQL's default)
 * escaped, so a shopper's or staff member's search matches it literally.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A LIKE pattern matching any text that contains `text`, taken literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

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
