// Imports a catalogue file in the original backend's format ({"products": [{id: "p01", name,
// price, category: "Men", image, description, stock}]}) into the products table. It upserts by the
// item's `id`, so running it again changes nothing; a bad item is reported and skipped, never
// half-written. With Cloudinary, each image is uploaded by its URL under a public id derived from
// the item's id; the source URL is remembered in `image_source`, so a re-run uploads nothing new.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { MediaStore } from '../media/media-store.js';
import { formatMinorUnits, toMinorUnits } from '../money.js';
import { Product, type ImportedProduct, type ProductFields } from './product.model.js';

/** An item of the file that passed the product rules: its id in the file, and the fields to store. */
export interface CatalogueItem {
  id: string;
  fields: Required<ProductFields>;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: { id: string; reason: string }[];
}

const MAX_PRICE_MINOR = 1_000_000 * 100;

/** Checks one raw item against the product rules; returns the normalised item or why it is refused. */
export function normaliseItem(raw: unknown, index: number): CatalogueItem | { id: string; reason: string } {
  const item = (raw ?? {}) as Record<string, unknown>;
  const id = typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id).trim() : '';
  const label = id || `#${index + 1}`;
  const refuse = (reason: string) => ({ id: label, reason });
  if (!id || id.length > 100) return refuse('id must be a non-empty string of at most 100 characters');
  const name = typeof item.name === 'string' ? item.name.trim() : '';
  if (name.length < 3 || name.length > 255) return refuse('name must be 3–255 characters');
  let priceMinor: number;
  try {
    if (typeof item.price !== 'string' && typeof item.price !== 'number') throw new RangeError();
    priceMinor = toMinorUnits(item.price);
  } catch {
    return refuse(`price must be an amount with at most two decimals, got ${JSON.stringify(item.price)}`);
  }
  if (priceMinor > MAX_PRICE_MINOR) return refuse('price must be at most 1000000');
  const category = typeof item.category === 'string' ? item.category.trim().toLowerCase() : '';
  if (category !== 'men' && category !== 'women') return refuse(`category must be men or women, got ${JSON.stringify(item.category)}`);
  const description = typeof item.description === 'string' ? item.description.trim() : '';
  if (description.length < 10) return refuse('description must be at least 10 characters');
  const stock = item.stock ?? 0;
  if (typeof stock !== 'number' || !Number.isInteger(stock) || stock < 0 || stock > 1_000_000) {
    return refuse('stock must be a whole number from 0 to 1000000');
  }
  const image = typeof item.image === 'string' && item.image.trim() ? item.image.trim() : null;
  return { id, fields: { name, price: formatMinorUnits(priceMinor), category, image, image_source: null, description, stock } };
}

export async function readCatalogueFile(file: string): Promise<unknown[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { products?: unknown };
  if (!parsed || !Array.isArray(parsed.products)) throw new Error(`${file}: expected {"products": [...]}`);
  return parsed.products;
}

export interface ImportOptions {
  /** Where images are uploaded; without one (or with the local store) the source URL is kept. */
  media?: MediaStore | undefined;
  onProgress?: (done: number, total: number, item: { id: string; outcome: string }) => void;
}

type Outcome = 'created' | 'updated' | 'unchanged';

export async function importCatalogue(db: Knex, rawItems: unknown[], options: ImportOptions = {}): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, failed: [] };
  const seen = new Set<string>();
  for (const [index, raw] of rawItems.entries()) {
    const item = normaliseItem(raw, index);
    let outcome: Outcome | 'failed';
    if ('reason' in item) {
      summary.failed.push(item);
      outcome = 'failed';
    } else if (seen.has(item.id)) {
      summary.failed.push({ id: item.id, reason: 'duplicate id in the file' });
      outcome = 'failed';
    } else {
      seen.add(item.id);
      try {
        outcome = await upsertItem(db, item, options.media);
        summary[outcome] += 1;
      } catch (error) {
        outcome = 'failed';
        summary.failed.push({ id: item.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    options.onProgress?.(index + 1, rawItems.length, { id: item.id, outcome });
  }
  return summary;
}

/** The original's image URLs carry resizing parameters (`?format=webp&w=300`); the upload takes the original. */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/, '');
}

/**
 * Cloudinary public id of an imported item's image: stable across runs, so re-uploads replace.
 * An id with characters a public id cannot carry gets a digest of the real id appended, so two
 * items ("p.01", "p_01") never share — and overwrite — one image.
 */
export function importedImagePublicId(sourceId: string): string {
  const safe = sourceId.replace(/[^A-Za-z0-9_-]+/g, '_');
  if (safe === sourceId) return `products/${safe}`;
  return `products/${safe}-${createHash('sha256').update(sourceId).digest('hex').slice(0, 10)}`;
}

/** The image to store and the source it came from: uploaded once per source URL, reused after. */
async function resolveImage(item: CatalogueItem, existing: ImportedProduct | undefined, media: MediaStore | undefined) {
  const { image } = item.fields;
  if (!image) return { image: null, image_source: null };
  if (!media || media.kind === 'local') return { image, image_source: image };
  const source = withoutQuery(image);
  if (existing?.image && existing.image_source === source && existing.image !== source) {
    return { image: existing.image, image_source: source };
  }
  return { image: await media.storeImage({ url: source }, importedImagePublicId(item.id)), image_source: source };
}

async function upsertItem(db: Knex, item: CatalogueItem, media: MediaStore | undefined): Promise<Outcome> {
  const existing = await Product.findImported(db, item.id);
  const fields = { ...item.fields, ...(await resolveImage(item, existing, media)) };
  if (!existing) {
    // Two seed runs at once: the unique source_id makes the second insert fail instead of duplicating.
    await Product.insertWithFreeSlug(db, { ...fields, source_id: item.id });
    return 'created';
  }
  return (await Product.updateImported(db, existing.id, fields)) ? 'updated' : 'unchanged';
}

export async function catalogueIsEmpty(db: Knex): Promise<boolean> {
  return await Product.noneExist(db);
}
