// Where the project's files are, whether this code runs as TypeScript from src/ (tsx: tests, `npm
// run dev`, the knex CLI) or compiled from dist/src/ (`npm start`): the files the server reads at
// run time (openapi.yaml, products.json) stay in the project directory and are never copied into
// dist/; the migrations run from beside the code that runs them (compiled ones from dist/).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding src/ and migrations/ as they run: the project directory, or dist/. */
export const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The project directory (package.json, openapi.yaml, products.json). */
export const PROJECT_ROOT = existsSync(path.join(CODE_ROOT, 'package.json')) ? CODE_ROOT : path.dirname(CODE_ROOT);
