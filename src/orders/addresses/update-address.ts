// The owner is part of the UPDATE's WHERE: another user's address id changes nothing and answers 404.
import { notFound } from '../../http/errors.js';
import { operation } from '../../http/operation.js';
import { ADDRESS_COLUMNS, toAddressResponse, trimmedFields, type AddressResponse } from './address.model.js';

export const updateAddress = operation<'updateAddress'>({
  async handle({ params, body, user, services }) {
    const [row] = (await services.db('addresses')
      .where({ id: params.id, user_id: user.id })
      .update(trimmedFields(body))
      .returning(ADDRESS_COLUMNS)) as AddressResponse[];
    if (!row) throw notFound('Address not found.');
    return { status: 200, body: toAddressResponse(row) };
  },
});
