// Used by the knex CLI (`npx knex migrate:latest`, `npx knex seed:run`): the same database the
// server would use, chosen by DATABASE_URL (embedded PGlite under DATA_DIR when unset), checked as
// the server checks it: one line per bad variable, and a database that does not exist is named
// with the command that creates it.
import 'dotenv/config';
import { configOrExit, loadDatabaseConfig } from './src/config.js';
import { knexConfig, missingDatabaseProblem } from './src/db.js';

const config = configOrExit(() => loadDatabaseConfig());
const missing = await missingDatabaseProblem(config);
if (missing) {
  console.error(missing);
  process.exit(1);
}

export default knexConfig(config);
