// `npm run createsuperuser -- --email E`: creates a staff user, or promotes the existing account
// with that email to staff and sets its password. The password comes from the prompt (not echoed)
// or from SUPERUSER_PASSWORD, never from the command line: npm prints the command line it runs,
// and shells keep it in their history. Prompts for the email too when --email is missing. Uses the
// server's database (DATABASE_URL, or the embedded one in DATA_DIR), migrated first; it needs no
// other setting (no SECRET_KEY).
import 'dotenv/config';
import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { OneTimeToken } from '../accounts/one-time-token.model.js';
import { checkPassword, hashPassword } from '../accounts/passwords.js';
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
  /** created; promoted (was not active staff); password_changed (was, with another password); unchanged. */
  outcome: 'created' | 'promoted' | 'password_changed' | 'unchanged';
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
  const existing = await User.findByEmail(db, input.email);
  const wasStaff = Boolean(existing?.is_staff && existing.is_active);
  if (wasStaff && existing?.password && (await checkPassword(existing.password, input.password)).ok) {
    return { id: existing.id, email: existing.email, created: false, outcome: 'unchanged' };
  }
  const user = await User.createOrPromoteStaff(db, input.email, await hashPassword(input.password));
  if (user.created) return { ...user, outcome: 'created' };
  // The password of an existing account changed: reset links mailed before no longer set one.
  await OneTimeToken.endAllOf(db, user.id, 'password_reset');
  return { ...user, outcome: wasStaff ? 'password_changed' : 'promoted' };
}

const REPORT: Record<SuperuserResult['outcome'], (user: SuperuserResult) => string> = {
  created: (user) => `Created staff user ${user.email} (id ${user.id}).`,
  promoted: (user) => `Promoted staff user ${user.email} (id ${user.id}); its password was set.`,
  password_changed: (user) => `${user.email} (id ${user.id}) is already staff; its password was changed.`,
  unchanged: (user) => `${user.email} (id ${user.id}) is already staff; nothing changed.`,
};

/** Said when --password is given: the value would be echoed by npm and kept in shell history. */
export const PASSWORD_FLAG_REFUSED =
  '--password is not accepted: a password on the command line is printed by npm and kept in shell history. ' +
  'Type it at the prompt, or set SUPERUSER_PASSWORD in the environment.';

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
  const args = process.argv.slice(2);
  if (args.some((arg) => arg === '--password' || arg.startsWith('--password='))) throw new SuperuserInputError(PASSWORD_FLAG_REFUSED);
  let values: { email?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { email: { type: 'string' } } }));
  } catch (error) {
    throw new SuperuserInputError(
      `${error instanceof Error ? error.message : String(error)}\nUsage: npm run createsuperuser -- [--email E]`,
    );
  }
  const config = loadDatabaseConfig();
  const { email, password } = await prompt({ email: values.email, password: process.env.SUPERUSER_PASSWORD || undefined });
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
    console.log(REPORT[user.outcome](user));
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
