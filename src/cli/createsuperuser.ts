// `npm run createsuperuser -- --email E --password P`: creates a staff user, or promotes the
// existing account with that email to staff and sets its password. Prompts for whatever flag is
// missing. Uses the server's configuration and database, migrated first.
import 'dotenv/config';
import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { hashPassword } from '../accounts/passwords.js';
import { normaliseEmail } from '../accounts/users.js';
import { ConfigError, loadConfig } from '../config.js';
import { createDatabase } from '../db.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class SuperuserInputError extends Error {}

export interface SuperuserResult {
  id: number;
  email: string;
  created: boolean;
}

export async function createSuperuser(db: Knex, input: { email: string; password: string }): Promise<SuperuserResult> {
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) throw new SuperuserInputError(`"${input.email}" is not a valid email address.`);
  if (input.password.length < 8) throw new SuperuserInputError('The password must be at least 8 characters long.');
  const password = await hashPassword(input.password);
  // One statement creates or promotes; `xmax = 0` tells a fresh insert from an update.
  const result = await db.raw<{ rows: Array<{ id: number; email: string; created: boolean }> }>(
    `INSERT INTO users (email, password, is_staff, is_active, email_verified) VALUES (?, ?, true, true, true)
     ON CONFLICT (email) DO UPDATE SET password = excluded.password, is_staff = true, is_active = true, updated_at = now()
     RETURNING id, email, (xmax = 0) AS created`,
    [email, password],
  );
  return result.rows[0]!;
}

async function ask(question: string, hidden = false): Promise<string> {
  const rl = createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY });
  if (hidden && stdin.isTTY) {
    // Echo nothing while the password is typed.
    const write = (rl as unknown as { _writeToOutput: (text: string) => void });
    write._writeToOutput = (text: string) => {
      if (text.startsWith(question)) stdout.write(question);
    };
  }
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
    if (hidden && stdin.isTTY) stdout.write('\n');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  const config = loadConfig();
  const email = values.email ?? (await ask('Email: '));
  const password = values.password ?? (await ask('Password: ', true));
  const db = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
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
