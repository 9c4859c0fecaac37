import { operation } from '../../http/operation.js';
import { ADDRESS_COLUMNS, toAddressResponse, type AddressResponse } from './address.model.js';

export const listAddresses = operation<'listAddresses'>({
  async handle({ user, services }) {
    // Newest first, like the other lists of the API; the id breaks no ties because it is unique.
    const rows = (await services.db('addresses').where({ user_id: user.id }).orderBy('id', 'desc').select(ADDRESS_COLUMNS)) as AddressResponse[];
    return { status: 200, body: rows.map(toAddressResponse) };
  },
});
