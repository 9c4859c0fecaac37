// The signed-in user's address book (orders keep their own copy of the address they ship to).
import type { OperationTable } from '../../http/operation.js';
import { createAddress } from './create-address.js';
import { deleteAddress } from './delete-address.js';
import { listAddresses } from './list-addresses.js';
import { updateAddress } from './update-address.js';

export const addressOperations: OperationTable = {
  listAddresses,
  createAddress,
  updateAddress,
  deleteAddress,
};
