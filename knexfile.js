// The knex CLI (`npx knex migrate:latest`, `npx knex seed:run`) loads this file. Node cannot load
// TypeScript by itself, so it registers tsx first; the configuration lives in knexfile.ts.
import { register } from 'tsx/esm/api';

register();
const { default: config } = await import('./knexfile.ts');
export default config;
