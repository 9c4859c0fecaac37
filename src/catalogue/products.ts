// The products resource: the public catalogue (a page of it, one product, both answered
// conditionally, with the JSON text PostgreSQL makes of them) and staff's writes. A write stores
// an uploaded image first, then writes the row in one statement. Every write is recorded in the
// audit log in the transaction that makes it. (The body parser removes the request's temporary
// files.)
import { record } from '../audit/audit.js';
import { badRequest, notFound } from '../http/errors.js';
import { JsonText } from '../http/json-body.js';
import type { UploadedFile } from '../http/operation.js';
import { pageOf, pagingHeaders } from '../http/paging.js';
import type { Logger } from '../log.js';
import type { OperationTable, Services, SessionUser } from '../services.js';
import { conditionalReply } from './http-cache.js';
import { pageWithTotal } from './list-counts.js';
import { fieldsFromInput, storeUploadedImage, type ProductPatch } from './product-input.js';
import { Product, toProductResponse, type ProductFields, type ProductResponse } from './product.model.js';

/** What a product write is given: the validated fields, the uploaded files, and where to store and log. */
interface ProductWrite {
  body: ProductPatch;
  files: UploadedFile[];
  services: Services;
  log: Logger;
  /** The staff user writing (for the audit log). */
  user: SessionUser;
}

/** `defaults` under the fields of the body, the uploaded image (stored now) over both. */
async function fieldsToWrite({ body, files, services, log }: ProductWrite, defaults: ProductFields): Promise<ProductFields> {
  const fields = { ...defaults, ...fieldsFromInput(body) };
  const uploaded = await storeUploadedImage(files, services.media, log);
  return uploaded ? { ...fields, ...uploaded } : fields;
}

/** PUT replaces every field (stock and image fall back to 0 and none); PATCH changes the given ones. */
const REPLACED_DEFAULTS: ProductFields = { stock: 0, image: null, image_source: null };

async function changeProduct(id: number, write: ProductWrite, defaults: ProductFields): Promise<{ status: 200; body: ProductResponse }> {
  const { db } = write.services;
  // Answer 404 before storing an uploaded image for a product that does not exist.
  if (!(await Product.exists(db, id))) throw notFound('Product not found.');
  const fields = await fieldsToWrite(write, defaults);
  // Not a schema rule: a multipart PATCH may carry nothing but the image file.
  if (Object.keys(fields).length === 0) throw badRequest('Provide at least one field to change.');
  const product = await db.transaction(async (trx) => {
    const before = await Product.lockShown(trx, id);
    if (!before) return undefined;
    const after = (await Product.change(trx, id, fields))!;
    await record(trx, {
      actorId: write.user.id,
      action: 'product.update',
      target: { type: 'product', id },
      before: toProductResponse(before),
      after: toProductResponse(after),
    });
    return after;
  });
  if (!product) throw notFound('Product not found.');
  return { status: 200, body: toProductResponse(product) };
}

export const productOperations = {
  listProducts: {
    async handle({ query, headers, services, request }) {
      const page = pageOf(query);
      const { json, written, total } = await pageWithTotal(services.db, query, page);
      return conditionalReply(
        headers['If-None-Match'],
        new JsonText<ProductResponse[]>(json),
        written,
        pagingHeaders(request.url, page, total),
      );
    },
  },

  getProduct: {
    async handle({ params, headers, services }) {
      const shown = await Product.findShownJson(services.db, params.id);
      if (shown === undefined) throw notFound('Product not found.');
      return conditionalReply(headers['If-None-Match'], new JsonText<ProductResponse>(shown.json), shown.written);
    },
  },

  createProduct: {
    staffOnly: true,
    async handle(write) {
      const fields = await fieldsToWrite(write, { stock: 0, image: null });
      const product = await write.services.db.transaction(async (trx) => {
        const created = await Product.insertWithFreeSlug(trx, fields);
        const after = toProductResponse(created);
        await record(trx, {
          actorId: write.user.id,
          action: 'product.create',
          target: { type: 'product', id: created.id },
          before: null,
          after,
        });
        return after;
      });
      return { status: 201, body: product };
    },
  },

  replaceProduct: {
    staffOnly: true,
    async handle(write) {
      return await changeProduct(write.params.id, write, REPLACED_DEFAULTS);
    },
  },

  updateProduct: {
    staffOnly: true,
    async handle(write) {
      return await changeProduct(write.params.id, write, {});
    },
  },

  deleteProduct: {
    staffOnly: true,
    async handle({ params, services, user }) {
      const removed = await services.db.transaction(async (trx) => {
        const before = await Product.lockShown(trx, params.id);
        if (!before || !(await Product.remove(trx, params.id))) return false;
        const entry = { actorId: user.id, action: 'product.delete', target: { type: 'product', id: params.id } };
        await record(trx, { ...entry, before: toProductResponse(before), after: null });
        return true;
      });
      if (!removed) throw notFound('Product not found.');
      return { status: 204, body: undefined };
    },
  },
} satisfies Partial<OperationTable>;
