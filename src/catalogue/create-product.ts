import type { Operation } from '../services.js';
import { createProductRow } from './write-product.js';

export const createProduct: Operation<'createProduct'> = {
  staffOnly: true,
  async handle({ body, files, services, log }) {
    return { status: 201, body: await createProductRow({ body, files, services, log }) };
  },
};
