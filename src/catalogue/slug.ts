// Slugs come from the name ("Goku Tee" → "goku-tee"); a taken slug gets the next free suffix
// ("goku-tee-1", "goku-tee-2"...). The unique index decides, so two products of one name created
// at the same moment still get different slugs.
import type { Knex } from 'knex';
import { PG, pgConstraint, pgErrorCode } from '../db.js';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 255)
    .replace(/-+$/, '');
  return slug || 'product';
}

function isSlugTaken(error: unknown): boolean {
  return pgErrorCode(error) === PG.uniqueViolation && (pgConstraint(error) ?? '').includes('slug');
}

/**
 * Runs `write(slug)` with "name", then "name-1", "name-2"... until the unique index accepts one.
 * Each attempt runs in a savepoint, so a refused slug does not abort the caller's transaction.
 */
export async function withUniqueSlug<T>(
  db: Knex | Knex.Transaction,
  name: string,
  write: (slug: string, trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  const base = slugify(name);
  // Start after the highest suffix already in use instead of walking 1, 2, 3... one by one.
  const taken = await db('products')
    .where('slug', base)
    .orWhere('slug', 'like', `${base.replace(/[\\%_]/g, '\\$&')}-%`)
    .pluck('slug');
  const suffixes = taken
    .map((slug: string) => (slug === base ? 0 : Number(slug.slice(base.length + 1))))
    .filter((suffix: number) => Number.isInteger(suffix) && suffix >= 0);
  let next = suffixes.length ? Math.max(...suffixes) + 1 : 0;
  for (let attempt = 0; attempt < 20; attempt += 1, next += 1) {
    const slug = next === 0 ? base : `${base}-${next}`;
    try {
      return await db.transaction((trx) => write(slug, trx));
    } catch (error) {
      if (!isSlugTaken(error)) throw error;
    }
  }
  throw new Error(`Could not find a free slug for "${name}"`);
}
