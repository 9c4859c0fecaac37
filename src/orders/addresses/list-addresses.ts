import type { Operation } from '../../services.js';
import { Address, ADDRESS_COLUMNS, toAddressResponse } from './address.model.js';

export const listAddresses: Operation<'listAddresses'> = {
  async handle({ user, services }) {
    // Newest first, like the other lists of the API; the id breaks no ties because it is unique.
    const addresses = await Address.query(services.db).select(ADDRESS_COLUMNS).where({ user_id: user.id }).orderBy('id', 'desc');
    return { status: 200, body: addresses.map(toAddressResponse) };
  },
};
