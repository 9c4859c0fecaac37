// The signed-in user's address book (orders keep their own copy of the address they ship to).
import type { OperationTable } from '../../http/operation.js';

export const addressOperations: OperationTable = {
  listAddresses: 'not-implemented',
  createAddress: 'not-implemented',
  updateAddress: 'not-implemented',
  deleteAddress: 'not-implemented',
};
