// `npm run createsuperuser` creates or promotes a staff user, refusing what registration refuses
// (openapi.yaml's RegisterRequest) with the API's messages per field; the password comes from the
// prompt or SUPERUSER_PASSWORD, never from the command line; it needs no SECRET_KEY.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { OneTimeToken } from '../../src/accounts/one-time-token.model.js';
import { createSuperuser, PASSWORD_FLAG_REFUSED, SuperuserInputError } from '../../src/cli/createsuperuser.js';
import { createDatabase } from '../../src/db.js';
import { runCommand } from '../support/command.js';
import { makeUser, unique } from '../support/factories.js';
import { accountsServerForSuite, clientFrom } from './support.js';

const run = (args: string[], settings: Record<string, string>, input?: string) =>
  runCommand(['npm', 'run', '--silent', 'createsuperuser', '--', ...args], settings, input);

describe('accounts: createsuperuser', () => {
  const suite = accountsServerForSuite();

  it('creates a staff user who can log in and is staff in /me', async () => {
    const email = `${unique('Boss')}@Example.com`;
    const result = await createSuperuser(suite.db, { email, password: 'staff-password' });
    expect(result.created).to.equal(true);
    expect(result.email).to.equal(email.toLowerCase());
    const client = clientFrom(suite.server);
    expect((await client.post('/api/auth/login/', { email, password: 'staff-password' })).status).to.equal(200);
    expect((await client.get('/api/auth/me/')).body).to.include({ is_staff: true, email: email.toLowerCase() });
  });

  it('promotes an existing account and sets its password', async () => {
    const user = await makeUser(suite.db);
    const result = await createSuperuser(suite.db, { email: user.email.toUpperCase(), password: 'promoted-password' });
    expect(result).to.deep.equal({ id: user.id, email: user.email, created: false, outcome: 'promoted' });
    const row = await suite.db('users').where({ id: user.id }).first();
    expect(row.is_staff).to.equal(true);
    expect(row.password).to.match(/^\$argon2id\$/);
  });

  it('says when nothing changed, and ends the reset links of a staff user whose password it changes', async () => {
    const email = `${unique('staff')}@example.com`;
    await createSuperuser(suite.db, { email, password: 'staff-password' });
    const same = await createSuperuser(suite.db, { email, password: 'staff-password' });
    expect(same.outcome).to.equal('unchanged');
    const stored = (await suite.db('users').where({ email }).first()).password as string;

    const link = randomUUID();
    await OneTimeToken.record(suite.db, {
      jti: link,
      userId: same.id,
      purpose: 'password_reset',
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const changed = await createSuperuser(suite.db, { email, password: 'other-staff-password' });
    expect(changed.outcome).to.equal('password_changed');
    expect((await suite.db('users').where({ email }).first()).password).to.not.equal(stored);
    expect(
      await OneTimeToken.consume(suite.db, { jti: link, userId: same.id, purpose: 'password_reset' }),
      'the reset link ended',
    ).to.equal(false);
  });

  it("refuses what registration refuses, naming each field with the API's message, and writes nothing", async () => {
    const email = `${unique('refused')}@example.com`;
    const cases: Array<[{ email: string; password: string }, string]> = [
      [{ email: 'nope', password: 'long-enough' }, 'email: Enter a valid email address.'],
      [{ email, password: 'short' }, 'password: Ensure this field has at least 8 characters.'],
      [{ email, password: 'x'.repeat(129) }, 'password: Ensure this field has no more than 128 characters.'],
      [{ email: `${'a'.repeat(250)}@example.com`, password: 'long-enough' }, 'email: Ensure this field has no more than 254 characters.'],
      [{ email: 'nope', password: 'short' }, 'email: Enter a valid email address.\npassword: Ensure this field has at least 8 characters.'],
    ];
    for (const [input, message] of cases) {
      let error: unknown;
      await createSuperuser(suite.db, input).catch((caught: unknown) => (error = caught));
      expect(error, message).to.be.instanceOf(SuperuserInputError);
      expect((error as Error).message).to.equal(message);
    }
    expect(await suite.db('users').where({ email }).first()).to.equal(undefined);
  });

  describe('the command', function () {
    // Six runs of the command, each a process of its own that loads the spec (and the first
    // migrates a fresh embedded database): on a busy two-core machine that takes over a minute.
    this.timeout(180_000);
    let dataDir: string;
    let env: Record<string, string>;
    before(() => {
      // Its own embedded database: the command migrates it first, as it would a fresh install.
      dataDir = mkdtempSync(path.join(tmpdir(), 'createsuperuser-'));
      env = { DATA_DIR: dataDir, DATABASE_URL: '', SECRET_KEY: '' /* it needs none */, LOG_LEVEL: 'silent' };
    });
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    it('takes the password from SUPERUSER_PASSWORD or the prompt, never from argv, and says what it did', async () => {
      const fromEnv = await run(['--email', 'Admin@Example.com'], { ...env, SUPERUSER_PASSWORD: 'admin-password' });
      expect(fromEnv.stderr).to.equal('');
      expect(fromEnv.code).to.equal(0);
      expect(fromEnv.stdout).to.match(/Created staff user admin@example\.com/);

      const prompted = await run(['--email', 'admin@example.com'], env, 'new-admin-password\n');
      expect(prompted.code).to.equal(0);
      expect(prompted.stdout).to.match(/Password: .*admin@example\.com \(id \d+\) is already staff; its password was changed\./s);

      const again = await run(['--email', 'admin@example.com'], { ...env, SUPERUSER_PASSWORD: 'new-admin-password' });
      expect(again.code).to.equal(0);
      expect(again.stdout).to.match(/admin@example\.com \(id \d+\) is already staff; nothing changed\./);

      const both = await run([], env, 'second@example.com\nsecond-password\n');
      expect(both.code).to.equal(0);
      expect(both.stdout).to.match(/Email: Password: .*Created staff user second@example\.com/s);

      const flag = await run(['--email', 'x@example.com', '--password', 'flag-password'], env);
      expect(flag.code).to.equal(1);
      expect(flag.stderr.trim()).to.equal(PASSWORD_FLAG_REFUSED);

      const bad = await run(['--email', 'x@example.com'], { ...env, SUPERUSER_PASSWORD: 'short' });
      expect(bad.code).to.equal(1);
      expect(bad.stderr.trim()).to.equal('password: Ensure this field has at least 8 characters.');

      const db = createDatabase({ dataDir });
      try {
        const staff = await db('users').select('email', 'is_staff').orderBy('id');
        expect(staff).to.deep.equal([
          { email: 'admin@example.com', is_staff: true },
          { email: 'second@example.com', is_staff: true },
        ]);
      } finally {
        await db.destroy();
      }
    });
  });
});
