// The operator's commands check the configuration as `npm start` does: each loads only the settings
// it needs, reports every bad variable on a line of its own, never prints a secret, and names the
// command that creates a PostgreSQL database that does not exist. Each runs as an operator runs
// it, in a child process with no .env file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCommand } from '../support/command.js';
import { testDatabase } from '../support/server.js';

const run = runCommand;

const knex = (...args: string[]) => ['npx', 'knex', ...args];
const start = [process.execPath, '--import', 'tsx', 'src/main.ts'];
const createsuperuser = ['npm', 'run', '--silent', 'createsuperuser'];

describe('the operator’s commands and a bad configuration', function () {
  this.timeout(120_000);
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'commands-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('npm start lists every bad variable, one line each, with no secret in them, and exits 1', async () => {
    const outcome = await run(start, {
      DATA_DIR: dataDir,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://store:db-secret-1@db.example.com/store',
      SECRET_KEY: 'secret-2',
      SMTP_URL: 'http://mailer:mail-secret-3@smtp.example.com',
      STRIPE_SECRET_KEY: 'sk_live_secret-4',
    });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim().split('\n').sort()).to.deep.equal([
      'Configuration error: DATABASE_URL must be a postgres: or postgresql: URL, got "mysql://store:***@db.example.com/store"',
      'Configuration error: PORT must be a whole number from 0 to 65535, got "eighty"',
      'Configuration error: SECRET_KEY must be at least 16 characters long',
      'Configuration error: SMTP_URL must be a smtp: or smtps: URL, got "http://mailer:***@smtp.example.com/"',
    ]);
    expect(outcome.stdout).to.equal('');
  });

  it('the knex CLI checks the database settings alone, as the server does', async () => {
    const outcome = await run(knex('migrate:latest'), {
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://store:db-secret-1@[db.example.com/store',
      PORT: 'eighty',
    });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim()).to.equal(
      'Configuration error: DATABASE_URL must be a URL, got "postgres://store:***@[db.example.com/store"',
    );
  });

  it('the catalogue seed checks the media settings too', async () => {
    const outcome = await run(knex('seed:run'), {
      DATA_DIR: dataDir,
      CLOUDINARY_CLOUD_NAME: 'demo',
      CLOUDINARY_API_SECRET: 'cloud-secret-1',
    });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr.trim()).to.equal(
      'Configuration error: CLOUDINARY_API_KEY is missing (the CLOUDINARY_* trio must be set together)',
    );
  });

  describe('on PostgreSQL', () => {
    let serverUrl: URL;
    before(function () {
      const url = process.env.DATABASE_URL;
      if (!url) return this.skip();
      serverUrl = new URL(url);
    });

    it('a database that does not exist is named with the command that creates it', async () => {
      const missing = new URL(serverUrl);
      missing.pathname = '/store_no_such_database';
      const where = `${missing.hostname}:${missing.port || '5432'}`;
      const outcome = await run(knex('migrate:latest'), { DATABASE_URL: missing.href });
      expect(outcome.code).to.equal(1);
      expect(outcome.stderr.trim()).to.equal(
        `Configuration error: DATABASE_URL names the database "store_no_such_database", which does not exist on ${where}; ` +
          `create it with: createdb ${missing.hostname ? `-h ${missing.hostname} ` : ''}${missing.port ? `-p ${missing.port} ` : ''}` +
          `${missing.username ? `-U ${missing.username} ` : ''}store_no_such_database`,
      );
      const startup = await run(start, { DATABASE_URL: missing.href, SECRET_KEY: 'a-long-enough-secret-key' });
      expect(startup.code).to.equal(1);
      expect(startup.stderr.trim()).to.equal(outcome.stderr.trim());
    });

    it('createsuperuser needs no SECRET_KEY', async () => {
      const { url } = await testDatabase();
      const outcome = await run(createsuperuser, { DATABASE_URL: url! }, 'config-boss@example.com\nconfig-boss-password\n');
      expect(outcome.stderr).to.equal('');
      expect(outcome.code).to.equal(0);
      expect(outcome.stdout).to.match(/(Created|Promoted) staff user config-boss@example\.com/);
    });
  });
});
