// Imports a catalogue file — products.json's format: {"products": [{id: "p01", name, price,
// category: "Men", image, description, stock}]} — into the products table. Each item is held to the
// rules of a staff member's create (the spec's ProductInput, then the same normalisation), so the
// spec stays the only source of them. It upserts by the item's `id`, so running it again changes
// nothing; a bad item is reported and skipped, never half-written. With Cloudinary, each image is
// uploaded by its URL under a public id derived from the item's id; the source URL is remembered
// in `image_source`, so a re-run uploads nothing new.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import { HttpError, type FieldErrors } from '../http/errors.js';
import type { MediaStore } from '../media/media-store.js';
import { checkAgainstSchema } from '../spec-schemas.js';
import { fieldsFromInput } from './product-input.js';
import { Product, type ImportedProduct, type ProductFields } from './product.model.js';

/** An item of the file that passed the API's rules: its id in the file, and the fields to store. */
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

/** The file's ids are kept in products.source_id, a varchar(100). */
const MAX_SOURCE_ID_LENGTH = 100;

/** "name: Ensure this field has at least 3 characters.; price: Enter an amount ..." */
function describeRefusal(fields: FieldErrors): string {
  return Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
    .join('; ');
}

function sourceIdErrors(id: string): FieldErrors {
  if (!id) return { id: ['This field is required.'] };
  if (id.length > MAX_SOURCE_ID_LENGTH) return { id: [`Ensure this field has no more than ${MAX_SOURCE_ID_LENGTH} characters.`] };
  return {};
}

/**
 * The file's item as the API's ProductInput. The file writes prices as numbers and categories
 * capitalised ("Men"), which the API accepts as they are; an item without stock has none, and an
 * empty image is no image.
 */
function asProductInput(item: Record<string, unknown>): Record<string, unknown> {
  const image = typeof item.image === 'string' ? item.image.trim() || null : (item.image ?? null);
  return {
    name: item.name,
    price: item.price,
    category: item.category,
    description: item.description,
    stock: item.stock ?? 0,
    image,
  };
}

/** Checks one raw item; returns the item or why it is refused, naming the fields and their messages. */
async function normaliseItem(raw: unknown, index: number): Promise<CatalogueItem | { id: string; reason: string }> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { id: `#${index + 1}`, reason: 'Expected an object.' };
  const item = raw as Record<string, unknown>;
  const id = typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id).trim() : '';
  const refuse = (fields: FieldErrors) => ({ id: id || `#${index + 1}`, reason: describeRefusal(fields) });
  const checked = await checkAgainstSchema('ProductInput', asProductInput(item));
  const idErrors = sourceIdErrors(id);
  if (!checked.ok) return refuse({ ...idErrors, ...checked.fields });
  if (Object.keys(idErrors).length) return refuse(idErrors);
  try {
    return { id, fields: fieldsFromInput(checked.value) as Required<ProductFields> };
  } catch (error) {
    if (error instanceof HttpError && error.fields) return refuse(error.fields);
    throw error;
  }
}

/** A catalogue file that cannot be imported at all; its message names the file and says why. */
export class CatalogueFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogueFileError';
  }
}

export async function readCatalogueFile(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CatalogueFileError(`Catalogue file ${file} does not exist (CATALOGUE_FILE names the file to import).`);
    throw new CatalogueFileError(`Catalogue file ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: { products?: unknown } | null;
  try {
    parsed = JSON.parse(text) as { products?: unknown } | null;
  } catch (error) {
    throw new CatalogueFileError(`Catalogue file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!parsed || !Array.isArray(parsed.products)) {
    throw new CatalogueFileError(`Catalogue file ${file} must be a JSON object {"products": [...]}.`);
  }
  return parsed.products as unknown[];
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
    const item = await normaliseItem(raw, index);
    let outcome: Outcome | 'failed';
    if ('reason' in item) {
      summary.failed.push(item);
      outcome = 'failed';
    } else if (seen.has(item.id)) {
      summary.failed.push({ id: item.id, reason: describeRefusal({ id: ['An earlier item of the file has this id.'] }) });
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

/** products.json's image URLs carry resizing parameters (`?format=webp&w=300`); the upload takes the full-size image. */
function withoutQuery(url: string): string {
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
