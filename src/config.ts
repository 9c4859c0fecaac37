// Configuration is read once, from the environment (and an optional .env file loaded by main.ts),
// into one typed object. A bad value stops start-up with one line naming the variable.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
  text: string;
}

export interface Config {
  port: number;
  /** PostgreSQL connection string; undefined means the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string;
  debug: boolean;
  /** Hosts accepted in the Host header; empty means any (local development). */
  allowedHosts: string[];
  /** Origins allowed for CORS with credentials and trusted for cookie-authenticated writes. */
  frontendOrigins: string[];
  /** The first FRONTEND_URL, used to build links (payment success page, e-mail links). */
  frontendUrl: string;
  currency: string;
  stripe: {
    secretKey: string | undefined;
    publishableKey: string | undefined;
    webhookSecret: string | undefined;
    apiBase: URL | undefined;
    checkoutExpiryMinutes: number;
  };
  cloudinary: { cloudName: string; apiKey: string; apiSecret: string; apiBase: string | undefined } | undefined;
  google: { clientId: string | undefined; certsUrl: string | undefined };
  mail: { smtpUrl: string | undefined; from: string };
  throttle: { login: RateLimit; register: RateLimit; verification: RateLimit; passwordReset: RateLimit };
  requireEmailVerification: boolean;
  logLevel: string;
  /** Trust X-Forwarded-* headers (behind a reverse proxy): client IPs for throttling, https for cookies. */
  trustProxy: boolean;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ConfigError(name, `must be True or False, got "${value}"`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function url(name: string, value: string, protocols: string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must be a ${protocols.join(' or ')} URL, got "${value}"`);
  }
  return parsed;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses rate limits written like `5/15m` or `20/1h`. */
export function parseRateLimit(name: string, value: string): RateLimit {
  const match = /^(\d+)\s*\/\s*(\d*)([smhd])$/.exec(value.trim());
  if (!match || Number(match[1]) < 1) {
    throw new ConfigError(name, `must look like 5/15m or 20/1h, got "${value}"`);
  }
  const windowSeconds = Number(match[2] || '1') * UNIT_SECONDS[match[3]!]!;
  if (windowSeconds < 1) throw new ConfigError(name, `needs a window of at least one second, got "${value}"`);
  return { limit: Number(match[1]), windowSeconds, text: value.trim() };
}

function rateLimit(env: Env, name: string, fallback: string): RateLimit {
  return parseRateLimit(name, text(env, name) ?? fallback);
}

export function cloudinaryConfig(env: Env): Config['cloudinary'] {
  const apiBase = text(env, 'CLOUDINARY_API_BASE');
  if (apiBase) url('CLOUDINARY_API_BASE', apiBase, ['http:', 'https:']);
  const cloudinaryUrl = text(env, 'CLOUDINARY_URL');
  if (cloudinaryUrl) {
    const parsed = url('CLOUDINARY_URL', cloudinaryUrl, ['cloudinary:']);
    if (!parsed.username || !parsed.password || !parsed.hostname) {
      throw new ConfigError('CLOUDINARY_URL', 'must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME');
    }
    return {
      cloudName: parsed.hostname,
      apiKey: decodeURIComponent(parsed.username),
      apiSecret: decodeURIComponent(parsed.password),
      apiBase,
    };
  }
  const trio = ['CLOUDINARY_CLOUD_NAME', 'CLOUDINARY_API_KEY', 'CLOUDINARY_API_SECRET'] as const;
  const values = trio.map((name) => text(env, name));
  if (values.every((value) => value === undefined)) return undefined;
  const missing = trio.filter((_, index) => values[index] === undefined);
  if (missing.length) throw new ConfigError(missing[0]!, 'is missing (the CLOUDINARY_* trio must be set together)');
  return { cloudName: values[0]!, apiKey: values[1]!, apiSecret: values[2]!, apiBase };
}

/**
 * SECRET_KEY signs every session token. On a real database it must be given; on the embedded one
 * (local use) a random key is generated once and kept in the data directory so sessions survive
 * restarts.
 */
function secretKey(env: Env, databaseUrl: string | undefined, dataDir: string): string {
  const given = text(env, 'SECRET_KEY');
  if (given) {
    if (given.length < 16) throw new ConfigError('SECRET_KEY', 'must be at least 16 characters long');
    return given;
  }
  if (databaseUrl) throw new ConfigError('SECRET_KEY', 'is required when DATABASE_URL is set');
  const file = path.join(dataDir, 'secret_key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  writeFileSync(file, generated, { mode: 0o600 });
  return generated;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = text(env, 'DATABASE_URL');
  if (databaseUrl) url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);
  const dataDir = path.resolve(text(env, 'DATA_DIR') ?? 'data');

  const frontendList = (text(env, 'FRONTEND_URL') ?? 'http://localhost:5173')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const frontendOrigins = frontendList.map((entry) => url('FRONTEND_URL', entry, ['http:', 'https:']).origin);

  const currency = (text(env, 'CURRENCY') ?? 'inr').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw new ConfigError('CURRENCY', `must be a three-letter ISO code, got "${currency}"`);

  const stripeApiBase = text(env, 'STRIPE_API_BASE');
  const googleCertsUrl = text(env, 'GOOGLE_CERTS_URL');
  if (googleCertsUrl) url('GOOGLE_CERTS_URL', googleCertsUrl, ['http:', 'https:']);
  const smtpUrl = text(env, 'SMTP_URL');
  if (smtpUrl) url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']);

  const logLevel = text(env, 'LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }

  return {
    port: integer(env, 'PORT', 8000, 0, 65535),
    databaseUrl,
    dataDir,
    secretKey: secretKey(env, databaseUrl, dataDir),
    debug: bool(env, 'DEBUG', false),
    allowedHosts: (text(env, 'ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    frontendOrigins,
    frontendUrl: frontendList[0]!.replace(/\/+$/, ''),
    currency,
    stripe: {
      secretKey: text(env, 'STRIPE_SECRET_KEY'),
      publishableKey: text(env, 'STRIPE_PUBLISHABLE_KEY'),
      webhookSecret: text(env, 'STRIPE_WEBHOOK_SECRET'),
      apiBase: stripeApiBase ? url('STRIPE_API_BASE', stripeApiBase, ['http:', 'https:']) : undefined,
      checkoutExpiryMinutes: integer(env, 'STRIPE_CHECKOUT_EXPIRY_MINUTES', 30, 30, 1440),
    },
    cloudinary: cloudinaryConfig(env),
    google: { clientId: text(env, 'GOOGLE_CLIENT_ID'), certsUrl: googleCertsUrl },
    mail: { smtpUrl, from: text(env, 'MAIL_FROM') ?? 'Store <no-reply@localhost>' },
    throttle: {
      login: rateLimit(env, 'THROTTLE_LOGIN', '5/15m'),
      register: rateLimit(env, 'THROTTLE_REGISTER', '20/1h'),
      verification: rateLimit(env, 'THROTTLE_VERIFICATION', '5/1h'),
      passwordReset: rateLimit(env, 'THROTTLE_PASSWORD_RESET', '5/1h'),
    },
    requireEmailVerification: bool(env, 'REQUIRE_EMAIL_VERIFICATION', false),
    logLevel,
    trustProxy: bool(env, 'TRUST_PROXY', false),
  };
}
