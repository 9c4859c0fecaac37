// The catalogue: products, their search, their images and their import.
import type { OperationTable } from '../services.js';
import { createProduct } from './create-product.js';
import { deleteProduct } from './delete-product.js';
import { getMedia } from './get-media.js';
import { getProduct } from './get-product.js';
import { listProducts } from './list-products.js';
import { replaceProduct } from './replace-product.js';
import { updateProduct } from './update-product.js';

export const catalogueOperations = {
  listProducts,
  getProduct,
  createProduct,
  replaceProduct,
  updateProduct,
  deleteProduct,
  getMedia,
} satisfies Partial<OperationTable>;
