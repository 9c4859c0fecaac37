// The configured database for the generator scripts, as the operator's commands open it: the
// database settings checked (one line per bad variable), a missing PostgreSQL database named with
// the command that creates it, then migrated.
import type { Knex } from 'knex';
import { configOrExit, loadDatabaseConfig } from '../src/config.js';
import { createDatabase, missingDatabaseProblem } from '../src/db.js';

/** The migrated database of DATABASE_URL (or the embedded one in DATA_DIR); exits 1 when there is none. */
export async function openMigratedDatabase(): Promise<Knex> {
  const config = configOrExit(() => loadDatabaseConfig());
  const missing = await missingDatabaseProblem(config);
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const db = createDatabase(config);
  await db.migrate.latest();
  return db;
}
