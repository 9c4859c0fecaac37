// Each test run works in a database of its own: a fresh PostgreSQL database (created from
// DATABASE_URL's server and dropped at the end) or, without DATABASE_URL, an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import { createDatabase } from '../../src/db.js';

export interface TestDatabase {
  db: Knex;
  /** The PostgreSQL URL of the test database; undefined on the embedded database. */
  url: string | undefined;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** An empty database named `<prefix>_<pid>_<random>` on the PostgreSQL server of `serverUrl`; `drop` removes it. */
export async function createPostgresDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => void (await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = createDatabase({ inMemory: true });
    await db.migrate.latest();
    return { db, url: undefined, drop: () => db.destroy() };
  }
  const created = await createPostgresDatabase(serverUrl, 'store_test');
  const { url } = created;
  const db = createDatabase({ databaseUrl: url, poolMax: 20 });
  await db.migrate.latest();
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await created.drop();
    },
  };
}
