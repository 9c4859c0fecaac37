// `npm run createsuperuser -- --email E --password P`: creates a staff user, or promotes the
// existing account with that email to staff and sets its password. Prompts for whatever flag is
// missing. Uses the server's database (DATABASE_URL, or the embedded one in DATA_DIR), migrated
// first; it needs no other setting.
import 'dotenv/config';
import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { hashPassword } from '../accounts/passwords.js';
import { User } from '../accounts/user.model.js';
import { ConfigError, loadDatabaseConfig } from '../config.js';
import { createDatabase, missingDatabaseProblem } from '../db.js';
import { checkAgainstSchema } from '../spec-schemas.js';

export class SuperuserInputError extends Error {}

export interface SuperuserInput {
  email: string;
  password: string;
}

export interface SuperuserResult {
  id: number;
  email: string;
  created: boolean;
}

/**
 * Checks the input against the rules of registration (openapi.yaml's RegisterRequest) before the
 * database is touched; a refusal names each field with the message the API would answer.
 */
export async function checkSuperuserInput(input: SuperuserInput): Promise<void> {
  const check = await checkAgainstSchema('RegisterRequest', { email: input.email, password: input.password });
  if (check.ok) return;
  const lines = Object.entries(check.fields).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
  throw new SuperuserInputError(lines.join('\n'));
}

export async function createSuperuser(db: Knex, input: SuperuserInput): Promise<SuperuserResult> {
  await checkSuperuserInput(input);
  return User.createOrPromoteStaff(db, input.email, await hashPassword(input.password));
}

/** Asks for the missing values on one readline interface (piped input arrives in one chunk). */
async function prompt(values: { email?: string | undefined; password?: string | undefined }): Promise<SuperuserInput> {
  if (values.email !== undefined && values.password !== undefined) return { email: values.email, password: values.password };
  const rl = createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string, hidden: boolean): Promise<string> => {
    stdout.write(question);
    const output = rl as unknown as { _writeToOutput?: (text: string) => void };
    const echo = output._writeToOutput;
    // Echo nothing while a password is typed on a terminal.
    if (hidden && stdin.isTTY) output._writeToOutput = () => {};
    const next = await lines.next();
    output._writeToOutput = echo;
    if (hidden && stdin.isTTY) stdout.write('\n');
    if (next.done) throw new SuperuserInputError('Input ended before the answer was given.');
    return String(next.value).trim();
  };
  try {
    const email = values.email ?? (await ask('Email: ', false));
    const password = values.password ?? (await ask('Password: ', true));
    return { email, password };
  } finally {
    rl.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  const config = loadDatabaseConfig();
  const { email, password } = await prompt(values);
  await checkSuperuserInput({ email, password });
  const missing = await missingDatabaseProblem(config);
  if (missing) {
    console.error(missing);
    process.exitCode = 1;
    return;
  }
  const db = createDatabase(config);
  try {
    await db.migrate.latest();
    const user = await createSuperuser(db, { email, password });
    console.log(`${user.created ? 'Created' : 'Promoted'} staff user ${user.email} (id ${user.id}).`);
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof SuperuserInputError ? error.message : error);
    process.exit(1);
  });
}
