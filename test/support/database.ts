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

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = createDatabase({ inMemory: true });
    await db.migrate.latest();
    return { db, url: undefined, drop: () => db.destroy() };
  }
  const name = `store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: url.toString(), poolMax: 20 });
  await db.migrate.latest();
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
