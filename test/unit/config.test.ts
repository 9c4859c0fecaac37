import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig, loadDatabaseConfig, loadSeedConfig } from '../../src/config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'config-'));

/** The ConfigError a loader throws for this environment (the test fails if it throws none). */
function problemsOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail('the configuration was accepted');
}

describe('configuration', () => {
  it('has working defaults with nothing set, keeping a generated secret in the data directory', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).to.deep.include({
      port: 8000,
      debug: false,
      currency: 'inr',
      databaseUrl: undefined,
      frontendUrl: 'http://localhost:5173',
    });
    expect(config.secretKey).to.have.length.greaterThan(40);
    expect(readFileSync(path.join(dir, 'secret_key'), 'utf8')).to.equal(config.secretKey);
    expect(loadConfig({ DATA_DIR: dir }).secretKey).to.equal(config.secretKey);
    expect(config.throttle.login).to.deep.include({ limit: 5, windowSeconds: 900 });
    expect(config.throttle.register).to.deep.include({ limit: 20, windowSeconds: 3600 });
    expect(config.stripe.checkoutExpiryMinutes).to.equal(30);
    expect(config.requireEmailVerification).to.equal(false);
  });

  it('stops with one line naming the variable and the problem', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'eighty' }, /^Configuration error: PORT must be a whole number/],
      [{ DEBUG: 'maybe' }, /^Configuration error: DEBUG must be True or False/],
      [{ DATABASE_URL: 'mysql://x' }, /^Configuration error: DATABASE_URL must be a postgres: or postgresql: URL/],
      [{ DATABASE_URL: 'postgres://127.0.0.1/x' }, /^Configuration error: SECRET_KEY is required when DATABASE_URL is set$/],
      [{ SECRET_KEY: 'short' }, /^Configuration error: SECRET_KEY must be at least 16 characters/],
      [{ FRONTEND_URL: 'not a url' }, /^Configuration error: FRONTEND_URL must be a URL/],
      [{ FRONTEND_URL: ' , ' }, /^Configuration error: FRONTEND_URL must name at least one storefront origin$/],
      [{ CURRENCY: 'rupees' }, /^Configuration error: CURRENCY/],
      [{ THROTTLE_LOGIN: 'five' }, /^Configuration error: THROTTLE_LOGIN must look like 5\/15m/],
      [{ CLOUDINARY_CLOUD_NAME: 'demo' }, /^Configuration error: CLOUDINARY_API_KEY is missing/],
      [{ STRIPE_API_BASE: 'ftp://x' }, /^Configuration error: STRIPE_API_BASE must be a http: or https: URL/],
      [{ LOG_LEVEL: 'loud' }, /^Configuration error: LOG_LEVEL must be one of/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), ...env }), JSON.stringify(env)).to.throw(ConfigError, message);
    }
  });

  it('reports every bad variable at once, one line each', () => {
    const error = problemsOf(() =>
      loadConfig({
        DATA_DIR: dataDir(),
        PORT: 'eighty',
        DEBUG: 'maybe',
        CURRENCY: 'rupees',
        THROTTLE_LOGIN: 'five',
        CLOUDINARY_CLOUD_NAME: 'demo',
        STRIPE_CHECKOUT_EXPIRY_MINUTES: '5',
      }),
    );
    const lines = error.message.split('\n');
    expect(lines).to.have.length(7);
    for (const line of lines) expect(line).to.match(/^Configuration error: [A-Z_]+ /);
    expect(lines.map((line) => line.split(' ')[2]).sort()).to.deep.equal([
      'CLOUDINARY_API_KEY',
      'CLOUDINARY_API_SECRET',
      'CURRENCY',
      'DEBUG',
      'PORT',
      'STRIPE_CHECKOUT_EXPIRY_MINUTES',
      'THROTTLE_LOGIN',
    ]);
    expect(error.problems).to.have.length(7);
  });

  it('shows a URL with its password masked', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ DATABASE_URL: 'mysql://admin:db-password-1@db.example.com/store' }, '"mysql://admin:***@db.example.com/store"'],
      [{ DATABASE_URL: 'postgres://admin:db-password-2@[not-a-host/store' }, '"postgres://admin:***@[not-a-host/store"'],
      [{ DATABASE_URL: 'admin:db-password-3@db.example.com' }, '"admin:***@db.example.com"'],
      [
        { DATABASE_URL: 'mysql://db.example.com/store?user=admin&password=db-password-4' },
        '"mysql://db.example.com/store?user=admin&password=***"',
      ],
      [{ SMTP_URL: 'http://mailer:mail-password@smtp.example.com' }, '"http://mailer:***@smtp.example.com/"'],
      [{ CLOUDINARY_URL: 'https://key:cloud-secret@my-cloud' }, '"https://key:***@my-cloud/"'],
    ];
    for (const [env, shown] of cases) {
      const { message } = problemsOf(() => loadConfig({ DATA_DIR: dataDir(), SECRET_KEY: 'a-long-enough-secret-key', ...env }));
      expect(message, JSON.stringify(env)).to.include(shown);
      expect(message, JSON.stringify(env)).not.to.match(/password-|cloud-secret/);
    }
  });

  it('never prints a secret, whatever is wrong with the configuration', () => {
    const secrets = {
      SECRET_KEY: 'sk-short-1',
      STRIPE_SECRET_KEY: 'sk_live_secret-2',
      STRIPE_WEBHOOK_SECRET: 'whsec_secret-3',
      STRIPE_PUBLISHABLE_KEY: 'pk_live_secret-4',
      CLOUDINARY_URL: 'cloudinary://:secret-5@my-cloud',
      SMTP_URL: 'smtp://mailer:secret-6@[smtp',
      DATABASE_URL: 'postgresql://store:secret-7@db.example.com:5432/store?sslmode=require&password=secret-7',
    };
    const { message } = problemsOf(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'x', ...secrets }));
    expect(message).to.include('SECRET_KEY must be at least 16 characters long');
    expect(message).to.include('CLOUDINARY_URL must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME');
    expect(message).to.include('SMTP_URL must be a URL, got "smtp://mailer:***@[smtp"');
    expect(message).not.to.match(/secret-\d/);
  });

  it('reads rate limits, lists and the Cloudinary URL', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      THROTTLE_REGISTER: '3/2h',
      FRONTEND_URL: 'https://shop.example.com/, http://localhost:5173',
      ALLOWED_HOSTS: 'api.example.com, LOCALHOST',
      CLOUDINARY_URL: 'cloudinary://key123:secret456@my-cloud',
    });
    expect(config.throttle.register).to.deep.include({ limit: 3, windowSeconds: 7200 });
    expect(config.frontendOrigins).to.deep.equal(['https://shop.example.com', 'http://localhost:5173']);
    expect(config.allowedHosts).to.deep.equal(['api.example.com', 'localhost']);
    expect(config.cloudinary).to.deep.include({ cloudName: 'my-cloud', apiKey: 'key123', apiSecret: 'secret456' });
  });

  it('reads the process settings: workers, the shutdown timeout, metrics off unless METRICS_PORT is set, prepared statements on unless turned off', () => {
    const defaults = loadConfig({ DATA_DIR: dataDir() });
    expect(defaults).to.deep.include({
      webConcurrency: undefined,
      shutdownTimeoutSeconds: 10,
      metrics: undefined,
      preparedStatements: true,
    });
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_PREPARED_STATEMENTS: 'false' })).to.deep.include({ preparedStatements: false });
    expect(problemsOf(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_PREPARED_STATEMENTS: 'sometimes' })).message).to.include(
      'DATABASE_PREPARED_STATEMENTS',
    );
    const set = loadConfig({
      DATA_DIR: dataDir(),
      WEB_CONCURRENCY: '3',
      SHUTDOWN_TIMEOUT: '25',
      METRICS_PORT: '9464',
      METRICS_TOKEN: 'a-metrics-token-long-enough',
    });
    expect(set).to.deep.include({ webConcurrency: 3, shutdownTimeoutSeconds: 25 });
    expect(set.metrics).to.deep.equal({ port: 9464, host: '127.0.0.1', token: 'a-metrics-token-long-enough' });

    const { message } = problemsOf(() =>
      loadConfig({ DATA_DIR: dataDir(), WEB_CONCURRENCY: '0', SHUTDOWN_TIMEOUT: 'soon', METRICS_TOKEN: 'short-token-1' }),
    );
    expect(message).to.include('WEB_CONCURRENCY must be a whole number from 1 to 256, got "0"');
    expect(message).to.include('SHUTDOWN_TIMEOUT must be a whole number from 1 to 3600, got "soon"');
    expect(message).to.include('METRICS_TOKEN must be at least 16 characters long');
    expect(message).to.include('METRICS_PORT is required when METRICS_TOKEN or METRICS_HOST is set');
    expect(message).not.to.include('short-token-1');
  });

  describe('the sections a command loads', () => {
    const serverOnlyProblems = { PORT: 'eighty', DEBUG: 'maybe', SECRET_KEY: 'short', THROTTLE_LOGIN: 'five', LOG_LEVEL: 'loud' };

    it('database: DATABASE_URL and DATA_DIR only, no SECRET_KEY needed, the server’s settings not judged', () => {
      const dir = dataDir();
      const url = 'postgres://store@db.example.com:5432/store';
      expect(loadDatabaseConfig({ DATABASE_URL: url, DATA_DIR: dir, ...serverOnlyProblems })).to.deep.equal({
        databaseUrl: url,
        dataDir: dir,
      });
      expect(loadDatabaseConfig({ DATA_DIR: dir })).to.deep.equal({ databaseUrl: undefined, dataDir: dir });
      const { message } = problemsOf(() => loadDatabaseConfig({ DATABASE_URL: 'mysql://store:pw@db/store', PORT: 'eighty' }));
      expect(message).to.equal(
        'Configuration error: DATABASE_URL must be a postgres: or postgresql: URL, got "mysql://store:***@db/store"',
      );
    });

    it('seed: the database, the media store and the catalogue file', () => {
      const dir = dataDir();
      const seed = loadSeedConfig({
        DATA_DIR: dir,
        CATALOGUE_FILE: ' more-products.json ',
        CLOUDINARY_URL: 'cloudinary://key123:secret456@my-cloud',
        ...serverOnlyProblems,
      });
      expect(seed).to.deep.include({ databaseUrl: undefined, dataDir: dir, catalogueFile: 'more-products.json' });
      expect(seed.cloudinary).to.deep.include({ cloudName: 'my-cloud', apiKey: 'key123', apiSecret: 'secret456' });
      expect(loadSeedConfig({ DATA_DIR: dir })).to.deep.equal({
        databaseUrl: undefined,
        dataDir: dir,
        cloudinary: undefined,
        catalogueFile: undefined,
      });
      const { problems } = problemsOf(() => loadSeedConfig({ DATA_DIR: dir, CLOUDINARY_API_KEY: 'key', DATABASE_URL: 'x' }));
      expect(problems).to.deep.equal([
        'DATABASE_URL must be a URL, got "x"',
        'CLOUDINARY_CLOUD_NAME is missing (the CLOUDINARY_* trio must be set together)',
        'CLOUDINARY_API_SECRET is missing (the CLOUDINARY_* trio must be set together)',
      ]);
    });

    it('server: everything, the database and media sections included', () => {
      const { problems } = problemsOf(() =>
        loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'x', CLOUDINARY_API_KEY: 'key', PORT: 'eighty' }),
      );
      expect(problems.map((problem) => problem.split(' ')[0])).to.have.members([
        'DATABASE_URL',
        'CLOUDINARY_CLOUD_NAME',
        'CLOUDINARY_API_SECRET',
        'SECRET_KEY',
        'PORT',
      ]);
    });
  });
});
