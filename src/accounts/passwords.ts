// Password hashing: argon2id for everything we write; Django's `pbkdf2_sha256$iterations$salt$hash`
// accepted on read so accounts moved over from the Django backend keep working, and re-hashed to
// argon2id on their first successful login. @node-rs/argon2 ships a prebuilt binary per platform
// (no install script, no compiler) and reads the PHC strings the `argon2` package wrote before it.
//
// Each hash costs ~19 MiB and tens of milliseconds of a core, and anyone can ask for one (login,
// registration, reset). PasswordHashSlots bounds how many run at once in this process and how many
// may wait; past that the request is refused at once with 503 + Retry-After instead of piling up.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import { HttpError } from '../http/errors.js';

const pbkdf2Async = promisify(pbkdf2);

// Algorithm is an ambient const enum (unusable under isolatedModules); 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;
// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash is not argon2id with the current parameters; store hashPassword() instead. */
  needsRehash: boolean;
}

const DJANGO_PBKDF2 = /^pbkdf2_sha256\$(\d{1,7})\$([^$]+)\$([A-Za-z0-9+/=]+)$/;

async function verifyDjango(stored: RegExpExecArray, password: string): Promise<boolean> {
  const iterations = Number(stored[1]);
  const expected = Buffer.from(stored[3]!, 'base64');
  if (iterations < 1 || expected.length !== 32) return false;
  const actual = await pbkdf2Async(password, stored[2]!, iterations, 32, 'sha256');
  return timingSafeEqual(actual, expected);
}

function argon2NeedsRehash(stored: string): boolean {
  const used = parseOptions(stored);
  return (
    used.algorithm !== ARGON2_OPTIONS.algorithm ||
    used.memoryCost !== ARGON2_OPTIONS.memoryCost ||
    used.timeCost !== ARGON2_OPTIONS.timeCost ||
    used.parallelism !== ARGON2_OPTIONS.parallelism
  );
}

export async function checkPassword(stored: string, password: string): Promise<PasswordCheck> {
  const django = DJANGO_PBKDF2.exec(stored);
  if (django) return { ok: await verifyDjango(django, password), needsRehash: true };
  if (!stored.startsWith('$argon2')) return { ok: false, needsRehash: false };
  try {
    const ok = await verify(stored, password);
    return { ok, needsRehash: ok && argon2NeedsRehash(stored) };
  } catch {
    return { ok: false, needsRehash: false };
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real check when there is no password to check (unknown email,
 * Google-only account), so response time does not tell which emails have accounts.
 */
export async function spendPasswordCheckTime(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64'));
  await checkPassword(await dummyHash, password);
}

/** What a refused caller is told: the wait is short, a hash takes well under a second. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * A counting semaphore with a bounded queue: at most `concurrency` password hashes (or checks) run
 * at once; up to `queue` more wait their turn, first come first served; anyone beyond that gets 503
 * with Retry-After at once, before any work is spent on them.
 */
export class PasswordHashSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        throw new HttpError(503, 'service_unavailable', 'The server is busy checking passwords. Try again in a moment.', {
          headers: { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
        });
      }
      // The slot is handed over by the finishing caller (running stays counted), so nobody overtakes.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

const slotsByConfig = new WeakMap<object, PasswordHashSlots>();

/** The hash slots of a server (one per configuration: per process in production, per test server in tests). */
export function passwordHashSlots(config: { passwordHashing: { concurrency: number; queue: number } }): PasswordHashSlots {
  let slots = slotsByConfig.get(config);
  if (!slots) {
    slots = new PasswordHashSlots(config.passwordHashing.concurrency, config.passwordHashing.queue);
    slotsByConfig.set(config, slots);
  }
  return slots;
}
