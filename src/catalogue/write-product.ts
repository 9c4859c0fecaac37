// The shared path of create, replace and update: the image (if a file came) is stored first, then
// the row is written in one statement. (The body parser removes the request's temporary files.)
import type { Knex } from 'knex';
import { badRequest, notFound } from '../http/errors.js';
import type { UploadedFile } from '../http/operation.js';
import type { Logger } from '../log.js';
import type { Services } from '../services.js';
import { PRODUCT_COLUMNS, toProductResponse, type ProductResponse, type ProductRow } from './product.model.js';
import { productColumns, storeUploadedImage, type ProductColumns, type ProductPatch } from './product-input.js';
import { withUniqueSlug } from './slug.js';

/** What a product write is given: the validated fields, the uploaded files, and where to store and log. */
export interface ProductWrite {
  body: ProductPatch;
  files: UploadedFile[];
  services: Services;
  log: Logger;
}

async function columnsOf({ body, files, services, log }: ProductWrite, defaults: ProductColumns): Promise<ProductColumns> {
  const columns = { ...defaults, ...productColumns(body) };
  const uploaded = await storeUploadedImage(files, services.media, log);
  return uploaded ? { ...columns, ...uploaded } : columns;
}

export async function createProductRow(write: ProductWrite): Promise<ProductResponse> {
  const columns = await columnsOf(write, { stock: 0, image: null });
  // The unique index on slug decides between two products of one name created at the same moment.
  const [row] = (await withUniqueSlug(write.services.db, columns.name!, (slug, trx) =>
    trx('products')
      .insert({ ...columns, slug })
      .returning(PRODUCT_COLUMNS),
  )) as ProductRow[];
  return toProductResponse(row!);
}

/** PUT replaces every field (stock and image fall back to 0 and null); PATCH changes the given ones. */
export async function updateProductRow(id: number, write: ProductWrite, mode: 'replace' | 'update'): Promise<ProductResponse> {
  const db: Knex = write.services.db;
  // Answer 404 before storing an uploaded image for a product that does not exist.
  if (!(await db('products').where({ id }).first('id'))) throw notFound('Product not found.');
  const columns = await columnsOf(write, mode === 'replace' ? { stock: 0, image: null, image_source: null } : {});
  // Not a schema rule: a multipart PATCH may carry nothing but the image file.
  if (Object.keys(columns).length === 0) throw badRequest('Provide at least one field to change.');
  // The slug stays as it was: links to the product keep working after a rename.
  const [row] = (await db('products')
    .where({ id })
    .update({ ...columns, updated_at: db.fn.now() })
    .returning(PRODUCT_COLUMNS)) as ProductRow[];
  if (!row) throw notFound('Product not found.');
  return toProductResponse(row);
}
