// Configuration comes from the environment (and an optional .env file loaded by each command) into
// typed sections. A command loads the sections it needs: the server all of them, the knex CLI and
// createsuperuser the database, the seed the database and media. A bad configuration is reported
// whole — one line per bad variable — and no secret is ever echoed back: secret variables are
// never shown, and a URL is shown with its password masked.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
  text: string;
}

export interface DatabaseConfig {
  /** PostgreSQL connection string; undefined means the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
}

export interface MediaConfig {
  dataDir: string;
  /** Media on Cloudinary; undefined keeps images under dataDir. */
  cloudinary: { cloudName: string; apiKey: string; apiSecret: string; apiBase: string | undefined } | undefined;
}

export interface SeedConfig extends DatabaseConfig, MediaConfig {
  /** The catalogue file the seed imports; undefined means the project's products.json. */
  catalogueFile: string | undefined;
}

/** How long the server waits on the database before a request is answered 503 instead (milliseconds; 0: no limit). */
export interface DatabaseTimeouts {
  /** Opening a connection to PostgreSQL. */
  connectMs: number;
  /** Waiting for a free connection of the pool. */
  acquireMs: number;
  /** One statement (PostgreSQL's statement_timeout). */
  statementMs: number;
}

export interface Config extends DatabaseConfig, MediaConfig {
  port: number;
  /** Connections of this process's pool (PostgreSQL). */
  poolMax: number;
  /** Whether the catalogue's hot statements are prepared under a name (DATABASE_PREPARED_STATEMENTS; see runStatement). */
  preparedStatements: boolean;
  databaseTimeouts: DatabaseTimeouts;
  /** The time from a request's arrival (with its body) to its answer, after which it is answered 503. */
  responseTimeoutSeconds: number;
  secretKey: string;
  debug: boolean;
  /** Hosts accepted in the Host header; empty means any (local development). */
  allowedHosts: string[];
  /** Origins allowed for CORS with credentials and trusted for cookie-authenticated writes. */
  frontendOrigins: string[];
  /** The first FRONTEND_URL, used to build links (payment success page, e-mail links). */
  frontendUrl: string;
  currency: string;
  /** How long a client may take to send its headers and its whole request, and a connection stay idle between requests. */
  http: { clientHeadersTimeoutMs: number; clientRequestTimeoutMs: number; keepAliveTimeoutMs: number };
  // STRIPE_PUBLISHABLE_KEY is the storefront's setting: the backend never reads it.
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    apiBase: URL | undefined;
    checkoutExpiryMinutes: number;
  };
  google: { clientId: string | undefined; certsUrl: string | undefined };
  mail: { smtpUrl: string | undefined; from: string };
  throttle: {
    /** Failed logins per email + client address. */
    login: RateLimit;
    /** Failed logins per email, whatever the address (a botnet's guesses add up here). */
    loginAccount: RateLimit;
    register: RateLimit;
    verification: RateLimit;
    /** Reset mails per email. */
    passwordReset: RateLimit;
    /** Reset mails per client address (spraying many accounts). */
    passwordResetIp: RateLimit;
    /** Reset confirmations per client address. */
    passwordResetConfirm: RateLimit;
  };
  /** Password hashes (and checks) run at once per process, and how many more may wait. */
  passwordHashing: { concurrency: number; queue: number };
  /** Seconds in which a just-rotated refresh token still works for concurrent callers (two tabs). */
  refreshReuseGraceSeconds: number;
  /** Login, registration and Google sign-in also answer `access` and `refresh` in their bodies. */
  tokensInBody: boolean;
  requireEmailVerification: boolean;
  /** Limits against stock hoarding (src/orders/checkout-limits.ts). */
  checkoutLimits: { maxPerProduct: number; maxOpenCardCheckouts: number; unverifiedCodOrdersPerDay: number };
  logLevel: string;
  /** Trust X-Forwarded-* headers (behind a reverse proxy): client IPs for throttling, https for cookies. */
  trustProxy: boolean;
  /** Worker processes on PostgreSQL (WEB_CONCURRENCY); undefined means one per core. */
  webConcurrency: number | undefined;
  /** How long a stopping server waits for requests in flight before cutting them off. */
  shutdownTimeoutSeconds: number;
  /** The Prometheus endpoint; undefined (METRICS_PORT unset) means none. */
  metrics: { port: number; host: string; token: string | undefined } | undefined;
}

/** Every problem of a configuration, one line each: `Configuration error: VARIABLE problem`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.map((problem) => `Configuration error: ${problem}`).join('\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * A URL as it may be shown: any password (`user:password@`, or libpq's `?password=`) replaced by
 * `***`, also in text that does not parse.
 */
function maskUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password || parsed.searchParams.has('password')) {
      if (parsed.password) parsed.password = '***';
      if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
      return parsed.href;
    }
  } catch {
    // Not a URL: masked below like one.
  }
  // `[scheme://]user:password@...`, written in a way the URL parser does not take apart.
  return value.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^:@/]*:).*@/i, '$1***@');
}

/** Reads variables, collecting every problem rather than stopping at the first. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  problem(variable: string, text: string): void {
    this.problems.push(`${variable} ${text}`);
  }

  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(value)) return true;
    if (/^(false|0|no|off)$/i.test(value)) return false;
    this.problem(name, `must be True or False, got "${value}"`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problem(name, `must be a whole number from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return Number(value);
  }

  /** A URL with one of the protocols; undefined (and a problem) when it is not one. */
  url(name: string, value: string, protocols: string[]): URL | undefined {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problem(name, `must be a URL, got "${maskUrl(value)}"`);
      return undefined;
    }
    if (!protocols.includes(parsed.protocol)) {
      this.problem(name, `must be a ${protocols.join(' or ')} URL, got "${maskUrl(value)}"`);
      return undefined;
    }
    return parsed;
  }

  optionalUrl(name: string, protocols: string[]): URL | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : this.url(name, value, protocols);
  }

  /** A value that is never shown, whatever is wrong with it. */
  secret(name: string, minLength = 1): string | undefined {
    const value = this.text(name);
    if (value !== undefined && value.length < minLength) {
      this.problem(name, `must be at least ${minLength} characters long`);
      return undefined;
    }
    return value;
  }

  rateLimit(name: string, fallback: string): RateLimit {
    const value = this.text(name) ?? fallback;
    const parsed = parseRateLimit(value);
    if (typeof parsed === 'string') {
      this.problem(name, parsed);
      return parseRateLimit(fallback) as RateLimit;
    }
    return parsed;
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses rate limits written like `5/15m` or `20/1h`; a string says what is wrong. */
function parseRateLimit(value: string): RateLimit | string {
  const match = /^(\d+)\s*\/\s*(\d*)([smhd])$/.exec(value.trim());
  if (!match || Number(match[1]) < 1) return `must look like 5/15m or 20/1h, got "${value}"`;
  const windowSeconds = Number(match[2] || '1') * UNIT_SECONDS[match[3]!]!;
  if (windowSeconds < 1) return `needs a window of at least one second, got "${value}"`;
  return { limit: Number(match[1]), windowSeconds, text: value.trim() };
}

// ---------------------------------------------------------------- sections

function dataDir(read: EnvReader): string {
  return path.resolve(read.text('DATA_DIR') ?? 'data');
}

function database(read: EnvReader): DatabaseConfig {
  const databaseUrl = read.text('DATABASE_URL');
  if (databaseUrl) read.url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);
  return { databaseUrl, dataDir: dataDir(read) };
}

function cloudinary(read: EnvReader): MediaConfig['cloudinary'] {
  const apiBase = read.text('CLOUDINARY_API_BASE');
  if (apiBase) read.url('CLOUDINARY_API_BASE', apiBase, ['http:', 'https:']);
  const cloudinaryUrl = read.text('CLOUDINARY_URL');
  if (cloudinaryUrl) {
    const parsed = read.url('CLOUDINARY_URL', cloudinaryUrl, ['cloudinary:']);
    if (!parsed) return undefined;
    if (!parsed.username || !parsed.password || !parsed.hostname) {
      read.problem('CLOUDINARY_URL', 'must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME');
      return undefined;
    }
    return {
      cloudName: parsed.hostname,
      apiKey: decodeURIComponent(parsed.username),
      apiSecret: decodeURIComponent(parsed.password),
      apiBase,
    };
  }
  const cloudName = read.text('CLOUDINARY_CLOUD_NAME');
  const apiKey = read.text('CLOUDINARY_API_KEY');
  const apiSecret = read.secret('CLOUDINARY_API_SECRET');
  if (cloudName && apiKey && apiSecret) return { cloudName, apiKey, apiSecret, apiBase };
  if (cloudName || apiKey || apiSecret) {
    const given = { CLOUDINARY_CLOUD_NAME: cloudName, CLOUDINARY_API_KEY: apiKey, CLOUDINARY_API_SECRET: apiSecret };
    for (const [name, value] of Object.entries(given)) {
      if (value === undefined) read.problem(name, 'is missing (the CLOUDINARY_* trio must be set together)');
    }
  }
  return undefined;
}

function media(read: EnvReader): MediaConfig {
  return { dataDir: dataDir(read), cloudinary: cloudinary(read) };
}

function httpTimeouts(read: EnvReader): Config['http'] {
  const clientHeadersTimeoutMs = read.integer('CLIENT_HEADERS_TIMEOUT_MS', 15_000, 1000, 600_000);
  const clientRequestTimeoutMs = read.integer('CLIENT_REQUEST_TIMEOUT_MS', 60_000, 1000, 3_600_000);
  const keepAliveTimeoutMs = read.integer('KEEP_ALIVE_TIMEOUT_MS', 5000, 1000, 600_000);
  if (clientRequestTimeoutMs < clientHeadersTimeoutMs) {
    read.problem(
      'CLIENT_REQUEST_TIMEOUT_MS',
      `must be at least CLIENT_HEADERS_TIMEOUT_MS (${clientHeadersTimeoutMs}), got "${clientRequestTimeoutMs}"`,
    );
  }
  return { clientHeadersTimeoutMs, clientRequestTimeoutMs, keepAliveTimeoutMs };
}

/** The server's settings; secretKey is undefined when the embedded database may generate one. */
function server(read: EnvReader): Omit<Config, 'secretKey'> & { secretKey: string | undefined } {
  const databaseSection = database(read);
  const mediaSection = media(read);
  const secretKey = read.secret('SECRET_KEY', 16);
  if (!read.text('SECRET_KEY') && databaseSection.databaseUrl) read.problem('SECRET_KEY', 'is required when DATABASE_URL is set');

  const frontendList = (read.text('FRONTEND_URL') ?? 'http://localhost:5173')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!frontendList.length) read.problem('FRONTEND_URL', 'must name at least one storefront origin');
  const frontendOrigins = frontendList.flatMap((entry) => read.url('FRONTEND_URL', entry, ['http:', 'https:'])?.origin ?? []);

  const currency = (read.text('CURRENCY') ?? 'inr').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) read.problem('CURRENCY', `must be a three-letter ISO code, got "${currency}"`);

  const logLevel = read.text('LOG_LEVEL') ?? 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) read.problem('LOG_LEVEL', `must be one of ${levels.join(', ')}, got "${logLevel}"`);

  const googleCertsUrl = read.text('GOOGLE_CERTS_URL');
  if (googleCertsUrl) read.url('GOOGLE_CERTS_URL', googleCertsUrl, ['http:', 'https:']);
  const smtpUrl = read.text('SMTP_URL');
  if (smtpUrl) read.url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']);

  const metricsPort = read.text('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 9464, 1, 65535);
  const metricsHost = read.text('METRICS_HOST') ?? '127.0.0.1';
  const metricsToken = read.secret('METRICS_TOKEN', 16);
  if (metricsPort === undefined && (read.text('METRICS_TOKEN') || read.text('METRICS_HOST'))) {
    read.problem('METRICS_PORT', 'is required when METRICS_TOKEN or METRICS_HOST is set (the metrics are served on a port of their own)');
  }
  const databaseTimeouts = {
    connectMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 5000, 0, 600_000),
    acquireMs: read.integer('DATABASE_ACQUIRE_TIMEOUT_MS', 5000, 1, 600_000),
    statementMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 0, 86_400_000),
  };
  const responseTimeoutSeconds = read.integer('RESPONSE_TIMEOUT_SECONDS', 15, 1, 600);

  return {
    ...databaseSection,
    ...mediaSection,
    port: read.integer('PORT', 8000, 0, 65535),
    poolMax: read.integer('DATABASE_POOL_MAX', 10, 1, 1000),
    preparedStatements: read.bool('DATABASE_PREPARED_STATEMENTS', true),
    databaseTimeouts,
    responseTimeoutSeconds,
    secretKey,
    debug: read.bool('DEBUG', false),
    allowedHosts: (read.text('ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    frontendOrigins,
    frontendUrl: (frontendList[0] ?? '').replace(/\/+$/, ''),
    currency,
    http: httpTimeouts(read),
    stripe: {
      secretKey: read.secret('STRIPE_SECRET_KEY'),
      webhookSecret: read.secret('STRIPE_WEBHOOK_SECRET'),
      apiBase: read.optionalUrl('STRIPE_API_BASE', ['http:', 'https:']),
      checkoutExpiryMinutes: read.integer('STRIPE_CHECKOUT_EXPIRY_MINUTES', 30, 30, 1440),
    },
    google: { clientId: read.text('GOOGLE_CLIENT_ID'), certsUrl: googleCertsUrl },
    mail: { smtpUrl, from: read.text('MAIL_FROM') ?? 'Store <no-reply@localhost>' },
    throttle: {
      login: read.rateLimit('THROTTLE_LOGIN', '5/15m'),
      register: read.rateLimit('THROTTLE_REGISTER', '20/1h'),
      verification: read.rateLimit('THROTTLE_VERIFICATION', '5/1h'),
      passwordReset: read.rateLimit('THROTTLE_PASSWORD_RESET', '5/1h'),
      loginAccount: read.rateLimit('THROTTLE_LOGIN_ACCOUNT', '10/5m'),
      passwordResetIp: read.rateLimit('THROTTLE_PASSWORD_RESET_IP', '20/1h'),
      passwordResetConfirm: read.rateLimit('THROTTLE_PASSWORD_RESET_CONFIRM', '10/15m'),
    },
    passwordHashing: {
      concurrency: read.integer('PASSWORD_HASH_CONCURRENCY', 4, 1, 64),
      queue: read.integer('PASSWORD_HASH_QUEUE', 16, 0, 10000),
    },
    refreshReuseGraceSeconds: read.integer('REFRESH_REUSE_GRACE_SECONDS', 10, 0, 300),
    tokensInBody: read.bool('AUTH_TOKENS_IN_BODY', false),
    requireEmailVerification: read.bool('REQUIRE_EMAIL_VERIFICATION', false),
    checkoutLimits: {
      maxPerProduct: read.integer('ORDER_MAX_PER_PRODUCT', 10, 1, 99),
      maxOpenCardCheckouts: read.integer('MAX_OPEN_CARD_CHECKOUTS', 3, 1, 100),
      unverifiedCodOrdersPerDay: read.integer('UNVERIFIED_COD_ORDERS_PER_DAY', 2, 0, 1000),
    },
    logLevel,
    trustProxy: read.bool('TRUST_PROXY', false),
    webConcurrency: read.text('WEB_CONCURRENCY') === undefined ? undefined : read.integer('WEB_CONCURRENCY', 1, 1, 256),
    shutdownTimeoutSeconds: read.integer('SHUTDOWN_TIMEOUT', 10, 1, 3600),
    metrics: metricsPort === undefined ? undefined : { port: metricsPort, host: metricsHost, token: metricsToken },
  };
}

function load<T>(env: Env, sections: (read: EnvReader) => T): T {
  const read = new EnvReader(env);
  const value = sections(read);
  if (read.problems.length) throw new ConfigError(read.problems);
  return value;
}

/**
 * SECRET_KEY signs every session token. On PostgreSQL it must be given; on the embedded database
 * (local use) a random key is generated once and kept in the data directory so sessions survive
 * restarts.
 */
function generatedSecretKey(dataDir: string): string {
  const file = path.join(dataDir, 'secret_key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  writeFileSync(file, generated, { mode: 0o600 });
  return generated;
}

/** The database settings alone (the knex CLI, createsuperuser): no SECRET_KEY needed. */
export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  return load(env, database);
}

/** The catalogue seed's settings: the database, where media go, and the file to import. */
export function loadSeedConfig(env: Env = process.env): SeedConfig {
  return load(env, (read) => ({ ...database(read), ...media(read), catalogueFile: read.text('CATALOGUE_FILE') }));
}

/** Everything the server needs. */
export function loadConfig(env: Env = process.env): Config {
  const config = load(env, server);
  return { ...config, secretKey: config.secretKey ?? generatedSecretKey(config.dataDir) };
}

/** For commands: the configuration, or its problems on stderr and exit status 1. */
export function configOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
