// Password hashing: argon2id for everything we write; Django's `pbkdf2_sha256$iterations$salt$hash`
// accepted on read so accounts moved over from the Django backend keep working, and re-hashed to
// argon2id on their first successful login.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import argon2 from 'argon2';

const pbkdf2Async = promisify(pbkdf2);

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
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

export async function checkPassword(stored: string, password: string): Promise<PasswordCheck> {
  const django = DJANGO_PBKDF2.exec(stored);
  if (django) return { ok: await verifyDjango(django, password), needsRehash: true };
  if (!stored.startsWith('$argon2')) return { ok: false, needsRehash: false };
  try {
    const ok = await argon2.verify(stored, password);
    return { ok, needsRehash: ok && argon2.needsRehash(stored, ARGON2_OPTIONS) };
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
