import { operation } from '../../http/operation.js';
import { ADDRESS_COLUMNS, toAddressResponse, trimmedFields, type AddressResponse } from './address.model.js';

export const createAddress = operation<'createAddress'>({
  async handle({ body, user, services }) {
    const [row] = (await services.db('addresses')
      .insert({ ...trimmedFields(body), user_id: user.id })
      .returning(ADDRESS_COLUMNS)) as AddressResponse[];
    return { status: 201, body: toAddressResponse(row!) };
  },
});
