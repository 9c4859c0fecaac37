// Slugs come from the name ("Goku Tee" → "goku-tee"); a taken slug gets the next free suffix
// ("goku-tee-1", "goku-tee-2"...). The unique index on products.slug decides which is free (see
// Product.insertWithFreeSlug); this file only spells the candidates.
//
// Names in any script are transliterated to ASCII first (the transliteration library's tables):
// "खादी कुर्ता" becomes "khaadii-kurtaa" and "Straße" "strasse", where dropping every non-ASCII
// letter left "product" and "strae". Those tables are imported on the first slug spelled (a
// product created), so a server that creates none never loads them.
import { onFirstUse } from '../on-first-use.js';

/** The library's transliterate function, imported once, on first use. */
const loadTransliterate = onFirstUse(() => import('transliteration').then((module) => module.transliterate));

export async function slugify(name: string): Promise<string> {
  const transliterate = await loadTransliterate();
  const slug = transliterate(name.normalize('NFC'))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 255)
    .replace(/-+$/, '');
  return slug || 'product';
}

/** How many slugs one write tries before it gives up (each refused one was taken meanwhile). */
const ATTEMPTS = 20;

/**
 * The slugs to try for `base`, given the slugs of that family already in use: starting after the
 * highest suffix taken, so a popular name does not walk 1, 2, 3... one refused insert at a time.
 */
export function* slugCandidates(base: string, taken: string[]): Generator<string> {
  const suffixes = taken
    .map((slug) => (slug === base ? 0 : Number(slug.slice(base.length + 1))))
    .filter((suffix) => Number.isInteger(suffix) && suffix >= 0);
  let next = suffixes.length ? Math.max(...suffixes) + 1 : 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1, next += 1) yield next === 0 ? base : `${base}-${next}`;
}
