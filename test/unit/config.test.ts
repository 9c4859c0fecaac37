import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'config-'));

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
      [{ DATABASE_URL: 'postgres://127.0.0.1/x' }, /^Configuration error: SECRET_KEY is required when DATABASE_URL is set/],
      [{ SECRET_KEY: 'short' }, /^Configuration error: SECRET_KEY must be at least 16 characters/],
      [{ FRONTEND_URL: 'not a url' }, /^Configuration error: FRONTEND_URL must be a URL/],
      [{ CURRENCY: 'rupees' }, /^Configuration error: CURRENCY/],
      [{ THROTTLE_LOGIN: 'five' }, /^Configuration error: THROTTLE_LOGIN must look like 5\/15m/],
      [{ CLOUDINARY_CLOUD_NAME: 'demo' }, /^Configuration error: CLOUDINARY_API_KEY is missing/],
      [{ STRIPE_API_BASE: 'ftp://x' }, /^Configuration error: STRIPE_API_BASE must be a http: or https: URL/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), ...env }), JSON.stringify(env)).to.throw(ConfigError, message);
    }
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
});
