// The signed-in user's address book (/api/orders/addresses/). Orders keep their own copy of the
// address they ship to, so changing or deleting an entry never changes a past order. Another
// user's address id answers 404 and is left untouched.
import { notFound } from '../../http/errors.js';
import type { OperationTable } from '../../services.js';
import { Address, toAddressResponse } from './address.model.js';

const addressNotFound = () => notFound('Address not found.');

export const addressOperations = {
  listAddresses: {
    async handle({ user, services }) {
      const addresses = await Address.listOf(services.db, user.id);
      return { status: 200, body: addresses.map(toAddressResponse) };
    },
  },

  createAddress: {
    async handle({ body, user, services }) {
      const address = await Address.createFor(services.db, user.id, body);
      return { status: 201, body: toAddressResponse(address) };
    },
  },

  updateAddress: {
    async handle({ params, body, user, services }) {
      const address = await Address.updateOwned(services.db, user.id, params.id, body);
      if (!address) throw addressNotFound();
      return { status: 200, body: toAddressResponse(address) };
    },
  },

  deleteAddress: {
    async handle({ params, user, services }) {
      if (!(await Address.deleteOwned(services.db, user.id, params.id))) throw addressNotFound();
      return { status: 204, body: undefined };
    },
  },
} satisfies Partial<OperationTable>;
