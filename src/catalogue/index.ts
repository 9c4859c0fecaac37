// The catalogue: products, their search and their import.
import type { OperationTable } from '../http/operation.js';
import { getProduct } from './get-product.js';
import { listProducts } from './list-products.js';

export const catalogueOperations: OperationTable = {
  listProducts,
  getProduct,
  createProduct: 'not-implemented',
  replaceProduct: 'not-implemented',
  updateProduct: 'not-implemented',
  deleteProduct: 'not-implemented',
  getMedia: 'not-implemented',
};
