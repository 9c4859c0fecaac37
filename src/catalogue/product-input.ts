// From a validated request (JSON, or multipart fields already coerced to the JSON shape) to the
// columns of a products row. The spec has checked bounds and patterns; what is left here is what a
// schema cannot say: exact decimal places of a JSON number, and the image file's real type.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/openapi.js';
import { badGateway, badRequest, HttpError } from '../http/errors.js';
import type { UploadedFile } from '../http/operation.js';
import type { Logger } from '../log.js';
import { formatMoney } from '../money.js';
import { sniffImageFormat } from '../media/image-type.js';
import { MediaStoreError, type MediaStore } from '../media/media-store.js';

export type ProductInput = components['schemas']['ProductInput'];
export type ProductPatch = components['schemas']['ProductPatch'];

export interface ProductColumns {
  name?: string;
  price?: string;
  category?: 'men' | 'women';
  description?: string;
  stock?: number;
  image?: string | null;
  image_source?: string | null;
}

const PRICE_MESSAGE = 'Ensure that there are no more than 2 decimal places.';

/** A JSON number such as 10.555 passes the schema's number branch; its decimals are checked here. */
function price(value: string | number): string {
  try {
    return formatMoney(value);
  } catch {
    throw badRequest(`price: ${PRICE_MESSAGE}`, { price: [PRICE_MESSAGE] });
  }
}

/** The fields present in the body, normalised (category in lower case, price with two decimals). */
export function productColumns(body: ProductPatch): ProductColumns {
  const columns: ProductColumns = {};
  if (body.name !== undefined) columns.name = body.name.trim();
  if (body.price !== undefined) columns.price = price(body.price);
  if (body.category !== undefined) columns.category = body.category.toLowerCase() as 'men' | 'women';
  if (body.description !== undefined) columns.description = body.description.trim();
  if (body.stock !== undefined) columns.stock = body.stock;
  // An image given as a URL is the product's image as is; it has no separate source.
  if (body.image !== undefined) Object.assign(columns, { image: body.image, image_source: null });
  // Trimming may shorten a name or description below the minimum the spec checked.
  if (columns.name !== undefined && columns.name.length < 3)
    throw badRequest('name: Ensure this field has at least 3 characters.', { name: ['Ensure this field has at least 3 characters.'] });
  if (columns.description !== undefined && columns.description.length < 10) {
    throw badRequest('description: Ensure this field has at least 10 characters.', {
      description: ['Ensure this field has at least 10 characters.'],
    });
  }
  return columns;
}

/**
 * The multipart `image` file, checked by its first bytes and stored in the media store; undefined
 * when the request carries no file. 415 for a type other than JPEG/PNG/WebP/GIF, 502 when the
 * store fails. (Size is limited by the body parser: 413.)
 */
export async function storeUploadedImage(
  files: UploadedFile[],
  media: MediaStore,
  log: Logger,
): Promise<Pick<ProductColumns, 'image' | 'image_source'> | undefined> {
  const unknown = [...new Set(files.map((file) => file.field).filter((field) => field !== 'image'))];
  if (unknown.length)
    throw badRequest(`${unknown[0]}: Unknown field.`, Object.fromEntries(unknown.map((name) => [name, ['Unknown field.']])));
  const file = files.find((candidate) => candidate.field === 'image');
  if (!file) return undefined;
  const bytes = await readFile(file.path);
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new HttpError(415, 'unsupported_media_type', 'Upload a valid image: JPEG, PNG, WebP or GIF.', {
      fields: { image: ['Upload a valid image: JPEG, PNG, WebP or GIF.'] },
    });
  }
  try {
    const image = await media.storeImage({ bytes, format }, `products/${randomUUID()}`);
    return { image, image_source: null };
  } catch (error) {
    if (error instanceof MediaStoreError) {
      log.warn({ err: error }, 'image upload failed');
      throw badGateway('Image upload failed. Please try again.');
    }
    throw error;
  }
}
