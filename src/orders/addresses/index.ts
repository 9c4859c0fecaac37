// The signed-in user's address book (orders keep their own copy of the address they ship to).
import type { OperationTable } from '../../services.js';
import { createAddress } from './create-address.js';
import { deleteAddress } from './delete-address.js';
import { listAddresses } from './list-addresses.js';
import { updateAddress } from './update-address.js';

export const addressOperations = {
  listAddresses,
  createAddress,
  updateAddress,
  deleteAddress,
} satisfies Partial<OperationTable>;
