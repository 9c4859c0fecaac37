// From a product's input (a validated request — JSON, or multipart fields already coerced to the
// JSON shape — or an imported item checked against the same schema) to the fields a product write
// stores. The spec has checked bounds and patterns; what is left here is what a schema cannot say:
// lengths after trimming, exact decimal places of a JSON number, and the image file's real type.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/openapi.js';
import { badGateway, badRequest, fieldError } from '../http/errors.js';
import type { UploadedFile } from '../http/operation.js';
import type { Logger } from '../log.js';
import { formatMoney } from '../money.js';
import { sniffImageFormat } from '../media/image-type.js';
import { MediaStoreError, type MediaStore } from '../media/media-store.js';
import type { Category, ProductFields } from './product.model.js';

export type ProductPatch = components['schemas']['ProductPatch'];

const IMAGE_TYPES_MESSAGE = 'Upload a valid image: JPEG, PNG, WebP or GIF.';

/** A JSON number such as 10.555 passes the schema's number branch; its decimals are checked here. */
function price(value: string | number): string {
  try {
    return formatMoney(value);
  } catch {
    throw fieldError('price', 'Ensure that there are no more than 2 decimal places.');
  }
}

/**
 * The fields present in the input, normalised: names and descriptions trimmed, the category in
 * lower case, the price with two decimals. Throws the API's 400 for a field the schema let through
 * that still cannot be stored.
 */
export function fieldsFromInput(input: ProductPatch): ProductFields {
  const fields: ProductFields = {};
  if (input.name !== undefined) fields.name = input.name.trim();
  if (input.price !== undefined) fields.price = price(input.price);
  if (input.category !== undefined) fields.category = input.category.toLowerCase() as Category;
  if (input.description !== undefined) fields.description = input.description.trim();
  if (input.stock !== undefined) fields.stock = input.stock;
  // An image given as a URL is the product's image as is; it has no separate source.
  if (input.image !== undefined) Object.assign(fields, { image: input.image, image_source: null });
  // Trimming may shorten a name or description below the minimum the spec checked.
  if (fields.name !== undefined && fields.name.length < 3) throw fieldError('name', 'Ensure this field has at least 3 characters.');
  if (fields.description !== undefined && fields.description.length < 10) {
    throw fieldError('description', 'Ensure this field has at least 10 characters.');
  }
  return fields;
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
): Promise<Pick<ProductFields, 'image' | 'image_source'> | undefined> {
  const unknown = [...new Set(files.map((file) => file.field).filter((field) => field !== 'image'))];
  if (unknown.length)
    throw badRequest(`${unknown[0]}: Unknown field.`, Object.fromEntries(unknown.map((name) => [name, ['Unknown field.']])));
  const file = files.find((candidate) => candidate.field === 'image');
  if (!file) return undefined;
  const bytes = await readFile(file.path);
  const format = sniffImageFormat(bytes);
  if (!format)
    throw fieldError('image', IMAGE_TYPES_MESSAGE, { status: 415, code: 'unsupported_media_type', summary: IMAGE_TYPES_MESSAGE });
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
