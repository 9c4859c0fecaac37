// Used by the knex CLI (`npx knex migrate:latest`, `npx knex seed:run`): the same database the
// server would use, chosen by DATABASE_URL (embedded PGlite under ./data when unset).
import 'dotenv/config';
import { knexConfig } from './src/db.js';

export default knexConfig({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? 'data' });
